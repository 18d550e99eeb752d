// The identity of a stored incident: SipHash-2-4-128 of (agency, source id) under the
// store's own random secret. Keyed, because partner files are untrusted: without the
// secret a crafted row cannot be made to collide with, and so hide, another incident.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "model/incident.h"

namespace harmlens {

struct IncidentKey {
  std::array<uint8_t, 16> bytes{};
  // Two word compares: the defaulted operator called memcmp, 7% of a big ingest's CPU
  // in the key set alone.
  bool operator==(const IncidentKey& other) const {
    uint64_t a[2], b[2];
    std::memcpy(a, bytes.data(), sizeof a);
    std::memcpy(b, other.bytes.data(), sizeof b);
    return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
  }
};

// Each store draws its own when it is created (schema 4; stores keyed incidents with an
// unkeyed BLAKE2b-128 before, 6 times as slow on these short ids: a tenth of a big
// police.uk ingest's CPU).
struct IncidentKeySecret {
  std::array<uint8_t, 16> bytes{};
};

IncidentKey KeyOf(const IncidentKeySecret& secret, Agency agency, std::string_view source_id);

// An open-addressing set of keys: a power-of-two table of 16-byte slots at most 70%
// full, so ten million stored incidents take 256 MB while an ingest runs. Not
// thread-safe.
class IncidentKeySet {
 public:
  size_t size() const { return size_ + (has_zero_key_ ? 1 : 0); }
  bool Contains(const IncidentKey& key) const;
  // False if the key was already there.
  bool Insert(const IncidentKey& key);
  void Reserve(size_t keys);
  // Starts loading the slot where a lookup of `key` begins. The table is far larger
  // than the caches, so a loop over many keys that prefetches a few keys ahead waits
  // for memory once per few keys instead of once per key.
  void Prefetch(const IncidentKey& key) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Slot(key)]);
  }

 private:
  size_t Slot(const IncidentKey& key) const {
    uint64_t h;
    std::memcpy(&h, key.bytes.data(), sizeof h);  // the key is already a uniform hash
    return static_cast<size_t>(h) & (slots_.size() - 1);
  }
  void Grow(size_t min_slots);

  // An all-zero slot is empty, so the all-zero key (a 2^-128 chance, but a crafted
  // file must not make the set lose it) is held aside.
  std::vector<IncidentKey> slots_;
  size_t size_ = 0;  // keys in slots_
  bool has_zero_key_ = false;
};

}  // namespace harmlens
