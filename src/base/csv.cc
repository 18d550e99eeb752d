#include "base/csv.h"

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace harmlens {
namespace {

static_assert(std::endian::native == std::endian::little, "FindEither reads words little-endian");

// The first position in [from, end) holding `a` or `b`, or `end`; eight bytes at a time
// (a byte at a time was most of the reader's cost; sixteen with SSE2 measured the
// same). XOR with the byte repeated leaves a zero lane where a byte matches, and the
// lowest lane the zero-byte test flags is always a true zero (a borrow can only flag
// lanes above one).
size_t FindEither(const char* data, size_t from, size_t end, char a, char b) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const uint64_t wa = kOnes * static_cast<uint8_t>(a), wb = kOnes * static_cast<uint8_t>(b);
  size_t f = from;
  for (; f + 8 <= end; f += 8) {
    uint64_t w;
    std::memcpy(&w, data + f, 8);
    const uint64_t xa = w ^ wa, xb = w ^ wb;
    const uint64_t hits = ((xa - kOnes) & ~xa & kHighs) | ((xb - kOnes) & ~xb & kHighs);
    if (hits != 0) return f + (static_cast<size_t>(std::countr_zero(hits)) >> 3);
  }
  for (; f < end; ++f) {
    if (data[f] == a || data[f] == b) return f;
  }
  return end;
}

#if defined(__SSE2__)
// Bit k of each mask: byte k of the 64 at `p` is the delimiter, a quote, a line feed,
// not ASCII.
struct BlockMasks {
  uint64_t delimiters, quotes, feeds, high;
};
BlockMasks MasksOf(const char* p, __m128i delimiter, __m128i quote, __m128i feed) {
  BlockMasks m{0, 0, 0, 0};
  for (int k = 0; k < 4; ++k) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    auto bits = [&](__m128i high_bits) {
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(high_bits))) << (16 * k);
    };
    m.delimiters |= bits(_mm_cmpeq_epi8(v, delimiter));
    m.quotes |= bits(_mm_cmpeq_epi8(v, quote));
    m.feeds |= bits(_mm_cmpeq_epi8(v, feed));
    m.high |= bits(v);
  }
  return m;
}
#endif

}  // namespace

bool CsvReader::NextUnquoted(CsvRecord* record) {
#if defined(__SSE2__)
  const char d = options_.delimiter;
  if (d == '"' || d == '\n' || d == '\r') return false;
  const char* data = text_.data();
  const size_t end = text_.size();
  const __m128i delimiter = _mm_set1_epi8(d), quote = _mm_set1_epi8('"'),
                feed = _mm_set1_epi8('\n');
  size_t field_start = pos_;
  uint64_t high = 0;
  for (size_t block = pos_; block + 64 <= end; block += 64) {
    const BlockMasks m = MasksOf(data + block, delimiter, quote, feed);
    const uint64_t stops = m.quotes | m.feeds;
    // The bytes before the first quote or line feed.
    const uint64_t before = stops == 0 ? ~uint64_t{0} : (stops & (0 - stops)) - 1;
    high |= m.high & before;
    uint64_t delimiters = m.delimiters & before;
    for (; delimiters != 0; delimiters &= delimiters - 1) {
      const size_t at = block + static_cast<size_t>(std::countr_zero(delimiters));
      record->fields.emplace_back(data + field_start, at - field_start);
      field_start = at + 1;
    }
    if (stops == 0) continue;
    const size_t at = block + static_cast<size_t>(std::countr_zero(stops));
    if (data[at] == '"') break;
    size_t record_end = at;
    if (record_end > field_start && data[record_end - 1] == '\r') --record_end;
    record->fields.emplace_back(data + field_start, record_end - field_start);
    record->raw = std::string_view(data + pos_, record_end - pos_);
    record->blank = record->raw.empty();
    record->ascii = high == 0;
    pos_ = at + 1;
    ++line_;
    return true;
  }
  record->fields.clear();
#else
  (void)record;
#endif
  return false;
}

size_t SkipLines(std::string_view text, size_t from, int64_t lines, int64_t* skipped) {
  const char* data = text.data();
  const size_t end = text.size();
  size_t f = from;
  int64_t n = 0;
#if defined(__SSE2__)
  // Counts the line feeds of 64 bytes at once, by adding the compare results (not by a
  // popcount: x86-64's baseline has none, and the library call was a third of the
  // cost); only the block holding the last feed wanted is looked into.
  const __m128i feed = _mm_set1_epi8('\n');
  auto feeds16 = [&](size_t at) {
    return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at)), feed);  // -1 per feed
  };
  // Stops short of the end: a last line without a feed is left for the loop below.
  for (; n < lines && f + 64 < end; f += 64) {
    const __m128i minus = _mm_add_epi8(_mm_add_epi8(feeds16(f), feeds16(f + 16)),
                                       _mm_add_epi8(feeds16(f + 32), feeds16(f + 48)));  // -4 to 0 a lane
    const __m128i sums = _mm_sad_epu8(_mm_sub_epi8(_mm_setzero_si128(), minus), _mm_setzero_si128());
    const int64_t count = _mm_cvtsi128_si32(sums) + _mm_extract_epi16(sums, 4);
    if (n + count < lines) {
      n += count;
      continue;
    }
    auto mask16 = [&](size_t at) {
      return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(feeds16(at))));
    };
    uint64_t feeds = mask16(f) | mask16(f + 16) << 16 | mask16(f + 32) << 32 | mask16(f + 48) << 48;
    for (int64_t k = lines - n; k > 1; --k) feeds &= feeds - 1;  // drop the feeds before the last wanted
    *skipped = lines;
    return f + static_cast<size_t>(std::countr_zero(feeds)) + 1;
  }
