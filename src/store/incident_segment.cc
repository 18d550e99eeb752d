#include "store/incident_segment.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>

#include <string.h>  // memrchr (GNU)
#include <limits>
#include <type_traits>

#include "base/text_hash.h"

namespace harmlens {
namespace {

// The last byte is the format version.
constexpr char kMagic[8] = {'H', 'L', 'S', 'E', 'G', 0, 0, 1};
constexpr size_t kMagicPrefix = 7;

enum class ColumnKind : uint8_t { kU8 = 1, kU32 = 4, kI64 = 8, kF64 = 9, kText = 16 };

constexpr ColumnKind kKinds[SegmentReader::kColumnCount] = {
    ColumnKind::kU8,   ColumnKind::kText, ColumnKind::kI64, ColumnKind::kI64, ColumnKind::kU8,
    ColumnKind::kU8,   ColumnKind::kU8,   ColumnKind::kU8,  ColumnKind::kU32, ColumnKind::kF64,
    ColumnKind::kF64,  ColumnKind::kText, ColumnKind::kText, ColumnKind::kText, ColumnKind::kText,
    ColumnKind::kText, ColumnKind::kText, ColumnKind::kI64,  ColumnKind::kText, ColumnKind::kF64,
    ColumnKind::kF64,  ColumnKind::kU8,   ColumnKind::kI64,  ColumnKind::kU8,   ColumnKind::kText,
    ColumnKind::kU8,   ColumnKind::kU8};

// The "no arrival time" value of the arrival column.
constexpr int64_t kNoMinute = std::numeric_limits<int64_t>::min();

// All integers are little-endian; this build targets little-endian machines only.
static_assert(std::endian::native == std::endian::little, "segment format assumes little-endian");

template <typename T>
void Put(std::string* out, T value) {
  char buf[sizeof(T)];
  std::memcpy(buf, &value, sizeof(T));
  out->append(buf, sizeof(T));
}

uint64_t BitsOf(double v) { return std::bit_cast<uint64_t>(v); }
template <typename T>
uint64_t BitsOf(T v) requires std::is_integral_v<T> {
  return static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(v));
}

// Writes `to_narrow(value)` of each value in `width` (1, 2 or 4) bytes from `dst`: the low
// bytes, little-endian. One loop per width: a copy of a variable length compiled to a
// byte loop, most of the time spent encoding these columns.
template <typename T, typename ToNarrow>
void PutNarrow(char* dst, const std::vector<T>& values, uint8_t width, ToNarrow to_narrow) {
  auto each = [&]<typename Word>(Word) {
    for (const T& v : values) {
      const Word w = static_cast<Word>(to_narrow(v));
      std::memcpy(dst, &w, sizeof w);
      dst += sizeof w;
    }
  };
  if (width == 1) {
    each(uint8_t{});
  } else if (width == 2) {
    each(uint16_t{});
  } else {
    each(uint32_t{});
  }
}

// Version 2's compact forms of a fixed-width column (see PutColumn); false if none is
// smaller than every value.
template <typename T>
bool PutCompact(std::string* out, const std::vector<T>& values) {
  if (values.empty()) return false;
  const uint64_t first = BitsOf(values[0]);
  bool constant = true;
  for (const T& v : values) constant = constant && BitsOf(v) == first;
  if (constant) {
    Put<uint8_t>(out, 1);
    Put<T>(out, values[0]);
    return true;
  }
  if constexpr (std::is_integral_v<T>) {
    // Offsets from the least value, in unsigned arithmetic (wraps, never overflows).
    auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const uint64_t range = BitsOf(*hi) - BitsOf(*lo);
    const uint8_t width = range <= 0xFF ? 1 : range <= 0xFFFF ? 2 : range <= 0xFFFFFFFF ? 4 : 8;
    if (width >= sizeof(T)) return false;
    const uint64_t base = BitsOf(*lo);
    Put<uint8_t>(out, 2);
    Put<uint64_t>(out, base);
    Put<uint8_t>(out, width);
    size_t at = out->size();
    out->resize(at + values.size() * width);
    PutNarrow(out->data() + at, values, width, [base](const T& v) { return BitsOf(v) - base; });
    return true;
  } else {
    // A short table: police.uk's radius and confidence take one or two values.
    constexpr size_t kMaxTable = 16;
    std::vector<uint64_t> table;
    std::vector<uint8_t> codes;
    codes.reserve(values.size());
    for (const T& v : values) {
      const uint64_t bits = BitsOf(v);
      size_t code = std::find(table.begin(), table.end(), bits) - table.begin();
      if (code == table.size()) {
        if (table.size() == kMaxTable) return false;
        table.push_back(bits);
      }
      codes.push_back(static_cast<uint8_t>(code));
    }
    Put<uint8_t>(out, 3);
    Put<uint8_t>(out, static_cast<uint8_t>(table.size()));
    for (uint64_t bits : table) Put<uint64_t>(out, bits);
    out->append(reinterpret_cast<const char*>(codes.data()), codes.size());
    return true;
  }
}

// Appends one fixed-width value per incident. Version 1: every value. Version 2: a mode
// byte, then one value for all rows, or unsigned offsets from a base in fewer bytes
// (integers), or one-byte codes into a table of at most 16 values (f64), whichever is
// smallest; or every value.
template <typename T>
void PutColumn(std::string* out, const std::vector<T>& values, uint32_t version) {
  if (version >= 2) {
    if (PutCompact<T>(out, values)) return;
    Put<uint8_t>(out, 0);  // every value
  }
  out->append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));  // little-endian
}

