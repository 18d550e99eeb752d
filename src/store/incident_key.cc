#include "store/incident_key.h"

#include <sodium.h>
#include <sys/mman.h>

#include <new>
#include <utility>

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

namespace {

constexpr IncidentKey kEmpty{};

// The table grows to hundreds of megabytes on big loads; on 4 KB pages, touching it
// cost one page fault per 256 keys (a third of all the faults of a 2 M-row ingest),
// so it asks for transparent huge pages.
IncidentKey* AllocateSlots(size_t count) {
  const size_t bytes = count * sizeof(IncidentKey);
  constexpr size_t kHugePage = size_t{2} << 20;
  if (bytes >= kHugePage) {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without it, plain pages
    return static_cast<IncidentKey*>(p);  // zero-filled by the kernel: every slot empty
  }
  return new IncidentKey[count]();
}

void FreeSlots(IncidentKey* slots, size_t count) {
  if (!slots) return;
  const size_t bytes = count * sizeof(IncidentKey);
  if (bytes >= (size_t{2} << 20)) {
    ::munmap(slots, bytes);
  } else {
    delete[] slots;
  }
}

}  // namespace

IncidentKeySet& IncidentKeySet::operator=(IncidentKeySet&& other) noexcept {
  if (this != &other) {
    FreeSlots(slots_, slot_count_);
    slots_ = std::exchange(other.slots_, nullptr);
    slot_count_ = std::exchange(other.slot_count_, 0);
    size_ = std::exchange(other.size_, 0);
    has_zero_key_ = std::exchange(other.has_zero_key_, false);
  }
  return *this;
}

IncidentKeySet::~IncidentKeySet() { FreeSlots(slots_, slot_count_); }

bool IncidentKeySet::Contains(const IncidentKey& key) const {
  if (key == kEmpty) return has_zero_key_;
  if (slot_count_ == 0) return false;
  for (size_t i = Slot(key);; i = (i + 1) & (slot_count_ - 1)) {
    if (slots_[i] == kEmpty) return false;
    if (slots_[i] == key) return true;
  }
}

bool IncidentKeySet::Insert(const IncidentKey& key) {
  if (key == kEmpty) return !std::exchange(has_zero_key_, true);
  if ((size_ + 1) * 10 > slot_count_ * 7) Grow((size_ + 1) * 2);
  for (size_t i = Slot(key);; i = (i + 1) & (slot_count_ - 1)) {
    if (slots_[i] == kEmpty) {
      slots_[i] = key;
      ++size_;
      return true;
    }
    if (slots_[i] == key) return false;
  }
}

void IncidentKeySet::Reserve(size_t keys) {
  if (keys * 10 > slot_count_ * 7) Grow(keys * 10 / 7 + 1);
}

void IncidentKeySet::Grow(size_t min_slots) {
  size_t n = 1024;
  while (n < min_slots) n *= 2;
  IncidentKey* old_slots = std::exchange(slots_, AllocateSlots(n));
  const size_t old_count = std::exchange(slot_count_, n);
  size_ = 0;
  for (size_t i = 0; i < old_count; ++i) {
    if (!(old_slots[i] == kEmpty)) Insert(old_slots[i]);
  }
  FreeSlots(old_slots, old_count);
}

}  // namespace harmlens
