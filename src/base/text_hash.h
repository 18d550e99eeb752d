// Hashing and comparing the short texts of partner rows (codes, street names, ids) in
// the tables that give each distinct value a number or a count. Not cryptographic:
// only to place entries; equality is always checked on the text itself.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace harmlens {

inline uint64_t TextHash(std::string_view text) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const size_t n = text.size();
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  uint64_t h = n * kMul;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * kMul;
    h ^= h >> 29;
  }
  // The last bytes without a variable-length copy, whose store and reload through the
  // stack stalled the pipeline on every row: an overlapping word, or two half words.
  uint64_t tail = 0;
  if (n >= 8) {
    if (i < n) std::memcpy(&tail, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    tail = lo | static_cast<uint64_t>(hi) << 32;
  } else if (n > 0) {
    tail = p[0] | static_cast<uint64_t>(p[n / 2]) << 8 | static_cast<uint64_t>(p[n - 1]) << 16;
  }
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

// Equality without a call to memcmp for up to 32 bytes (LSOA codes, street names,
// outcome categories): the call was most of the cost of looking them up.
inline bool TextEquals(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8 || n > 32) return a == b;
  auto word = [](std::string_view s, size_t at) {
    uint64_t w;
    std::memcpy(&w, s.data() + at, 8);
    return w;
  };
  // Overlapping words from both ends cover 8 to 16 bytes, four of them 16 to 32.
  uint64_t diff = (word(a, 0) ^ word(b, 0)) | (word(a, n - 8) ^ word(b, n - 8));
  if (n > 16) diff |= (word(a, 8) ^ word(b, 8)) | (word(a, n - 16) ^ word(b, n - 16));
  return diff == 0;
}

}  // namespace harmlens