template <typename T>
T Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Appends a text column of values that are all different (ids): the dictionary is the
// values in row order and the code width is 0 (row i has code i).
void PutUniqueText(std::string* out, const std::vector<std::string_view>& values) {
  Put<uint32_t>(out, static_cast<uint32_t>(values.size()));
  uint32_t offset = 0;
  Put<uint32_t>(out, offset);
  for (std::string_view v : values) {
    offset += static_cast<uint32_t>(v.size());
    Put<uint32_t>(out, offset);
  }
  for (std::string_view v : values) out->append(v);
  Put<uint8_t>(out, 0);
}

// Distinct values of one column in first-seen order, by open addressing (the
// node-based std::unordered_map cost most of the encoding time), each value copied
// once into the dictionary's own bytes: a row's text is looked up while it is still in
// the cache and need not stay where it was. Starts small and doubles: most columns hold
// a few dozen values. Each slot keeps half its value's hash, so a probe reads the text
// (elsewhere in memory) only when that half matches; a cleared table keeps its size for
// the next segment, which will need about as many slots.
class TextDictionary {
 public:
  uint32_t CodeOf(std::string_view value) {
    if ((size() + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    const uint64_t hash = TextHash(value);
    const uint32_t tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.code == kEmpty) {
        slot = {static_cast<uint32_t>(size()), tag};
        bytes_.append(value);
        ends_.push_back(static_cast<uint32_t>(bytes_.size()));
        return slot.code;
      }
      if (slot.tag == tag && TextEquals(Value(slot.code), value)) return slot.code;
    }
  }
  std::string_view Value(uint32_t code) const {
    const uint32_t begin = code == 0 ? 0 : ends_[code - 1];
    return std::string_view(bytes_.data() + begin, ends_[code] - begin);
  }
  size_t size() const { return ends_.size(); }
  void Clear() {
    bytes_.clear();
    ends_.clear();
    std::fill(slots_.begin(), slots_.end(), Slot{});
  }
  // Count, offsets and bytes, as a text column's dictionary is stored.
  void WriteTo(std::string* out) const {
    Put<uint32_t>(out, static_cast<uint32_t>(size()));
    Put<uint32_t>(out, 0);
    for (uint32_t end : ends_) Put<uint32_t>(out, end);
    out->append(bytes_);
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFF;
  struct Slot {
    uint32_t code = kEmpty;
    uint32_t tag = 0;  // the hash's high half
  };
  void Grow() {
    slots_.assign(std::max<size_t>(64, slots_.size() * 2), Slot{});
    const size_t mask = slots_.size() - 1;
    for (uint32_t code = 0; code < size(); ++code) {
      const uint64_t hash = TextHash(Value(code));
      size_t i = hash & mask;
      while (slots_[i].code != kEmpty) i = (i + 1) & mask;
      slots_[i] = {code, static_cast<uint32_t>(hash >> 32)};
    }
  }
  std::string bytes_;
  std::vector<uint32_t> ends_;
  std::vector<Slot> slots_;
};

// One text column: its dictionary and a code per row.
class TextColumn {
 public:
  void Add(std::string_view value) {
    // Neighbouring rows often share a value (an empty column, one method, one area):
    // those skip the hash table.
    if (codes_.empty() || !TextEquals(dict_.Value(last_code_), value)) last_code_ = dict_.CodeOf(value);
    codes_.push_back(last_code_);
  }
  void Clear() {
    dict_.Clear();
    codes_.clear();
  }
  // Dictionary size, offsets, bytes, code width, codes. Version 2 writes no codes
  // (width 0) when every row has the same value.
  void WriteTo(std::string* out, uint32_t version) const {
    dict_.WriteTo(out);
    const size_t n = dict_.size();
    uint8_t width = n <= 0xFF ? 1 : n <= 0xFFFF ? 2 : 4;
    if (version >= 2 && n == 1) width = 0;
    Put<uint8_t>(out, width);
    if (width == 0) return;
    size_t at = out->size();
    out->resize(at + codes_.size() * width);
    PutNarrow(out->data() + at, codes_, width, [](uint32_t code) { return code; });
  }

