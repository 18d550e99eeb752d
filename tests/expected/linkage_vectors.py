#!/usr/bin/env python3
"""Independent computation of the linkage test vectors in docs/linkage.md and
src/linkage/records_test.cc, from the rules as documented (Python's hmac/hashlib, not
harmlens code). Run: python3 tests/expected/linkage_vectors.py"""
import hashlib
import hmac

SECRET = b"harmlens linkage test vector secret - never use"
SCHEMA = "agency-records-1"


def hmac256(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def field_key(field):
    return hmac256(SECRET, f"harmlens-linkage/1 field {SCHEMA} {field}".encode())


def positions(field, gram, k, bits):
    key = field_key(field)
    out = []
    for i in range(k):
        if i % 8 == 0:
            mac = hmac256(key, bytes([i // 8]) + gram.encode())
        chunk = int.from_bytes(mac[4 * (i % 8):4 * (i % 8) + 4], "little")
        out.append(chunk % bits)
    return out


def qgrams(value, q):
    padded = "_" * (q - 1) + value + "_" * (q - 1)
    grams = []
    for i in range(len(padded) - q + 1):
        if padded[i:i + q] not in grams:
            grams.append(padded[i:i + q])
    return grams


def popcount_of(field, value, q, k, bits):
    bitset = set()
    for g in qgrams(value, q):
        bitset.update(positions(field, g, k, bits))
    return bitset


def blocking_token(rule_index, parts):
    key = hmac256(SECRET, f"harmlens-linkage/1 blocking {SCHEMA}".encode())
    msg = str(rule_index) + "".join("\x1f" + p for p in parts)
    return int.from_bytes(hmac256(key, msg.encode())[:8], "little")


print("field key given_name:", field_key("given_name").hex())
print("positions given_name '_j' k=20 bits=512:", positions("given_name", "_j", 20, 512))
print("qgrams jayden q=2:", qgrams("jayden", 2))
a = popcount_of("given_name", "jayden", 2, 20, 512)
b = popcount_of("given_name", "jay", 2, 20, 512)
print("popcount jayden:", len(a), "jay:", len(b), "common:", len(a & b),
      "dice: %.6f" % (2 * len(a & b) / (len(a) + len(b))))
# Rule 2 of schema-1: date_of_birth:exact + sex:exact
print("blocking token rule 2 (20070321, M): %016x" % blocking_token(2, ["20070321", "M"]))
