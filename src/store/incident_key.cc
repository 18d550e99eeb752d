#include "store/incident_key.h"

#include <sodium.h>

#include <string>
#include <utility>

#include "base/huge_pages.h"

namespace harmlens {

IncidentKey KeyOf(const IncidentKeySecret& secret, Agency agency, std::string_view source_id) {
  // SipHash has no streaming interface in libsodium: the tag and the id go in one
  // buffer, on the stack for any id a feed has (police.uk's are 72 bytes).
  constexpr size_t kOnStack = 254;
  unsigned char stack[kOnStack + 2];
  std::string heap;
  unsigned char* message = stack;
  if (source_id.size() > kOnStack) {
    heap.resize(source_id.size() + 2);
    message = reinterpret_cast<unsigned char*>(heap.data());
  }
  message[0] = static_cast<unsigned char>(agency);
  message[1] = 0x1f;
  std::memcpy(message + 2, source_id.data(), source_id.size());
  IncidentKey key;
  static_assert(crypto_shorthash_siphashx24_BYTES == sizeof key.bytes);
  static_assert(crypto_shorthash_siphashx24_KEYBYTES == sizeof secret.bytes);
  crypto_shorthash_siphashx24(key.bytes.data(), message, source_id.size() + 2, secret.bytes.data());
  return key;
}

namespace {

constexpr IncidentKey kEmpty{};

}  // namespace

bool IncidentKeySet::Contains(const IncidentKey& key) const {
  if (key == kEmpty) return has_zero_key_;
  if (slots_.empty()) return false;
  for (size_t i = Slot(key);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i] == kEmpty) return false;
    if (slots_[i] == key) return true;
  }
}

bool IncidentKeySet::Insert(const IncidentKey& key) {
  if (key == kEmpty) return !std::exchange(has_zero_key_, true);
  if ((size_ + 1) * 10 > slots_.size() * 7) Grow((size_ + 1) * 2);
  for (size_t i = Slot(key);; i = (i + 1) & (slots_.size() - 1)) {
    if (slots_[i] == kEmpty) {
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
  std::vector<IncidentKey> old = std::move(slots_);
  slots_ = {};
  // The table reaches hundreds of megabytes on big loads; on 4 KB pages, filling it
  // cost one page fault per 256 keys (a third of a 2 M-row ingest's faults).
  slots_.reserve(n);
  AdviseHugePages(slots_);
  slots_.resize(n);
  size_ = 0;
  for (const IncidentKey& key : old) {
    if (!(key == kEmpty)) Insert(key);
  }
}

}  // namespace harmlens
