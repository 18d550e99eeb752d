#include "store/incident_segment.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace harmlens {
namespace {

constexpr char kMagic[8] = {'H', 'L', 'S', 'E', 'G', 0, 0, 1};

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

// Appends one fixed-width value per incident, growing the buffer once.
template <typename T, typename Field>
void PutColumn(std::string* out, const std::vector<const Incident*>& incidents, Field field) {
  size_t at = out->size();
  out->resize(at + incidents.size() * sizeof(T));
  char* dst = out->data() + at;
  for (const Incident* inc : incidents) {
    T value = field(*inc);
    std::memcpy(dst, &value, sizeof(T));
    dst += sizeof(T);
  }
}

template <typename T>
T Get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Appends a text column of values that are all different (ids): the dictionary is the
// values in row order and the code width is 0 (row i has code i).
void PutUniqueText(std::string* out, const std::vector<const Incident*>& incidents,
                   std::string_view (*field)(const Incident&)) {
  Put<uint32_t>(out, static_cast<uint32_t>(incidents.size()));
  uint32_t offset = 0;
  Put<uint32_t>(out, offset);
  for (const Incident* inc : incidents) {
    offset += static_cast<uint32_t>(field(*inc).size());
    Put<uint32_t>(out, offset);
  }
  for (const Incident* inc : incidents) out->append(field(*inc));
  Put<uint8_t>(out, 0);
}

// A fast, non-cryptographic hash of short text, eight bytes at a time. Only used to
// place dictionary entries; equality is always checked on the text itself.
uint64_t HashText(std::string_view text) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = text.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    h = (h ^ word) * kMul;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, text.data() + i, text.size() - i);
  h = (h ^ tail) * kMul;
  return h ^ (h >> 32);
}

// Distinct values of one column in first-seen order, by open addressing: the
// node-based std::unordered_map cost most of the encoding time.
class TextDictionary {
 public:
  explicit TextDictionary(size_t rows) : slots_(std::bit_ceil(rows * 2 + 16), kEmpty) {}
  uint32_t CodeOf(std::string_view value) {
    uint64_t h = HashText(value);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = static_cast<uint32_t>(values_.size());
        values_.push_back(value);
        return slots_[i];
      }
      if (values_[slots_[i]] == value) return slots_[i];
    }
  }
  const std::vector<std::string_view>& values() const { return values_; }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFF;
  std::vector<uint32_t> slots_;
  std::vector<std::string_view> values_;
};

// Appends a text column: dictionary size, offsets, bytes, code width, codes.
void PutText(std::string* out, const std::vector<const Incident*>& incidents,
             std::string_view (*field)(const Incident&)) {
  TextDictionary dict(incidents.size());
  std::vector<uint32_t> codes;
  codes.reserve(incidents.size());
  for (const Incident* inc : incidents) codes.push_back(dict.CodeOf(field(*inc)));
  const auto& values = dict.values();
  Put<uint32_t>(out, static_cast<uint32_t>(values.size()));
  uint32_t offset = 0;
  Put<uint32_t>(out, offset);
  for (std::string_view v : values) {
    offset += static_cast<uint32_t>(v.size());
    Put<uint32_t>(out, offset);
  }
  for (std::string_view v : values) out->append(v);
  uint8_t width = values.size() <= 0xFF ? 1 : values.size() <= 0xFFFF ? 2 : 4;
  Put<uint8_t>(out, width);
  size_t at = out->size();
  out->resize(at + codes.size() * width);
  char* dst = out->data() + at;
  for (uint32_t c : codes) {
    std::memcpy(dst, &c, width);  // little-endian: the low bytes are the code
    dst += width;
  }
}

}  // namespace