#endif
  for (; n < lines && f < end; ++n) {
    const void* feed_at = std::memchr(data + f, '\n', end - f);
    f = feed_at ? static_cast<size_t>(static_cast<const char*>(feed_at) - data) + 1 : end;
  }
  *skipped = n;
  return f;
}

bool HasUtf8Bom(std::string_view text) {
  return text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
         static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF;
}

CsvReader::CsvReader(std::string_view text, CsvOptions options)
    : text_(text), options_(options), pos_(HasUtf8Bom(text) ? 3 : 0) {}

bool CsvReader::Next(CsvRecord* record) {
  record->fields.clear();
  record->error.clear();
  record->error_field = 0;
  record->blank = false;
  record->ascii = false;
  if (pos_ >= text_.size()) return false;
  record->offset = pos_;
  record->line = line_;
  if (NextUnquoted(record)) return true;

  const char* data = text_.data();
  const size_t end = text_.size();
  const char delim = options_.delimiter;
  size_t start = pos_;
  unescaped_.clear();
  spans_.clear();

  size_t i = pos_;
  size_t record_end = end;  // exclusive, before the line ending
  size_t next_pos = end;
  bool done = false;
  while (!done) {
    size_t field_index = spans_.size();
    if (i < end && data[i] == '"') {
      // Quoted field: "" is a literal quote; the field ends at the closing quote.
      size_t q = i + 1;
      size_t copy_from = q;
      bool escaped = false;
      size_t field_start_in_scratch = unescaped_.size();
      bool closed = false;
      while ((q = FindEither(data, q, end, '"', '\n')) < end) {
        if (data[q] == '"') {
          if (q + 1 < end && data[q + 1] == '"') {
            escaped = true;
            unescaped_.append(data + copy_from, q + 1 - copy_from);
            q += 2;
            copy_from = q;
            continue;
          }
          closed = true;
          break;
        }
        if (!options_.allow_newlines_in_quotes) break;  // at a line break
        ++line_;
        ++q;
      }
      if (!closed) {
        record->error = "a quoted field is not closed before the end of the line";
        record->error_field = field_index;
        size_t stop = q;  // at '\n' or end
        record_end = (stop > start && data[stop - 1] == '\r') ? stop - 1 : stop;
        next_pos = stop < end ? stop + 1 : end;
        spans_.push_back({false, i, record_end - i});
        break;
      }
      if (escaped) {
        unescaped_.append(data + copy_from, q - copy_from);
        spans_.push_back({true, field_start_in_scratch, unescaped_.size() - field_start_in_scratch});
      } else {
        spans_.push_back({false, i + 1, q - i - 1});
      }
      i = q + 1;  // past the closing quote
      if (i >= end) {
        record_end = end;
        next_pos = end;
        done = true;
      } else if (data[i] == delim) {
        ++i;
        if (i >= end) {  // a trailing delimiter opens one last empty field
          spans_.push_back({false, end, 0});
          record_end = end;
          next_pos = end;
          done = true;
        }
      } else if (data[i] == '\n' || (data[i] == '\r' && i + 1 < end && data[i + 1] == '\n') ||
                 (data[i] == '\r' && i + 1 == end)) {
        record_end = i;
        next_pos = data[i] == '\n' ? i + 1 : i + 2;
        done = true;
      } else {
        record->error = "unexpected character after a closing quote (expected a delimiter or the end of the line)";
        record->error_field = field_index;
        const void* rest = std::memchr(data + i, '\n', end - i);
        size_t stop = rest ? static_cast<size_t>(static_cast<const char*>(rest) - data) : end;
        record_end = (stop > start && data[stop - 1] == '\r') ? stop - 1 : stop;
        next_pos = stop < end ? stop + 1 : end;
        done = true;
      }
    } else {
      // Unquoted field: runs to the delimiter or the line end. A stray quote inside is
      // kept literally, as Python's csv module and pandas do.
      size_t f = FindEither(data, i, end, delim, '\n');
      if (f < end && data[f] == delim) {
        spans_.push_back({false, i, f - i});
        i = f + 1;
        if (i >= end) {
          spans_.push_back({false, end, 0});
          record_end = end;
          next_pos = end;
          done = true;
        }
      } else {
        size_t field_end = f;
        if (field_end > i && data[field_end - 1] == '\r') --field_end;
        spans_.push_back({false, i, field_end - i});
        record_end = field_end;
        next_pos = f < end ? f + 1 : end;
        done = true;
      }
    }
  }
  // Views are made only now: unescaped_ may have grown while the record was read.
  record->fields.reserve(spans_.size());
  for (const FieldSpan& span : spans_) {
    const char* base = span.in_scratch ? unescaped_.data() : data;
    record->fields.emplace_back(base + span.offset, span.length);
  }
  record->raw = std::string_view(data + start, record_end - start);
  record->blank = record->raw.empty();
  pos_ = next_pos;
  ++line_;
  return true;
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Partner files are almost all ASCII: skip 32, then eight ASCII bytes at a time.
    if (i + 32 <= n) {
      uint64_t w[4];
      std::memcpy(w, s + i, sizeof w);
      if (((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull) == 0) {
        i += 32;
        continue;
      }
    }
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, sizeof word);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace harmlens
