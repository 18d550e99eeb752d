#include "store/incident_key.h"

#include <string>
#include <utility>

#include "base/huge_pages.h"

namespace harmlens {

namespace {

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);  // little-endian, as SipHash reads its message
  return v;
}

// SipHash-2-4 with a 128-bit result (Aumasson and Bernstein, 2012), the function
// libsodium calls crypto_shorthash_siphashx24, over the message (agency, 0x1f, id)
// read straight from the id: assembling the message in a buffer first, as libsodium
// needs, cost more than the hash itself.
class SipHash128 {
 public:
  explicit SipHash128(const IncidentKeySecret& secret) {
    const uint64_t k0 = Load64(reinterpret_cast<const char*>(secret.bytes.data()));
    const uint64_t k1 = Load64(reinterpret_cast<const char*>(secret.bytes.data()) + 8);
    v0_ = k0 ^ 0x736f6d6570736575ull;
    v1_ = k1 ^ 0x646f72616e646f6dull ^ 0xee;
    v2_ = k0 ^ 0x6c7967656e657261ull;
    v3_ = k1 ^ 0x7465646279746573ull;
  }
  void Block(uint64_t m) {
    v3_ ^= m;
    Round();
    Round();
    v0_ ^= m;
  }
  IncidentKey Finish(uint64_t last) {
    Block(last);
    v2_ ^= 0xee;
    for (int i = 0; i < 4; ++i) Round();
    const uint64_t first = v0_ ^ v1_ ^ v2_ ^ v3_;
    v1_ ^= 0xdd;
    for (int i = 0; i < 4; ++i) Round();
    const uint64_t second = v0_ ^ v1_ ^ v2_ ^ v3_;
    IncidentKey key;
    std::memcpy(key.bytes.data(), &first, 8);
    std::memcpy(key.bytes.data() + 8, &second, 8);
    return key;
  }

 private:
  static uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
  void Round() {
    v0_ += v1_;
    v1_ = Rotl(v1_, 13) ^ v0_;
    v0_ = Rotl(v0_, 32);
    v2_ += v3_;
    v3_ = Rotl(v3_, 16) ^ v2_;
    v0_ += v3_;
    v3_ = Rotl(v3_, 21) ^ v0_;
    v2_ += v1_;
    v1_ = Rotl(v1_, 17) ^ v2_;
    v2_ = Rotl(v2_, 32);
  }
  uint64_t v0_, v1_, v2_, v3_;
};

}  // namespace

IncidentKey KeyOf(const IncidentKeySecret& secret, Agency agency, std::string_view source_id) {
  const uint64_t tag = static_cast<uint8_t>(agency) | uint64_t{0x1f} << 8;
  const size_t length = source_id.size() + 2;
  SipHash128 hash(secret);
  if (source_id.size() < 8) {  // too short for word loads: the message in a word or two
    char message[16] = {};
    std::memcpy(message, &tag, 2);
    std::memcpy(message + 2, source_id.data(), source_id.size());
    if (length >= 8) hash.Block(Load64(message));
    const size_t at = length >= 8 ? 8 : 0;
    uint64_t last = Load64(message + at);
    return hash.Finish(last | uint64_t{length} << 56);
  }
  // Message byte i is id byte i - 2: block k (from message byte 8k) is read at id
  // byte 8k - 2, the first one shifted past the tag.
  const char* id = source_id.data();
  hash.Block(tag | Load64(id) << 16);
  const size_t blocks = length / 8;
  for (size_t k = 1; k < blocks; ++k) hash.Block(Load64(id + 8 * k - 2));
  const size_t left = length % 8;  // in the id's last bytes: read the id's last word
  const uint64_t tail = left == 0 ? 0 : Load64(id + source_id.size() - 8) >> (64 - 8 * left);
  return hash.Finish(tail | uint64_t{length} << 56);
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