 private:
  TextDictionary dict_;
  std::vector<uint32_t> codes_;
  uint32_t last_code_ = 0;
};

// Version 2's source ids: each split after its last '/' into a prefix (dictionary
// coded: police.uk's month, an extract's force code) and the rest, which is packed two
// hexadecimal digits to a byte when it is lowercase hex of even length (police.uk's
// Crime IDs are 64 such digits), else kept as it is.
// Packs 16 lowercase hexadecimal digits at `src` into 8 bytes at `dst`, eight digits
// to a word (a table lookup per digit was most of the id column's cost); false, with
// `dst` undefined, if any byte is not such a digit.
bool PackHex16(const char* src, char* dst) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  for (int half = 0; half < 2; ++half) {
    uint64_t w;
    std::memcpy(&w, src + 8 * half, 8);
    // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low nibble, plus 9 where bit 6 is set.
    const uint64_t v = (w & (kOnes * 0x0F)) + ((w >> 6) & kOnes) * 9;  // each byte <= 24
    // Valid exactly when every value is a nibble and spelling it again gives the input.
    const uint64_t letters = ((v + kOnes * 0x76) & (kOnes * 0x80)) >> 7;  // 1 where v >= 10
    const uint64_t spelt = v + kOnes * 0x30 + letters * 0x27;
    if (((v + kOnes * 0x70) & (kOnes * 0x80)) != 0 || spelt != w) return false;
    // Byte k of the result is (v[2k] << 4) | v[2k + 1]; then keep every other byte.
    uint64_t t = ((v << 4) | (v >> 8)) & 0x00FF00FF00FF00FFull;
    t = (t | (t >> 8)) & 0x0000FFFF0000FFFFull;
    t = (t | (t >> 16)) & 0x00000000FFFFFFFFull;
    const uint32_t packed = static_cast<uint32_t>(t);
    std::memcpy(dst + 4 * half, &packed, 4);
  }
  return true;
}

// The value of a lowercase hexadecimal digit, -1 for any other byte.
constexpr std::array<int8_t, 256> kNibbles = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
  return t;
}();

// Packs `digits` (an even count) two to a byte at `dst`; false if one is not a
// lowercase hexadecimal digit.
bool PackHex(std::string_view digits, char* dst) {
  const char* src = digits.data();
  size_t d = 0;
  for (; d + 16 <= digits.size(); d += 16) {
    if (!PackHex16(src + d, dst + d / 2)) return false;
  }
  const auto* tail = reinterpret_cast<const unsigned char*>(src);
  int bad = 0;
  for (; d < digits.size(); d += 2) {
    const int hi = kNibbles[tail[d]], lo = kNibbles[tail[d + 1]];
    bad |= hi | lo;
    dst[d / 2] = static_cast<char>((hi << 4) | (lo & 15));
  }
  return bad >= 0;
}

void PutSplitIds(std::string* out, const std::vector<std::string_view>& ids) {
  const size_t rows = ids.size();
  std::vector<std::string_view> prefixes;
  prefixes.reserve(rows);
  std::string flags(rows, '\0');
  std::vector<uint32_t> ends;
  ends.reserve(rows);
  std::string rests;
  rests.reserve(rows * 33);
  for (size_t i = 0; i < rows; ++i) {
    std::string_view id = ids[i];
    const void* slash = id.empty() ? nullptr : ::memrchr(id.data(), '/', id.size());
    const size_t cut = slash ? static_cast<size_t>(static_cast<const char*>(slash) - id.data()) + 1 : 0;
    prefixes.push_back(id.substr(0, cut));
    std::string_view rest = id.substr(cut);
    const size_t at = rests.size();
    bool packed = rest.size() % 2 == 0;
    if (packed) {
      rests.resize(at + rest.size() / 2);
      packed = PackHex(rest, rests.data() + at);
      if (!packed) rests.resize(at);
    }
    if (!packed) rests.append(rest);
    flags[i] = packed ? 1 : 0;
    ends.push_back(static_cast<uint32_t>(rests.size()));
  }
  Put<uint8_t>(out, 1);  // split ids
  TextColumn prefix_column;
  for (std::string_view prefix : prefixes) prefix_column.Add(prefix);
  prefix_column.WriteTo(out, 2);
  out->append(flags);
  Put<uint32_t>(out, 0);
  for (uint32_t end : ends) Put<uint32_t>(out, end);
  out->append(rests);
}

}  // namespace

