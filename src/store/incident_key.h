// The identity of a stored incident: BLAKE2b-128 of (agency, source id). A keyed-free
// cryptographic hash, because partner files are untrusted: a crafted row must not be
// able to collide with, and so hide, another incident. Pure functions; thread-safe.
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

IncidentKey KeyOf(Agency agency, std::string_view source_id);

// An open-addressing set of keys: 16 to 32 bytes per key (the table is kept between
// 35% and 70% full), so ten million stored incidents cost about 320 MB at most while an
// ingest runs. Not thread-safe.
class IncidentKeySet {
 public:
  IncidentKeySet() = default;
  IncidentKeySet(IncidentKeySet&& other) noexcept { *this = std::move(other); }
  IncidentKeySet& operator=(IncidentKeySet&& other) noexcept;
  ~IncidentKeySet();

  size_t size() const { return size_ + (has_zero_key_ ? 1 : 0); }
  bool Contains(const IncidentKey& key) const;
  // False if the key was already there.
  bool Insert(const IncidentKey& key);
  void Reserve(size_t keys);
  // Starts loading the slot where a lookup of `key` begins. The table is far larger
  // than the caches, so a loop over many keys that prefetches a few keys ahead waits
  // for memory once per few keys instead of once per key.
  void Prefetch(const IncidentKey& key) const {
    if (slot_count_ != 0) __builtin_prefetch(&slots_[Slot(key)]);
  }

 private:
  size_t Slot(const IncidentKey& key) const {
    uint64_t h;
    std::memcpy(&h, key.bytes.data(), sizeof h);  // the key is already a uniform hash
    return static_cast<size_t>(h) & (slot_count_ - 1);
  }
  void Grow(size_t min_slots);

  // An all-zero slot is empty, so the all-zero key (a 2^-128 chance, but a crafted
  // file must not make the set lose it) is held aside.
  IncidentKey* slots_ = nullptr;  // slot_count_ slots, on huge pages where the kernel allows
  size_t slot_count_ = 0;
  size_t size_ = 0;  // keys in slots_
  bool has_zero_key_ = false;
};

}  // namespace harmlens
