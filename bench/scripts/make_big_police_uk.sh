#!/usr/bin/env bash
# Build one large police.uk street-level CSV by repeating real rows, for scale benchmarks.
# Usage: make_big_police_uk.sh OUT.csv [MIN_ROWS=2000000] DIR_OR_CSV...
#   Whole copies are written (k = 0,1,2,...) until at least MIN_ROWS data rows exist, so every
#   month/LSOA/type keeps its real proportions.  Copy 0 is the input byte for byte; in copy k>0
#   each Crime ID becomes sha256("<id>:<k>") so that crimes never repeat across copies.  Blank
#   (anti-social behaviour) IDs stay blank: the loader must tell identical ASB rows apart itself.
#   Even copies end lines with CRLF (as police.uk does), odd copies with LF, so one file exercises
#   both.  Quoted Location fields and rows without coordinates are passed through untouched.
#   Input files are taken in byte order of their paths, so the output is deterministic.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 OUT.csv [MIN_ROWS=2000000] DIR_OR_CSV..." >&2; exit 2; }
out=$1; shift
min_rows=2000000
# A purely numeric second argument that is not an existing path is MIN_ROWS.
if [[ $1 =~ ^[0-9]+$ && ! -e $1 ]]; then min_rows=$1; shift; fi
[[ $# -ge 1 ]] || { echo "$0: no input directories or files" >&2; exit 2; }
for p in "$@"; do [[ -e $p ]] || { echo "$0: $p: no such file or directory" >&2; exit 2; }; done

# Python stdlib only (hashlib): mawk has no hash function, and 2M sha256 calls take ~1 s.
exec /usr/bin/python3 - "$out" "$min_rows" "$@" <<'PY'
import hashlib, os, sys

HEADER = (b"Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
          b"LSOA code,LSOA name,Crime type,Last outcome category,Context")
out, min_rows, inputs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

paths = []
for p in inputs:
    if os.path.isdir(p):
        for root, _, names in os.walk(p):
            paths += [os.path.join(root, n) for n in names if n.endswith(".csv")]
    else:
        paths.append(p)
paths.sort(key=os.fsencode)  # byte order, independent of locale and directory listing order
if not paths:
    sys.exit("no .csv files found")

rows = []  # each row without its line ending
for p in paths:
    with open(p, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # trailing newline, not an empty row
    lines = [l[:-1] if l.endswith(b"\r") else l for l in lines]
    if not lines or lines[0].lstrip(b"\xef\xbb\xbf") != HEADER:
        sys.exit(f"{p}: not a police.uk street CSV (unexpected header)")
    rows += lines[1:]
if not rows:
    sys.exit("input has no data rows")

copies = max(1, -(-min_rows // len(rows)))
sha = hashlib.sha256
written = 0
with open(out, "wb") as f:
    f.write(HEADER + b"\r\n")
    for k in range(copies):
        eol = b"\r\n" if k % 2 == 0 else b"\n"
        if k == 0:
            block = rows
        else:
            suffix = b":%d" % k
            block = []
            for r in rows:
                cid, sep, rest = r.partition(b",")
                if cid:  # blank ASB ids stay blank
                    r = sha(cid + suffix).hexdigest().encode() + sep + rest
                block.append(r)
        f.write(eol.join(block) + eol)
        written += len(block)
    nbytes = f.tell()
print(f"{out}: {written} data rows ({copies} copies of {len(rows)} rows from {len(paths)} files), {nbytes} bytes")
PY