// Every column of the rows added so far but their source ids.
struct SegmentBuilder::Columns {
  std::vector<uint8_t> agency, precision, crime_type, weapon, domestic, location_type, attendance_method,
      assailant, occurred_note;
  std::vector<int64_t> line, minute, end, arrival;
  std::vector<uint32_t> behaviours;
  std::vector<double> longitude, latitude, radius, confidence;
  TextColumn description, lsoa_reported, lsoa_by_point, csp_area, outcome, offence_code, method, method_other;
  // The source ids' bytes, and where each row's id is in them.
  std::string id_bytes;
  std::vector<uint32_t> id_begin, id_end;
};

SegmentBuilder::SegmentBuilder(uint32_t version) : version_(version), columns_(std::make_unique<Columns>()) {}
SegmentBuilder::~SegmentBuilder() = default;

void SegmentBuilder::Clear() {  // keeps the memory for the next segment
  Columns& c = *columns_;
  for (auto* column : {&c.agency, &c.precision, &c.crime_type, &c.weapon, &c.domestic, &c.location_type,
                       &c.attendance_method, &c.assailant, &c.occurred_note}) {
    column->clear();
  }
  for (auto* column : {&c.line, &c.minute, &c.end, &c.arrival}) column->clear();
  c.behaviours.clear();
  for (auto* column : {&c.longitude, &c.latitude, &c.radius, &c.confidence}) column->clear();
  for (auto* column : {&c.description, &c.lsoa_reported, &c.lsoa_by_point, &c.csp_area, &c.outcome,
                       &c.offence_code, &c.method, &c.method_other}) {
    column->Clear();
  }
  c.id_bytes.clear();
  c.id_begin.clear();
  c.id_end.clear();
}

void SegmentBuilder::SetSourceId(size_t row, std::string_view id) {
  Columns& c = *columns_;
  c.id_begin[row] = static_cast<uint32_t>(c.id_bytes.size());
  c.id_bytes.append(id);
  c.id_end[row] = static_cast<uint32_t>(c.id_bytes.size());
}

size_t SegmentBuilder::rows() const { return columns_->agency.size(); }

void SegmentBuilder::Add(const Incident& i) {
  Columns& c = *columns_;
  const IncidentLocation& where = i.location;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  c.agency.push_back(static_cast<uint8_t>(i.source.agency));
  c.id_begin.push_back(static_cast<uint32_t>(c.id_bytes.size()));
  c.id_bytes.append(i.source_id);
  c.id_end.push_back(static_cast<uint32_t>(c.id_bytes.size()));
  c.line.push_back(i.source.line);
  c.minute.push_back(i.occurred.local_minute);
  c.precision.push_back(static_cast<uint8_t>(i.occurred.precision));
  c.crime_type.push_back(static_cast<uint8_t>(i.crime_type));
  c.weapon.push_back(static_cast<uint8_t>(i.weapon));
  c.domestic.push_back(i.domestic ? (*i.domestic ? 2 : 1) : 0);
  c.behaviours.push_back(i.behaviours.bits());
  c.longitude.push_back(where.point ? where.point->longitude : kNaN);
  c.latitude.push_back(where.point ? where.point->latitude : kNaN);
  c.description.Add(where.description);
  c.lsoa_reported.Add(where.lsoa_reported);
  c.lsoa_by_point.Add(where.lsoa_by_point);
  c.csp_area.Add(where.csp_area);
  c.outcome.Add(i.outcome);
  c.offence_code.Add(i.offence_code);
  // Version 2: minutes after the start, 0 for every time but a window, so one value per
  // segment.
  c.end.push_back(version_ == 1 ? i.occurred.end_minute()
                                : static_cast<int64_t>(static_cast<uint64_t>(i.occurred.end_minute()) -
                                                       static_cast<uint64_t>(i.occurred.local_minute)));
  c.method.Add(where.method);
  c.radius.push_back(where.radius_metres.value_or(kNaN));
  c.confidence.push_back(where.confidence);
  c.location_type.push_back(static_cast<uint8_t>(where.type));
  c.arrival.push_back(i.attendance.arrival_minute.value_or(kNoMinute));
  c.attendance_method.push_back(static_cast<uint8_t>(i.attendance.method));
  c.method_other.Add(i.attendance.method_other);
  c.assailant.push_back(static_cast<uint8_t>(i.attendance.assailant));
  c.occurred_note.push_back(static_cast<uint8_t>(i.occurred_note));
}