std::string EncodeSegment(const std::vector<const Incident*>& incidents) {
  std::string out;
  out.reserve(64 + incidents.size() * 96);
  out.append(kMagic, sizeof kMagic);
  Put<uint32_t>(&out, static_cast<uint32_t>(incidents.size()));
  Put<uint32_t>(&out, SegmentReader::kColumnCount);
  const auto& rows = incidents;
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.source.agency); });
  PutUniqueText(&out, rows, [](const Incident& i) { return std::string_view(i.source_id); });
  PutColumn<int64_t>(&out, rows, [](const Incident& i) { return i.source.line; });
  PutColumn<int64_t>(&out, rows, [](const Incident& i) { return i.occurred.local_minute; });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.occurred.precision); });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.crime_type); });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.weapon); });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) -> uint8_t { return i.domestic ? (*i.domestic ? 2 : 1) : 0; });
  PutColumn<uint32_t>(&out, rows, [](const Incident& i) { return i.behaviours.bits(); });
  PutColumn<double>(&out, rows, [](const Incident& i) {
    return i.location.point ? i.location.point->longitude : std::numeric_limits<double>::quiet_NaN();
  });
  PutColumn<double>(&out, rows, [](const Incident& i) {
    return i.location.point ? i.location.point->latitude : std::numeric_limits<double>::quiet_NaN();
  });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.location.description); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.location.lsoa_reported); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.location.lsoa_by_point); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.location.csp_area); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.outcome); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.offence_code); });
  PutColumn<int64_t>(&out, rows, [](const Incident& i) { return i.occurred.end_minute(); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.location.method); });
  PutColumn<double>(&out, rows, [](const Incident& i) {
    return i.location.radius_metres.value_or(std::numeric_limits<double>::quiet_NaN());
  });
  PutColumn<double>(&out, rows, [](const Incident& i) { return i.location.confidence; });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.location.type); });
  PutColumn<int64_t>(&out, rows, [](const Incident& i) { return i.attendance.arrival_minute.value_or(kNoMinute); });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.attendance.method); });
  PutText(&out, incidents, [](const Incident& i) { return std::string_view(i.attendance.method_other); });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.attendance.assailant); });
  PutColumn<uint8_t>(&out, rows, [](const Incident& i) { return static_cast<uint8_t>(i.occurred_note); });
  return out;
}

Result<SegmentReader> SegmentReader::Open(std::string_view blob) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  const uint8_t* end = p + blob.size();
  auto corrupt = [](const std::string& what) {
    return Status::Corruption("incident segment is damaged: " + what);
  };
  auto need = [&](size_t n) { return static_cast<size_t>(end - p) >= n; };
  if (!need(16) || std::memcmp(p, kMagic, sizeof kMagic) != 0) {
    return corrupt("it does not start with the segment format version 1 header");
  }
  p += sizeof kMagic;
  SegmentReader r;
  r.rows_ = Get<uint32_t>(p);
  uint32_t columns = Get<uint32_t>(p + 4);
  p += 8;
  if (columns != kColumnCount) return corrupt("expected " + std::to_string(kColumnCount) + " columns");
  const size_t rows = r.rows_;
  for (int c = 0; c < kColumnCount; ++c) {
    std::string name = "column " + std::to_string(c);
    switch (kKinds[c]) {
      case ColumnKind::kU8:
        if (!need(rows)) return corrupt(name + " is truncated");
        r.u8_[c] = p;
        p += rows;
        break;
      case ColumnKind::kU32:
        if (!need(rows * 4)) return corrupt(name + " is truncated");
        r.fixed_[c] = p;
        p += rows * 4;
        break;
      case ColumnKind::kI64:
      case ColumnKind::kF64:
        if (!need(rows * 8)) return corrupt(name + " is truncated");
        r.fixed_[c] = p;
        p += rows * 8;
        break;
      case ColumnKind::kText: {
        TextColumn& t = r.text_[c];
        if (!need(4)) return corrupt(name + " is truncated");
        t.dict_size = Get<uint32_t>(p);
        p += 4;
        if (t.dict_size > rows || !need((static_cast<size_t>(t.dict_size) + 1) * 4)) {
          return corrupt(name + " has a bad dictionary size");
        }
        t.offsets = p;
        p += (static_cast<size_t>(t.dict_size) + 1) * 4;
        uint32_t previous = 0;
        for (uint32_t d = 0; d <= t.dict_size; ++d) {
          uint32_t off = Get<uint32_t>(t.offsets + 4 * d);
          if (off < previous || (d == 0 && off != 0)) return corrupt(name + " has unordered offsets");
          previous = off;
        }
        // In size_t: a last offset of 0xFFFFFFFF must not wrap round to need(0).
        if (!need(static_cast<size_t>(previous) + 1)) return corrupt(name + " text is truncated");
        t.bytes = reinterpret_cast<const char*>(p);
        p += previous;
        t.code_width = *p++;
        if (t.code_width == 0) {  // one value per row, in row order
          if (t.dict_size != rows) return corrupt(name + " has a bad dictionary size");
          break;
        }
        if (t.code_width != 1 && t.code_width != 2 && t.code_width != 4) return corrupt(name + " has a bad code width");
        if (!need(rows * t.code_width)) return corrupt(name + " codes are truncated");
        t.codes = p;
        p += rows * t.code_width;
        for (size_t i = 0; i < rows; ++i) {
          uint32_t code = t.code_width == 1   ? t.codes[i]
                          : t.code_width == 2 ? Get<uint16_t>(t.codes + 2 * i)
                                              : Get<uint32_t>(t.codes + 4 * i);
          if (code >= t.dict_size) return corrupt(name + " has a code outside its dictionary");
        }
        break;
      }
    }
  }
  if (p != end) return corrupt("it has trailing bytes");
  for (size_t i = 0; i < rows; ++i) {
    const uint8_t precision = r.u8_[kTimePrecision][i];
    if (precision > 3 || r.u8_[kCrimeType][i] < 1 || r.u8_[kCrimeType][i] > 14 || r.u8_[kWeapon][i] > 4 ||
        r.u8_[kDomestic][i] > 2 || r.u8_[kAgency][i] > 3 || r.u8_[kLocationType][i] > 6 ||
        r.u8_[kAssaultMethod][i] > 5 || r.u8_[kAssailantRelationship][i] > 5 || r.u8_[kTimeNote][i] > 2) {
      return corrupt("row " + std::to_string(i) + " has an out-of-range code");
    }
    // A window ends after it starts (and its length fits in 64 bits); every other time
    // ends where it starts.
    const int64_t from = r.I64(kOccurredMinute, i), to = r.I64(kOccurredEndMinute, i);
    int64_t length = 0;
    bool window = precision == static_cast<uint8_t>(TimePrecision::kWindow);
    if (__builtin_sub_overflow(to, from, &length) || (window ? length <= 0 : length != 0)) {
      return corrupt("row " + std::to_string(i) + " has an occurred end minute that does not fit its precision");
    }
  }
  return r;
}

