#include "store/incident_key.h"

#include <sodium.h>

namespace harmlens {

IncidentKey KeyOf(Agency agency, std::string_view source_id) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, 16);
  const unsigned char tag[2] = {static_cast<unsigned char>(agency), 0x1f};
  crypto_generichash_update(&state, tag, sizeof tag);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(source_id.data()), source_id.size());
  IncidentKey key;
  crypto_generichash_final(&state, key.bytes.data(), key.bytes.size());
  return key;
}

bool IncidentKeySet::Contains(const IncidentKey& key) const {
  if (slots_.empty()) return false;
  for (size_t i = Slot(key);; i = (i + 1) & (slots_.size() - 1)) {
    if (!used_[i]) return false;
    if (slots_[i] == key) return true;
  }
}

bool IncidentKeySet::Insert(const IncidentKey& key) {
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow((size_ + 1) * 2);
  for (size_t i = Slot(key);; i = (i + 1) & (slots_.size() - 1)) {
    if (!used_[i]) {
      used_[i] = 1;
      slots_[i] = key;
      ++size_;
      return true;
    }
    if (slots_[i] == key) return false;
  }
}

void IncidentKeySet::Reserve(size_t keys) {
  if (keys * 10 > slots_.size() * 7) Grow(keys * 10 / 7 + 1);
}

void IncidentKeySet::Grow(size_t min_slots) {
  size_t n = 1024;
  while (n < min_slots) n *= 2;
  std::vector<IncidentKey> old_slots = std::move(slots_);
  std::vector<uint8_t> old_used = std::move(used_);
  slots_.assign(n, IncidentKey{});
  used_.assign(n, 0);
  size_ = 0;
  for (size_t i = 0; i < old_slots.size(); ++i) {
    if (old_used[i]) Insert(old_slots[i]);
  }
}

}  // namespace harmlens