std::string SegmentBuilder::Encode() const {
  const Columns& c = *columns_;
  const uint32_t v = version_;
  std::vector<std::string_view> source_ids;
  source_ids.reserve(rows());
  for (size_t row = 0; row < rows(); ++row) {
    source_ids.emplace_back(c.id_bytes.data() + c.id_begin[row], c.id_end[row] - c.id_begin[row]);
  }
  std::string out;
  out.reserve(64 + rows() * (v == 1 ? 96 : 64));
  out.append(kMagic, kMagicPrefix);
  out.push_back(static_cast<char>(v));
  Put<uint32_t>(&out, static_cast<uint32_t>(rows()));
  Put<uint32_t>(&out, SegmentReader::kColumnCount);
  // The columns in their stored order (docs/formats/incident-segment.md).
  PutColumn(&out, c.agency, v);
  if (v == 1) {
    PutUniqueText(&out, source_ids);
  } else {
    PutSplitIds(&out, source_ids);
  }
  PutColumn(&out, c.line, v);
  PutColumn(&out, c.minute, v);
  PutColumn(&out, c.precision, v);
  PutColumn(&out, c.crime_type, v);
  PutColumn(&out, c.weapon, v);
  PutColumn(&out, c.domestic, v);
  PutColumn(&out, c.behaviours, v);
  PutColumn(&out, c.longitude, v);
  PutColumn(&out, c.latitude, v);
  c.description.WriteTo(&out, v);
  c.lsoa_reported.WriteTo(&out, v);
  c.lsoa_by_point.WriteTo(&out, v);
  c.csp_area.WriteTo(&out, v);
  c.outcome.WriteTo(&out, v);
  c.offence_code.WriteTo(&out, v);
  PutColumn(&out, c.end, v);
  c.method.WriteTo(&out, v);
  PutColumn(&out, c.radius, v);
  PutColumn(&out, c.confidence, v);
  PutColumn(&out, c.location_type, v);
  PutColumn(&out, c.arrival, v);
  PutColumn(&out, c.attendance_method, v);
  c.method_other.WriteTo(&out, v);
  PutColumn(&out, c.assailant, v);
  PutColumn(&out, c.occurred_note, v);
  return out;
}

std::string EncodeSegment(const std::vector<const Incident*>& incidents, uint32_t version) {
  SegmentBuilder builder(version);
  for (const Incident* inc : incidents) builder.Add(*inc);
  return builder.Encode();
}

namespace {

size_t NaturalWidth(ColumnKind kind) {
  return kind == ColumnKind::kU8 ? 1 : kind == ColumnKind::kU32 ? 4 : 8;
}

// Reads a text column's dictionary and codes at *p (both versions) into `t`.
Status ReadTextColumn(const uint8_t*& p, const uint8_t* end, size_t rows, uint32_t version,
                      const std::string& name, const uint8_t** offsets, const char** bytes,
                      const uint8_t** codes, uint32_t* dict_size, uint8_t* code_width) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption("incident segment is damaged: " + name + " " + what);
  };
  auto need = [&](size_t n) { return static_cast<size_t>(end - p) >= n; };
  if (!need(4)) return corrupt("is truncated");
  *dict_size = Get<uint32_t>(p);
  p += 4;
  if (*dict_size > rows || !need((static_cast<size_t>(*dict_size) + 1) * 4))
    return corrupt("has a bad dictionary size");
  *offsets = p;
  p += (static_cast<size_t>(*dict_size) + 1) * 4;
  uint32_t previous = 0;
  for (uint32_t d = 0; d <= *dict_size; ++d) {
    uint32_t off = Get<uint32_t>(*offsets + 4 * d);
    if (off < previous || (d == 0 && off != 0)) return corrupt("has unordered offsets");
    previous = off;
  }
  // In size_t: a last offset of 0xFFFFFFFF must not wrap round to need(0).
  if (!need(static_cast<size_t>(previous) + 1)) return corrupt("text is truncated");
  *bytes = reinterpret_cast<const char*>(p);
  p += previous;
  *code_width = *p++;
  *codes = nullptr;
  if (*code_width == 0) {
    // Version 1: one value per row, in row order. Version 2 also: one value for all rows.
    if (*dict_size != rows && !(version >= 2 && *dict_size == 1)) return corrupt("has a bad dictionary size");
    return Status::Ok();
  }
  if (*code_width != 1 && *code_width != 2 && *code_width != 4) return corrupt("has a bad code width");
  if (!need(rows * *code_width)) return corrupt("codes are truncated");
  *codes = p;
  p += rows * *code_width;
  for (size_t i = 0; i < rows; ++i) {
    uint32_t code = *code_width == 1   ? (*codes)[i]
                    : *code_width == 2 ? Get<uint16_t>(*codes + 2 * i)
                                       : Get<uint32_t>(*codes + 4 * i);
    if (code >= *dict_size) return corrupt("has a code outside its dictionary");
  }
  return Status::Ok();
}

}  // namespace