std::string_view SegmentReader::Text(ColumnId column, size_t i) const {
  const TextColumn& t = text_[column];
  uint32_t code = t.code_width == 0   ? static_cast<uint32_t>(i)
                  : t.code_width == 1 ? t.codes[i]
                  : t.code_width == 2 ? Get<uint16_t>(t.codes + 2 * i)
                                      : Get<uint32_t>(t.codes + 4 * i);
  uint32_t from = Get<uint32_t>(t.offsets + 4 * code);
  uint32_t to = Get<uint32_t>(t.offsets + 4 * (code + 1));
  return std::string_view(t.bytes + from, to - from);
}

int64_t SegmentReader::I64(ColumnId column, size_t i) const { return Get<int64_t>(fixed_[column] + 8 * i); }
double SegmentReader::F64(ColumnId column, size_t i) const { return Get<double>(fixed_[column] + 8 * i); }

BehaviourSet SegmentReader::behaviours(size_t i) const {
  return BehaviourSet::FromBits(Get<uint32_t>(fixed_[kBehaviours] + 4 * i));
}

Incident SegmentReader::ToIncident(size_t i, const std::string& file) const {
  Incident inc;
  inc.source = {agency(i), file, source_line(i)};
  inc.source_id = std::string(source_id(i));
  inc.occurred = occurred(i);
  inc.crime_type = crime_type(i);
  inc.offence_code = std::string(Text(kOffenceCode, i));
  inc.weapon = static_cast<Weapon>(u8_[kWeapon][i]);
  uint8_t domestic = u8_[kDomestic][i];
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
  inc.location.type = static_cast<LocationType>(u8_[kLocationType][i]);
  int64_t arrival = I64(kArrivalMinute, i);
  if (arrival != kNoMinute) inc.attendance.arrival_minute = arrival;
  inc.attendance.method = static_cast<AssaultMethod>(u8_[kAssaultMethod][i]);
  inc.attendance.method_other = std::string(Text(kAssaultMethodOther, i));
  inc.attendance.assailant = static_cast<AssailantRelationship>(u8_[kAssailantRelationship][i]);
  inc.occurred_note = static_cast<TimeNote>(u8_[kTimeNote][i]);
  return inc;
}

}  // namespace harmlens
