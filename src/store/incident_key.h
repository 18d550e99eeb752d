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
  bool operator==(const IncidentKey&) const = default;
};

IncidentKey KeyOf(Agency agency, std::string_view source_id);

// An open-addressing set of keys: about 24 bytes per key, so ten million stored
// incidents cost about 240 MB while an ingest runs. Not thread-safe.
class IncidentKeySet {
 public:
  size_t size() const { return size_; }
  bool Contains(const IncidentKey& key) const;
  // False if the key was already there.
  bool Insert(const IncidentKey& key);
  void Reserve(size_t keys);

 private:
  size_t Slot(const IncidentKey& key) const {
    uint64_t h;
    std::memcpy(&h, key.bytes.data(), sizeof h);  // the key is already a uniform hash
    return static_cast<size_t>(h) & (slots_.size() - 1);
  }
  void Grow(size_t min_slots);

  std::vector<IncidentKey> slots_;
  std::vector<uint8_t> used_;  // bytes, not std::vector<bool>: its bit access slowed inserts
  size_t size_ = 0;
};

}  // namespace harmlens