Result<SegmentReader> SegmentReader::Open(std::string_view blob) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  const uint8_t* end = p + blob.size();
  auto corrupt = [](const std::string& what) {
    return Status::Corruption("incident segment is damaged: " + what);
  };
  auto need = [&](size_t n) { return static_cast<size_t>(end - p) >= n; };
  if (!need(16) || std::memcmp(p, kMagic, kMagicPrefix) != 0 ||
      (p[kMagicPrefix] != 1 && p[kMagicPrefix] != 2)) {
    return corrupt("it does not start with a segment header of format version 1 or 2");
  }
  SegmentReader r;
  r.version_ = p[kMagicPrefix];
  p += sizeof kMagic;
  r.rows_ = Get<uint32_t>(p);
  uint32_t columns = Get<uint32_t>(p + 4);
  p += 8;
  if (columns != kColumnCount) return corrupt("expected " + std::to_string(kColumnCount) + " columns");
  const size_t rows = r.rows_;
  for (int c = 0; c < kColumnCount; ++c) {
    std::string name = "column " + std::to_string(c);
    if (kKinds[c] == ColumnKind::kText) {
      TextColumn& t = r.text_[c];
      if (r.version_ >= 2 && c == kSourceId) {
        if (!need(1) || *p++ != 1) return corrupt(name + " has an unknown encoding");
        HL_ASSIGN_OR_RETURN(r.ids_, ReadSplitIds(p, end, rows, name));
        const auto* ids = reinterpret_cast<const uint8_t*>(r.ids_->data());
        t = TextColumn{ids, r.ids_->data() + 4 * (rows + 1), nullptr, static_cast<uint32_t>(rows), 0};
        continue;
      }
      HL_RETURN_IF_ERROR(ReadTextColumn(p, end, rows, r.version_, name, &t.offsets, &t.bytes, &t.codes,
                                        &t.dict_size, &t.code_width));
      continue;
    }
    FixedColumn& f = r.fixed_[c];
    const size_t natural = NaturalWidth(kKinds[c]);
    uint8_t mode = 0;
    if (r.version_ >= 2) {
      if (!need(1)) return corrupt(name + " is truncated");
      mode = *p++;
    }
    switch (mode) {
      case 0:  // every value
        if (!need(rows * natural)) return corrupt(name + " is truncated");
        f = {Fixed::kRaw, static_cast<uint8_t>(natural), 0, p, nullptr};
        p += rows * natural;
        break;
      case 1:  // one value for all rows
        if (!need(natural)) return corrupt(name + " is truncated");
        f = {Fixed::kConstant, 0, Unsigned(p, static_cast<uint8_t>(natural)), nullptr, nullptr};
        p += natural;
        break;
      case 2: {  // offsets from a base (integers)
        if (kKinds[c] == ColumnKind::kF64 || !need(9)) return corrupt(name + " has a bad encoding");
        uint64_t base = Get<uint64_t>(p);
        uint8_t width = p[8];
        p += 9;
        if ((width != 1 && width != 2 && width != 4) || width >= natural)
          return corrupt(name + " has a bad width");
        if (!need(rows * width)) return corrupt(name + " is truncated");
        f = {Fixed::kOffsets, width, base, p, nullptr};
        p += rows * width;
        break;
      }
      case 3: {  // one-byte codes into a table (f64)
        if (kKinds[c] != ColumnKind::kF64 || !need(1)) return corrupt(name + " has a bad encoding");
        uint8_t table_size = *p++;
        if (table_size == 0 || !need(8 * static_cast<size_t>(table_size) + rows))
          return corrupt(name + " is truncated");
        f = {Fixed::kTable, 1, 0, p + 8 * static_cast<size_t>(table_size), p};
        p += 8 * static_cast<size_t>(table_size);
        for (size_t i = 0; i < rows; ++i) {
          if (p[i] >= table_size) return corrupt(name + " has a code outside its table");
        }
        p += rows;
        break;
      }
      default:
        return corrupt(name + " has an unknown encoding");
    }
    // A u8 or u32 column's value must fit its type, however it was stored.
    if (f.mode == Fixed::kConstant || f.mode == Fixed::kOffsets) {
      const uint64_t limit = kKinds[c] == ColumnKind::kU8    ? 0xFF
                             : kKinds[c] == ColumnKind::kU32 ? 0xFFFFFFFF
                                                             : ~0ull;
      for (size_t i = 0; i < (f.mode == Fixed::kConstant ? std::min<size_t>(rows, 1) : rows); ++i) {
        if (r.Bits(static_cast<ColumnId>(c), i) > limit)
          return corrupt(name + " has a value too large for its type");
      }
    }
  }
  if (p != end) return corrupt("it has trailing bytes");
  for (size_t i = 0; i < rows; ++i) {
    const uint8_t precision = r.U8(kTimePrecision, i);
    const uint8_t type = r.U8(kCrimeType, i);
    if (precision > 3 || type < 1 || type > 14 || r.U8(kWeapon, i) > 4 || r.U8(kDomestic, i) > 2 ||
        r.U8(kAgency, i) > 3 || r.U8(kLocationType, i) > 6 || r.U8(kAssaultMethod, i) > 5 ||
        r.U8(kAssailantRelationship, i) > 5 || r.U8(kTimeNote, i) > 2) {
      return corrupt("row " + std::to_string(i) + " has an out-of-range code");
    }
    // A window ends after it starts (and its length fits in 64 bits); every other time
    // ends where it starts.
    int64_t length = 0;
    bool window = precision == static_cast<uint8_t>(TimePrecision::kWindow);
    bool fits = true;
    if (r.version_ == 1) {
      fits = !__builtin_sub_overflow(r.I64(kOccurredEndMinute, i), r.I64(kOccurredMinute, i), &length);
    } else {
      length = r.I64(kOccurredEndMinute, i);
      int64_t sum = 0;
      fits = !__builtin_add_overflow(r.I64(kOccurredMinute, i), length, &sum);
    }
    if (!fits || (window ? length <= 0 : length != 0)) {
      return corrupt("row " + std::to_string(i) + " has an occurred end minute that does not fit its precision");
    }
  }
  return r;
}

Result<std::shared_ptr<const std::string>> SegmentReader::ReadSplitIds(const uint8_t*& p, const uint8_t* end,
                                                                       size_t rows, const std::string& name) {
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption("incident segment is damaged: " + name + " " + what);
  };
  auto need = [&](size_t n) { return static_cast<size_t>(end - p) >= n; };
  TextColumn prefix;
  HL_RETURN_IF_ERROR(ReadTextColumn(p, end, rows, 2, name + " prefix", &prefix.offsets, &prefix.bytes,
                                    &prefix.codes, &prefix.dict_size, &prefix.code_width));
  if (rows > 0 && prefix.dict_size == 0) return corrupt("has no prefixes");
  if (!need(rows + 4 * (rows + 1))) return corrupt("is truncated");
  const uint8_t* flags = p;
  const uint8_t* offsets = p + rows;
  p += rows + 4 * (rows + 1);
  uint32_t previous = 0;
  for (size_t i = 0; i <= rows; ++i) {
    uint32_t off = Get<uint32_t>(offsets + 4 * i);
    if (off < previous || (i == 0 && off != 0)) return corrupt("has unordered offsets");
    previous = off;
    if (i < rows && flags[i] > 1) return corrupt("has a bad flag");
  }
  if (!need(previous)) return corrupt("is truncated");
  const uint8_t* rest = p;
  p += previous;
  // Spelled out as a version 1 column of distinct values: offsets, then the bytes.
  auto prefix_of = [&](size_t i) {
    uint32_t code = prefix.code_width == 0   ? (prefix.dict_size == 1 ? 0 : static_cast<uint32_t>(i))
                    : prefix.code_width == 1 ? prefix.codes[i]
                    : prefix.code_width == 2 ? Get<uint16_t>(prefix.codes + 2 * i)
                                             : Get<uint32_t>(prefix.codes + 4 * i);
    uint32_t from = Get<uint32_t>(prefix.offsets + 4 * code),
             to = Get<uint32_t>(prefix.offsets + 4 * (code + 1));
    return std::string_view(prefix.bytes + from, to - from);
  };
  size_t total = 0;
  for (size_t i = 0; i < rows; ++i) {
    size_t n = Get<uint32_t>(offsets + 4 * (i + 1)) - Get<uint32_t>(offsets + 4 * i);
    total += prefix_of(i).size() + (flags[i] ? 2 * n : n);
  }
  if (total > 0xFFFFFFFFull) return corrupt("spells out to more than 4 GB");
  auto ids = std::make_shared<std::string>();
  ids->resize(4 * (rows + 1) + total);
  char* out_offsets = ids->data();
  char* out = ids->data() + 4 * (rows + 1);
  static const char* kDigits = "0123456789abcdef";
  uint32_t at = 0;
  std::memcpy(out_offsets, &at, 4);
  for (size_t i = 0; i < rows; ++i) {
    std::string_view head = prefix_of(i);
    std::memcpy(out + at, head.data(), head.size());
    at += static_cast<uint32_t>(head.size());
    const uint32_t from = Get<uint32_t>(offsets + 4 * i), to = Get<uint32_t>(offsets + 4 * (i + 1));
    for (uint32_t b = from; b < to; ++b) {
      if (flags[i]) {
        out[at++] = kDigits[rest[b] >> 4];
        out[at++] = kDigits[rest[b] & 15];
      } else {
        out[at++] = static_cast<char>(rest[b]);
      }
    }
    std::memcpy(out_offsets + 4 * (i + 1), &at, 4);
  }
  return std::shared_ptr<const std::string>(std::move(ids));
}

std::string_view SegmentReader::Text(ColumnId column, size_t i) const {
  const TextColumn& t = text_[column];
  // Width 0: row i has value i (distinct values), or the one value of every row.
  uint32_t code = t.code_width == 0   ? (t.dict_size == 1 ? 0 : static_cast<uint32_t>(i))
                  : t.code_width == 1 ? t.codes[i]
                  : t.code_width == 2 ? Get<uint16_t>(t.codes + 2 * i)
                                      : Get<uint32_t>(t.codes + 4 * i);
  uint32_t from = Get<uint32_t>(t.offsets + 4 * code);
  uint32_t to = Get<uint32_t>(t.offsets + 4 * (code + 1));
  return std::string_view(t.bytes + from, to - from);
}

double SegmentReader::F64(ColumnId column, size_t i) const { return std::bit_cast<double>(Bits(column, i)); }

BehaviourSet SegmentReader::behaviours(size_t i) const {
  return BehaviourSet::FromBits(static_cast<uint32_t>(Bits(kBehaviours, i)));
}

Incident SegmentReader::ToIncident(size_t i, const std::string& file) const {
  Incident inc;
  inc.source = {agency(i), file, source_line(i)};
  inc.source_id = std::string(source_id(i));
  inc.occurred = occurred(i);
  inc.crime_type = crime_type(i);
  inc.offence_code = std::string(Text(kOffenceCode, i));
  inc.weapon = weapon(i);
  uint8_t domestic = domestic_code(i);
  if (domestic != 0) inc.domestic = domestic == 2;
  inc.behaviours = behaviours(i);
  double lon = F64(kLongitude, i), lat = F64(kLatitude, i);
  if (!std::isnan(lon) && !std::isnan(lat)) inc.location.point = GeoPoint{lon, lat};
  inc.location.description = std::string(Text(kLocation, i));
  inc.location.lsoa_reported = std::string(lsoa_reported(i));
  inc.location.lsoa_by_point = std::string(lsoa_by_point(i));
  inc.location.csp_area = std::string(csp_area(i));
  inc.outcome = std::string(Text(kOutcome, i));
  inc.location.method = std::string(Text(kLocationMethod, i));
  double radius = F64(kLocationRadius, i);
  if (!std::isnan(radius)) inc.location.radius_metres = radius;
  inc.location.confidence = F64(kLocationConfidence, i);
  inc.location.type = static_cast<LocationType>(U8(kLocationType, i));
  int64_t arrival = I64(kArrivalMinute, i);
  if (arrival != kNoMinute) inc.attendance.arrival_minute = arrival;
  inc.attendance.method = static_cast<AssaultMethod>(U8(kAssaultMethod, i));
  inc.attendance.method_other = std::string(Text(kAssaultMethodOther, i));
  inc.attendance.assailant = static_cast<AssailantRelationship>(U8(kAssailantRelationship, i));
  inc.occurred_note = time_note(i);
  return inc;
}

}  // namespace harmlens
