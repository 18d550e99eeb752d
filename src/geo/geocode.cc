#include "geo/geocode.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <set>
#include <span>

#include "base/csv.h"
#include "model/geography.h"

namespace harmlens {
namespace {

// Confidence: the estimated probability that the true place lies within the stated
// radius. Chosen before measuring, from what each method can know (docs/geocoding.md);
// the synthetic evaluation (docs/PERFORMANCE.md) reports how they turn out.
constexpr double kConfidenceStreet = 0.8;  // right street, 90% of its rows inside the radius
constexpr double kConfidenceNamedPlace = 0.8;
constexpr double kConfidenceCentre = 0.6;         // "town centre" is a loose phrase
constexpr double kConfidenceArea = 0.8;           // 90% of the area's rows inside the radius
constexpr double kFuzzyFactor = 0.75;             // a typo may have hit another real name
constexpr double kPartialNameFactor = 0.85;       // "Granby" could be Granby Street or Granby Road
constexpr double kQualifierConflictFactor = 0.6;  // the town named holds no such street
constexpr double kSiteCentreFactor = 0.7;         // "town centre" read as the site district's centre
constexpr double kOutsideSiteFactor = 0.5;        // a street found only outside the site's district
// Among same-named places, one in the treatment site's district is this many times as
// likely as its police.uk row count alone says (an assumption: most patients live and
// are hurt near the hospital they attend).
constexpr double kSiteDistrictWeight = 4;
// Below this share of the weight, a name of several places is left unresolved.
constexpr double kMinimumShare = 0.5;
// Same-named places whose points are this close are read as one (one road in stretches).
constexpr double kSamePlaceMetres = 1500;
// "near X": the place is X or around it.
constexpr double kNearBufferMetres = 300;
constexpr size_t kLongestName = 7;  // words in the longest name matched exactly
constexpr size_t kMostWords = 40;
// Abbreviated words at least this long ("street", not "st") are also read through one typing slip.
constexpr size_t kShortestTypoWord = 6;

// Words that are not names: where-words, kinds of place, homes and not-knowns. They are
// never matched alone or by edit distance, and say why a text without a name is
// unresolved.
constexpr std::string_view kFillerWords[] = {
    "a",      "an",    "and",    "area", "around",   "at",     "back",     "behind",   "between",
    "bottom", "by",    "corner", "dads", "down",     "end",    "entrance", "friend",   "friends",
    "from",   "front", "her",    "his",  "in",       "inside", "jct",      "jnc",      "junction",
    "just",   "mates", "mums",   "my",   "near",     "nearby", "next",     "nr",       "o",
    "of",     "off",   "on",     "opp",  "opposite", "our",    "outside",  "partners", "rear",
    "side",   "their", "to",     "top",
};
constexpr std::string_view kNearWords[] = {"near", "nr", "nearby", "around", "by"};
constexpr std::string_view kNotKnownWords[] = {
    "unknown", "unk",      "nk",     "na", "none", "not",  "known", "stated",   "given",  "recorded",
    "refused", "declined", "unsure", "dk", "dont", "know", "cant",  "remember", "unable", "nil",
};
constexpr std::string_view kHomeWords[] = {
    "home",          "house",   "flat",    "address",  "residence",  "residential",
    "property",      "bedroom", "kitchen", "bathroom", "indoors",    "dwelling",
    "accommodation", "garden",  "own",     "bedsit",   "maisonette",
};
constexpr std::string_view kGenericWords[] = {
    "aldi",         "alley",    "alleyway", "anywhere", "ave",       "bar",         "bridge",
    "bus",          "cafe",     "canal",    "car",      "carpark",   "centre",      "chippy",
    "church",       "city",     "cl",       "club",     "college",   "coop",        "country",
    "countryside",  "estate",   "farm",     "field",    "footpath",  "garage",      "greggs",
    "gym",          "hospital", "hostel",   "hotel",    "kebab",     "kfc",         "lake",
    "layby",        "leisure",  "lidl",     "ln",       "market",    "mcdonalds",   "mosque",
    "nightclub",    "office",   "park",     "parking",  "path",      "pavement",    "petrol",
    "playground",   "prison",   "pub",      "rank",     "rd",        "restaurant",  "river",
    "school",       "shop",     "shopping", "shops",    "somewhere", "spoons",      "station",
    "stn",          "stop",     "store",    "street",   "subway",    "supermarket", "takeaway",
    "taxi",         "temple",   "tesco",    "town",     "uni",       "university",  "village",
    "wetherspoons", "wood",     "woods",    "work",     "workplace",
};

template <size_t N>
bool In(const std::string_view (&words)[N], std::string_view w) {
  return std::find(std::begin(words), std::end(words), w) != std::end(words);
}

bool IsVocabulary(std::string_view w) {
  return In(kFillerWords, w) || In(kNotKnownWords, w) || In(kHomeWords, w) || In(kGenericWords, w);
}

std::string Join(const std::vector<std::string>& words, size_t start, size_t length) {
  std::string key;
  for (size_t i = start; i < start + length; ++i) {
    if (i > start) key += ' ';
    key += words[i];
  }
  return key;
}

std::string Signature(const std::vector<std::string>& words, size_t start, size_t length) {
  std::vector<std::string> sorted(words.begin() + static_cast<std::ptrdiff_t>(start),
                                  words.begin() + static_cast<std::ptrdiff_t>(start + length));
  std::sort(sorted.begin(), sorted.end());
  return Join(sorted, 0, sorted.size());
}

bool IsStreetLike(PlaceKind kind) { return kind == PlaceKind::kStreet || kind == PlaceKind::kNamedPlace; }

int KindPreference(PlaceKind kind) {  // for one area name of several kinds: the town first
  switch (kind) {
    case PlaceKind::kTown:
      return 0;
    case PlaceKind::kDistrict:
      return 1;
    case PlaceKind::kWard:
      return 2;
    default:
      return 3;
  }
}

std::string_view DistrictName(std::string_view code) {
  std::optional<CspArea> area = FindCspArea(code);
  return area ? area->name : code;
}

GeocodeResult Unresolved(UnresolvedReason reason, std::string why) {
  GeocodeResult r;
  r.reason = reason;
  r.unresolved_reason = std::move(why);
  return r;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// Which of a-z, 0-9 (folded onto a-j) and other bytes a text uses, as bits.
uint32_t LetterSet(std::string_view text) {
  uint32_t set = 0;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 'a' && u <= 'z') {
      set |= 1u << (u - 'a');
    } else if (u >= '0' && u <= '9') {
      set |= 1u << (u - '0');
    } else if (u != ' ') {
      set |= 1u << 31;
    }
  }
  return set;
}

uint32_t FuzzyBucket(size_t length, char initial) {
  return static_cast<uint32_t>(std::min<size_t>(length, 0xffffff)) << 8 | static_cast<unsigned char>(initial);
}

}  // namespace

struct Geocoder::Match {
  size_t start = 0, length = 0;
  std::vector<int> streets;  // street-like entries the words name
  std::vector<int> areas;    // ward, town and district entries
  int centre_of = -1;        // a landmark: the centre of this area entry
};

std::string_view GeocodeMethodName(GeocodeMethod method) {
  switch (method) {
    case GeocodeMethod::kNone:
      return "none";
    case GeocodeMethod::kStreet:
      return "street";
    case GeocodeMethod::kNamedPlace:
      return "place";
    case GeocodeMethod::kTownCentre:
      return "town-centre";
    case GeocodeMethod::kWard:
      return "ward";
    case GeocodeMethod::kTown:
      return "town";
    case GeocodeMethod::kDistrict:
      return "district";
  }
  return "?";
}

std::string_view UnresolvedReasonName(UnresolvedReason reason) {
  switch (reason) {
    case UnresolvedReason::kNone:
      return "";
    case UnresolvedReason::kEmpty:
      return "empty";
    case UnresolvedReason::kNotKnown:
      return "not-known";
    case UnresolvedReason::kPrivateAddress:
      return "private-address";
    case UnresolvedReason::kGenericPlaceOnly:
      return "generic-place-only";
    case UnresolvedReason::kCentreWithoutTown:
      return "centre-without-town";
    case UnresolvedReason::kAmbiguous:
      return "ambiguous";
    case UnresolvedReason::kNoPlaceName:
      return "no-place-name";
  }
  return "?";
}

std::string GeocodeResult::MethodLabel() const {
  if (!resolved) return "unresolved";
  std::string label;
  if (fuzzy) label += "fuzzy-";
  if (partial_name) label += "partial-";
  label += GeocodeMethodName(method);
  if (qualified) label += "+area";
  if (used_site_district) label += "+site";
  return label;
}

void GeocodeTally::Add(const GeocodeResult& result) {
  ++total;
  if (result.resolved) {
    ++resolved;
    ++by_method[result.MethodLabel()];
  } else {
    ++unresolved[std::string(UnresolvedReasonName(result.reason))];
  }
}

int EditDistance(std::string_view a, std::string_view b, int limit) {
  const size_t n = a.size(), m = b.size();
  if (static_cast<int>(n > m ? n - m : m - n) > limit) return limit + 1;
  // Three rows of the optimal-string-alignment table, on the stack for names of ordinary
  // length (this runs for every candidate name of a typo).
  const size_t stride = m + 1;
  int stack[3 * 64];
  std::vector<int> heap;
  int* base = stack;
  if (3 * stride > std::size(stack)) {
    heap.resize(3 * stride);
    base = heap.data();
  }
  std::span<int> before(base, stride), previous(base + stride, stride), current(base + 2 * stride, stride);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    int row_min = current[0];
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, before[j - 2] + 1);
      current[j] = best;
      row_min = std::min(row_min, best);
    }
    if (row_min > limit) return limit + 1;
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return std::min(previous[m], limit + 1);
}

std::vector<std::string> Geocoder::Words(std::string_view text) const {
  std::string s = Lower(text);
  // Shorthands whose slash would otherwise split them.
  ReplaceAll(&s, "o/s", " outside ");
  ReplaceAll(&s, "n/k", " nk ");
  ReplaceAll(&s, "n/a", " na ");
  ReplaceAll(&s, "&", " and ");
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (word != "the") {
      auto abbreviation = abbreviations_.find(word);
      if (abbreviation == abbreviations_.end() && word.size() >= kShortestTypoWord && !IsVocabulary(word)) {
        // "Streat", "Avenu": one slip in a long street type still reads as the type.
        for (const auto& [full, short_form] : long_street_types_) {
          if (EditDistance(word, full, 1) <= 1) {
            word = short_form;
            break;
          }
        }
      }
      words.push_back(abbreviation == abbreviations_.end() ? word : abbreviation->second);
    }
    word.clear();
  };
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\'' || u == 0x60) continue;  // "St Martin's", "McDonald`s"
    if (std::isalnum(u) || u >= 0x80) {
      word += c;
    } else {
      flush();
    }
  }
  flush();
  return words;
}

std::string Geocoder::KeyOf(std::string_view name) const {
  std::vector<std::string> words = Words(name);
  return Join(words, 0, words.size());
}

void Geocoder::AddKey(const std::string& key, Target target) {
  if (key.empty()) return;
  std::vector<Target>& targets = by_key_[key];
  for (Target& t : targets) {
    if (t.entry == target.entry && t.centre_of == target.centre_of) {
      t.ward_part = t.ward_part && target.ward_part;
      return;
    }
  }
  targets.push_back(target);
}

Result<std::unique_ptr<const Geocoder>> Geocoder::Load(Env* env, const std::string& reference_dir) {
  const std::string gazetteer_path = reference_dir + "/" + std::string(kGazetteerFile);
  const std::string aliases_path = reference_dir + "/" + std::string(kGeocodingAliasesFile);
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> gazetteer, env->ReadFile(gazetteer_path));
  HL_ASSIGN_OR_RETURN(std::vector<GazetteerEntry> entries,
                      ReadGazetteerCsv(gazetteer->bytes(), gazetteer_path));
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> aliases, env->ReadFile(aliases_path));
  return Create(std::move(entries), aliases->bytes(), aliases_path);
}

Result<std::unique_ptr<const Geocoder>> Geocoder::Create(std::vector<GazetteerEntry> entries,
                                                         std::string_view aliases_csv,
                                                         const std::string& aliases_path) {
  std::unique_ptr<Geocoder> geocoder(new Geocoder());
  geocoder->entries_ = std::move(entries);
  HL_RETURN_IF_ERROR(geocoder->AddAliases(aliases_csv, aliases_path));
  return std::unique_ptr<const Geocoder>(std::move(geocoder));
}

Status Geocoder::AddAliases(std::string_view csv, const std::string& path) {
  struct AliasRow {
    int64_t line;
    std::string kind, text, target, district, radius;
  };
  std::vector<AliasRow> rows;
  CsvReader reader(csv);
  CsvRecord record;
  bool header = true;
  while (reader.Next(&record)) {
    if (header) {
      if (record.raw != kGeocodingAliasesHeader) {
        return Status::RejectedInput(
            "expected a geocoding alias list (geocoding-aliases/1) whose first line is \"" +
                std::string(kGeocodingAliasesHeader) + "\"",
            {path, record.line, ""});
      }
      header = false;
      continue;
    }
    if (record.blank) continue;
    if (!record.error.empty()) return Status::RejectedInput(record.error, {path, record.line, ""});
    if (record.fields.size() != 6) {
      return Status::RejectedInput("expected 6 fields, found " + std::to_string(record.fields.size()),
                                   {path, record.line, ""});
    }
    rows.push_back({record.line, std::string(record.fields[0]), std::string(record.fields[1]),
                    std::string(record.fields[2]), std::string(record.fields[3]),
                    std::string(record.fields[4])});
  }
  if (header) return Status::RejectedInput("the file is empty", {path, 0, ""});

  // Abbreviations first: every key below is made with them.
  for (const AliasRow& row : rows) {
    if (row.kind != "abbreviation") continue;
    std::string from = Lower(row.text), to = Lower(row.target);
    auto is_word = [](const std::string& w) {
      return !w.empty() && std::all_of(w.begin(), w.end(),
                                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
    };
    if (!is_word(from) || !is_word(to)) {
      return Status::RejectedInput("an abbreviation maps one word to one word (letters and digits only)",
                                   {path, row.line, "text"});
    }
    abbreviations_[from] = to;
    if (from.size() >= kShortestTypoWord && from != to) long_street_types_.emplace_back(from, to);
  }
  std::sort(long_street_types_.begin(), long_street_types_.end());

  // The gazetteer's own names, ward-name parts and street stems.
  std::vector<std::string> entry_keys;  // KeyOf(name) of each entry
  entry_keys.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    const GazetteerEntry& e = entries_[i];
    int index = static_cast<int>(i);
    std::vector<std::string> words = Words(e.name);
    std::string key = Join(words, 0, words.size());
    entry_keys.push_back(key);
    AddKey(key, {index, -1, false});
    if (e.kind == PlaceKind::kWard) {
      for (const std::string& part : WardNameParts(e.name)) {
        if (KeyOf(part) != key) AddKey(KeyOf(part), {index, -1, true});
      }
    }
    bool compass = !words.empty() && (words.back() == "north" || words.back() == "south" ||
                                      words.back() == "east" || words.back() == "west");
    if (e.kind == PlaceKind::kStreet && words.size() >= 2 && !compass) {
      std::string stem = Join(words, 0, words.size() - 1);
      std::vector<std::string>& keys = keys_by_stem_[stem];
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    if (e.kind == PlaceKind::kNamedPlace && words.size() >= 2) {
      std::vector<std::string>& keys = keys_by_signature_[Signature(words, 0, words.size())];
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }

  // Finds the entry a target names: "street:Market Place" in district E07000130; of
  // several, the one inside `area` (if given) with the most rows, else the one nearest
  // the area's point within its radius (a town centre can sit just over a ward boundary).
  auto find_target = [&](const AliasRow& row, std::string_view target, int area) -> Result<int> {
    size_t colon = target.find(':');
    std::string kind = colon == std::string_view::npos ? "" : std::string(target.substr(0, colon));
    std::string key = colon == std::string_view::npos ? "" : KeyOf(target.substr(colon + 1));
    int best = -1, nearest = -1;
    double nearest_m = 0;
    for (size_t i = 0; i < entries_.size(); ++i) {
      const GazetteerEntry& e = entries_[i];
      if (PlaceKindName(e.kind) != kind || entry_keys[i] != key) continue;
      if (!row.district.empty() && e.district != row.district) continue;
      if (area >= 0) {
        const GazetteerEntry& a = entries_[static_cast<size_t>(area)];
        double d = DistanceMetres(e.point, a.point);
        if (d <= a.radius_m && (nearest < 0 || d < nearest_m)) {
          nearest = static_cast<int>(i);
          nearest_m = d;
        }
        if (!InArea(e, a)) continue;
      }
      if (best < 0 || e.rows > entries_[static_cast<size_t>(best)].rows) best = static_cast<int>(i);
    }
    if (best < 0) best = nearest;
    if (best < 0) {
      return Status::RejectedInput(
          "no gazetteer " + (kind.empty() ? std::string("entry") : kind) + " \"" +
              std::string(colon == std::string_view::npos ? target : target.substr(colon + 1)) + "\"" +
              (row.district.empty() ? "" : " in " + row.district) +
              (area >= 0 ? " inside " + entries_[static_cast<size_t>(area)].name : "") +
              " (targets are kind:name, kind one of street, place, ward, town, district)",
          {path, row.line, "target"});
    }
    return best;
  };

  // Centres before places: a landmark may point at a centre.
  for (const AliasRow& row : rows) {
    if (row.kind != "centre") continue;
    int area = -1;
    const std::string text_key = KeyOf(row.text);
    for (size_t i = 0; i < entries_.size(); ++i) {
      const GazetteerEntry& e = entries_[i];
      if (IsStreetLike(e.kind) || entry_keys[i] != text_key) continue;
      if (!row.district.empty() && e.district != row.district) continue;
      if (area < 0 || KindPreference(e.kind) < KindPreference(entries_[static_cast<size_t>(area)].kind)) {
        area = static_cast<int>(i);
      }
    }
    if (area < 0) {
      return Status::RejectedInput("no ward, town or district \"" + row.text + "\" to give a centre",
                                   {path, row.line, "text"});
    }
    HL_ASSIGN_OR_RETURN(int street, find_target(row, row.target, area));
    double radius = 0;
    auto [ptr, ec] = std::from_chars(row.radius.data(), row.radius.data() + row.radius.size(), radius);
    if (ec != std::errc() || ptr != row.radius.data() + row.radius.size() ||
        !(radius >= kMinimumRadiusMetres) || radius > 20'000) {
      return Status::RejectedInput("a centre needs radius_m, in metres from 100 to 20000",
                                   {path, row.line, "radius_m"});
    }
    centres_[area] = {street, radius};
  }
  for (const AliasRow& row : rows) {
    if (row.kind == "abbreviation" || row.kind == "centre") continue;
    if (row.kind != "place") {
      return Status::RejectedInput("\"" + row.kind + "\" is not abbreviation, place or centre",
                                   {path, row.line, "kind"});
    }
    if (row.target.rfind("centre:", 0) == 0) {
      std::string area_key = KeyOf(row.target.substr(7));
      int area = -1;
      for (const auto& [entry, centre] : centres_) {
        const GazetteerEntry& e = entries_[static_cast<size_t>(entry)];
        if (entry_keys[static_cast<size_t>(entry)] == area_key &&
            (row.district.empty() || e.district == row.district)) {
          area = entry;
        }
      }
      if (area < 0) {
        return Status::RejectedInput("no centre is given for \"" + row.target.substr(7) + "\"",
                                     {path, row.line, "target"});
      }
      AddKey(KeyOf(row.text), {-1, area, false});
      continue;
    }
    HL_ASSIGN_OR_RETURN(int entry, find_target(row, row.target, -1));
    AddKey(KeyOf(row.text), {entry, -1, false});
  }

  // Every key by length, for edit-distance matching; sorted so ties break the same way
  // on every machine.
  for (const auto& [key, targets] : by_key_) {
    if (!IsVocabulary(key)) fuzzy_buckets_[FuzzyBucket(key.size(), key[0])].emplace_back(LetterSet(key), key);
  }
  for (auto& [bucket, keys] : fuzzy_buckets_) std::sort(keys.begin(), keys.end());
  return Status::Ok();
}

bool Geocoder::InArea(const GazetteerEntry& place, const GazetteerEntry& area) const {
  switch (area.kind) {
    case PlaceKind::kDistrict:
      return place.district == area.district;
    case PlaceKind::kTown:
    case PlaceKind::kWard:
      if (place.kind == PlaceKind::kDistrict || place.wards.empty()) return false;
      return std::all_of(place.wards.begin(), place.wards.end(), [&](const std::string& w) {
        return std::find(area.wards.begin(), area.wards.end(), w) != area.wards.end();
      });
    default:
      return false;
  }
}

std::string Geocoder::Describe(const GazetteerEntry& e) const {
  std::string district(DistrictName(e.district));
  switch (e.kind) {
    case PlaceKind::kStreet:
    case PlaceKind::kNamedPlace:
      return e.name + " (" + district + ")";
    case PlaceKind::kWard:
      return e.name + " (ward, " + district + ")";
    case PlaceKind::kTown:
      return e.name + " (town, " + district + ")";
    case PlaceKind::kDistrict:
      return e.name + " (district)";
  }
  return e.name;
}

void Geocoder::Sort(const std::vector<Target>& targets, Match* m) const {
  bool whole_area_name = false;
  for (const Target& t : targets) {
    if (t.centre_of >= 0) {
      m->centre_of = t.centre_of;
    } else if (IsStreetLike(entries_[static_cast<size_t>(t.entry)].kind)) {
      m->streets.push_back(t.entry);
    } else {
      m->areas.push_back(t.entry);
      whole_area_name = whole_area_name || !t.ward_part;
    }
  }
  // A ward's, town's or district's own name means the area, even where police.uk also
  // has a small place of that name ("On or near Loughborough", 6 rows).
  if (whole_area_name) m->streets.clear();
}

std::vector<Geocoder::Match> Geocoder::ExactMatches(const std::vector<std::string>& words) const {
  std::vector<Match> found;
  const size_t n = words.size();
  for (size_t length = std::min(kLongestName, n); length >= 1; --length) {
    for (size_t start = 0; start + length <= n; ++start) {
      std::vector<const std::vector<Target>*> lists;
      auto exact = by_key_.find(Join(words, start, length));
      if (exact != by_key_.end()) {
        lists.push_back(&exact->second);
      } else if (length >= 2 && length <= 4) {
        // Named places in another word order: "bus station, Haymarket".
        auto signature = keys_by_signature_.find(Signature(words, start, length));
        if (signature != keys_by_signature_.end()) {
          for (const std::string& key : signature->second) lists.push_back(&by_key_.at(key));
        }
      }
      if (lists.empty()) continue;
      if (length == 1 && IsVocabulary(words[start])) continue;
      Match m;
      m.start = start;
      m.length = length;
      for (const auto* targets : lists) Sort(*targets, &m);
      found.push_back(std::move(m));
    }
  }
  // Longest first, then leftmost: keep the matches that do not overlap a kept one.
  std::vector<Match> kept;
  std::vector<bool> used(n, false);
  for (Match& m : found) {
    bool free = true;
    for (size_t i = m.start; i < m.start + m.length; ++i) free = free && !used[i];
    if (!free) continue;
    for (size_t i = m.start; i < m.start + m.length; ++i) used[i] = true;
    kept.push_back(std::move(m));
  }
  std::sort(kept.begin(), kept.end(), [](const Match& a, const Match& b) { return a.start < b.start; });
  return kept;
}

GeocodeResult Geocoder::ResolveStreet(const std::vector<int>& candidates,
                                      const std::vector<const Match*>& qualifiers,
                                      const GeocodeHints& hints) const {
  std::vector<int> places = candidates;
  GeocodeResult r;
  r.candidates = static_cast<int>(places.size());
  double factor = 1;
  std::vector<int> qualifier_areas;
  for (const Match* q : qualifiers)
    qualifier_areas.insert(qualifier_areas.end(), q->areas.begin(), q->areas.end());
  if (!qualifier_areas.empty()) {
    std::vector<int> inside;
    for (int p : places) {
      for (int a : qualifier_areas) {
        if (InArea(entries_[static_cast<size_t>(p)], entries_[static_cast<size_t>(a)])) {
          inside.push_back(p);
          break;
        }
      }
    }
    if (inside.empty()) {
      factor *= kQualifierConflictFactor;
    } else {
      r.qualified = inside.size() < places.size();
      places = std::move(inside);
    }
  }
  // The row count is the prior; the site's district multiplies it.
  auto choose = [&](bool use_site, double* share) {
    double total = 0, best_weight = -1;
    int best = -1;
    for (int p : places) {
      const GazetteerEntry& e = entries_[static_cast<size_t>(p)];
      bool at_site = use_site && !hints.site_district.empty() && e.district == hints.site_district;
      double weight = static_cast<double>(std::max<int64_t>(e.rows, 1)) * (at_site ? kSiteDistrictWeight : 1);
      total += weight;
      if (weight > best_weight) {
        best_weight = weight;
        best = p;
      }
    }
    *share = best_weight / total;
    return best;
  };
  double share = 0, share_without_site = 0;
  int best = choose(true, &share);
  int best_without_site = choose(false, &share_without_site);
  // Same-named places close to the chosen one (a long road police.uk records in
  // stretches) count with it, and the radius widens to take them in.
  const GazetteerEntry& chosen = entries_[static_cast<size_t>(best)];
  double radius = chosen.radius_m;
  double together = 0, total = 0;
  for (int p : places) {
    const GazetteerEntry& e = entries_[static_cast<size_t>(p)];
    double weight =
        static_cast<double>(std::max<int64_t>(e.rows, 1)) *
        (!hints.site_district.empty() && e.district == hints.site_district ? kSiteDistrictWeight : 1);
    total += weight;
    double d = DistanceMetres(e.point, chosen.point);
    if (d <= kSamePlaceMetres) {
      together += weight;
      radius = std::max(radius, d + e.radius_m);
    }
  }
  share = together / total;
  if (share < kMinimumShare) {
    std::set<std::string> districts;
    for (int p : places) districts.insert(entries_[static_cast<size_t>(p)].district);
    return Unresolved(UnresolvedReason::kAmbiguous,
                      "\"" + chosen.name + "\" names " + std::to_string(places.size()) + " places in " +
                          std::to_string(districts.size()) + " district" +
                          (districts.size() == 1 ? "" : "s") + "; name the town to choose");
  }
  r.resolved = true;
  r.point = chosen.point;
  r.radius_m = radius;
  r.method = chosen.kind == PlaceKind::kStreet ? GeocodeMethod::kStreet : GeocodeMethod::kNamedPlace;
  r.confidence =
      (chosen.kind == PlaceKind::kStreet ? kConfidenceStreet : kConfidenceNamedPlace) * share * factor;
  r.used_site_district = best != best_without_site || share_without_site < kMinimumShare;
  // police.uk records only streets with crime, so a name missing from the site's district
  // may still be a street there: an answer outside that district, with nothing in the
  // text to put it there, is less sure.
  if (!hints.site_district.empty() && qualifier_areas.empty() && chosen.district != hints.site_district) {
    r.confidence *= kOutsideSiteFactor;
  }
  r.matched_name = Describe(chosen);
  r.district = chosen.district;
  return r;
}

GeocodeResult Geocoder::ResolveArea(const std::vector<int>& candidates,
                                    const std::vector<const Match*>& qualifiers,
                                    const GeocodeHints& hints) const {
  std::vector<int> areas = candidates;
  std::sort(areas.begin(), areas.end());
  areas.erase(std::unique(areas.begin(), areas.end()), areas.end());
  GeocodeResult r;
  r.candidates = static_cast<int>(areas.size());
  int best_kind = 9;
  for (int a : areas) best_kind = std::min(best_kind, KindPreference(entries_[static_cast<size_t>(a)].kind));
  std::erase_if(areas,
                [&](int a) { return KindPreference(entries_[static_cast<size_t>(a)].kind) != best_kind; });
  if (areas.size() > 1) {
    std::vector<int> inside;
    for (int a : areas) {
      for (const Match* q : qualifiers) {
        for (int qa : q->areas) {
          if (qa != a && InArea(entries_[static_cast<size_t>(a)], entries_[static_cast<size_t>(qa)])) {
            inside.push_back(a);
          }
        }
      }
    }
    std::sort(inside.begin(), inside.end());
    inside.erase(std::unique(inside.begin(), inside.end()), inside.end());
    if (!inside.empty()) {
      r.qualified = inside.size() < areas.size();
      areas = std::move(inside);
    }
  }
  if (areas.size() > 1 && !hints.site_district.empty()) {
    std::vector<int> at_site;
    for (int a : areas) {
      if (entries_[static_cast<size_t>(a)].district == hints.site_district) at_site.push_back(a);
    }
    if (at_site.size() == 1) {
      areas = std::move(at_site);
      r.used_site_district = true;
    }
  }
  if (areas.size() > 1) {
    std::set<std::string> districts;
    for (int a : areas)
      districts.insert(std::string(DistrictName(entries_[static_cast<size_t>(a)].district)));
    std::string list;
    for (const std::string& d : districts) list += (list.empty() ? "" : ", ") + d;
    return Unresolved(UnresolvedReason::kAmbiguous, "\"" + entries_[static_cast<size_t>(areas[0])].name +
                                                        "\" names " + std::to_string(areas.size()) +
                                                        " areas (" + list + "); name the district to choose");
  }
  const GazetteerEntry& chosen = entries_[static_cast<size_t>(areas[0])];
  r.resolved = true;
  r.point = chosen.point;
  r.radius_m = chosen.radius_m;
  r.method = chosen.kind == PlaceKind::kTown   ? GeocodeMethod::kTown
             : chosen.kind == PlaceKind::kWard ? GeocodeMethod::kWard
                                               : GeocodeMethod::kDistrict;
  r.confidence = kConfidenceArea;
  r.matched_name = Describe(chosen);
  r.district = chosen.district;
  return r;
}

GeocodeResult Geocoder::ResolveCentre(int area_entry, bool by_site) const {
  const Centre& centre = centres_.at(area_entry);
  const GazetteerEntry& area = entries_[static_cast<size_t>(area_entry)];
  const GazetteerEntry& mark = entries_[static_cast<size_t>(centre.entry)];
  GeocodeResult r;
  r.resolved = true;
  r.point = mark.point;
  r.radius_m = centre.radius_m;
  r.method = GeocodeMethod::kTownCentre;
  r.confidence = kConfidenceCentre * (by_site ? kSiteCentreFactor : 1);
  r.used_site_district = by_site;
  r.candidates = 1;
  r.matched_name = area.name + " centre (" + mark.name + ")";
  r.district = area.district;
  return r;
}

std::string Geocoder::NearestKey(const std::vector<std::string>& words,
                                 const std::vector<std::pair<size_t, size_t>>& spans) const {
  // Within one edit of a name up to 8 characters, two of a longer one; the first letter
  // must agree (typing slips rarely hit it, and it keeps short words from matching).
  int best_distance = 99;
  size_t best_length = 0;
  std::string best_key;
  for (auto [start, length] : spans) {
    std::string span = Join(words, start, length);
    size_t letters =
        static_cast<size_t>(std::count_if(span.begin(), span.end(), [](char c) { return c != ' '; }));
    if (letters < 5) continue;
    const uint32_t span_letters = LetterSet(span);
    size_t lo = span.size() > 2 ? span.size() - 2 : 0;
    for (size_t len = lo; len <= span.size() + 2; ++len) {
      auto bucket = fuzzy_buckets_.find(FuzzyBucket(len, span[0]));
      if (bucket == fuzzy_buckets_.end()) continue;
      for (const auto& [key_letters, key] : bucket->second) {
        int limit = key.size() <= 8 ? 1 : 2;
        // One edit changes at most two letters of the set a name uses: a cheap bound.
        if (std::popcount(key_letters ^ span_letters) > 2 * limit) continue;
        int d = EditDistance(span, key, limit);
        if (d > limit || d == 0) continue;
        if (d < best_distance || (d == best_distance && length > best_length)) {
          best_distance = d;
          best_length = length;
          best_key = key;
        }
      }
    }
  }
  return best_key;
}

GeocodeResult Geocoder::Geocode(std::string_view text, const GeocodeHints& hints) const {
  std::vector<std::string> words = Words(text);
  // ISTV allows 200 characters; past kMostWords a text is not a place description, and
  // the cap keeps the time for a hostile text bounded.
  if (words.size() > kMostWords) words.resize(kMostWords);
  if (words.empty()) {
    bool blank = std::all_of(text.begin(), text.end(),
                             [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    return blank ? Unresolved(UnresolvedReason::kEmpty, "no location written")
                 : Unresolved(UnresolvedReason::kNotKnown, "no words in \"" + std::string(text) + "\"");
  }
  const size_t n = words.size();
  bool near = false;
  for (const std::string& w : words) near = near || In(kNearWords, w);
  auto finish = [&](GeocodeResult r) {
    if (r.resolved && near) {
      r.near = true;
      r.radius_m += kNearBufferMetres;
    }
    return r;
  };

  std::vector<Match> matches = ExactMatches(words);
  std::vector<bool> used(n, false);
  for (const Match& m : matches) {
    for (size_t i = m.start; i < m.start + m.length; ++i) used[i] = true;
  }
  const Match* street = nullptr;
  const Match* landmark = nullptr;
  std::vector<const Match*> areas;
  for (const Match& m : matches) {
    if (!m.streets.empty() && (street == nullptr || m.length > street->length)) street = &m;
    if (m.centre_of >= 0 && landmark == nullptr) landmark = &m;
  }
  for (const Match& m : matches) {
    if (&m != street && !m.areas.empty()) areas.push_back(&m);
  }

  GeocodeResult ambiguous;
  if (street != nullptr && street->start > 0 && !used[street->start - 1] &&
      !IsVocabulary(words[street->start - 1])) {
    // "Abbbey Park Road": a word before an exact "Park Road" may be a misspelt longer name.
    std::vector<std::pair<size_t, size_t>> longer;
    for (size_t extra = std::min<size_t>(2, street->start); extra >= 1; --extra) {
      longer.emplace_back(street->start - extra, street->length + extra);
    }
    std::string key = NearestKey(words, longer);
    if (!key.empty()) {
      Match fuzzy;
      Sort(by_key_.at(key), &fuzzy);
      if (!fuzzy.streets.empty()) {
        GeocodeResult r = ResolveStreet(fuzzy.streets, areas, hints);
        if (r.resolved) {
          r.fuzzy = true;
          r.confidence *= kFuzzyFactor;
          return finish(r);
        }
      }
    }
  }
  if (street != nullptr) {
    GeocodeResult r = ResolveStreet(street->streets, areas, hints);
    if (r.resolved || street->areas.empty()) return finish(r);
    ambiguous = r;
    areas.insert(areas.begin(), street);  // "St Johns": a street name and a ward's
  }

  bool centre_words = false;
  for (size_t i = 0; i + 1 < n; ++i) {
    if ((words[i] == "town" || words[i] == "city") && words[i + 1] == "centre") centre_words = true;
    if (words[i] == "centre" && i + 2 < n && words[i + 1] == "of" &&
        (words[i + 2] == "town" || words[i + 2] == "city")) {
      centre_words = true;
    }
  }
  if (landmark != nullptr) return finish(ResolveCentre(landmark->centre_of, false));
  if (centre_words) {
    for (const Match* m : areas) {
      for (int a : m->areas) {
        if (centres_.count(a)) return finish(ResolveCentre(a, false));
      }
    }
    if (areas.empty()) {
      for (const auto& [area, centre] : centres_) {
        const GazetteerEntry& e = entries_[static_cast<size_t>(area)];
        if (e.kind == PlaceKind::kDistrict && e.district == hints.site_district)
          return finish(ResolveCentre(area, true));
      }
      return Unresolved(
          UnresolvedReason::kCentreWithoutTown,
          "a town or city centre without the town's name (and no treatment-site district to assume)");
    }
  }
  if (!areas.empty()) {
    // The most specific area named; the others qualify it ("Braunstone, Leicester").
    auto specificity = [&](const Match* m) {  // ward 0, town 1, district 2
      int rank = 2;
      for (int a : m->areas) {
        PlaceKind kind = entries_[static_cast<size_t>(a)].kind;
        rank = std::min(rank, kind == PlaceKind::kWard ? 0 : kind == PlaceKind::kTown ? 1 : 2);
      }
      return rank;
    };
    const Match* primary = areas[0];
    for (const Match* m : areas) {
      if (specificity(m) < specificity(primary) ||
          (specificity(m) == specificity(primary) && m->length > primary->length)) {
        primary = m;
      }
    }
    std::vector<const Match*> others;
    for (const Match* m : areas) {
      if (m != primary) others.push_back(m);
    }
    GeocodeResult r = ResolveArea(primary->areas, others, hints);
    if (r.resolved || street == nullptr) return finish(r);
  }
  if (street != nullptr) return ambiguous;

  // No whole name: a street without its type ("Granby"), then a name with a typo.
  // Spans of words not yet matched, longest first: no where-word ("near", "outside"), and
  // at least one word that is not a kind of place ("Clarendon Park" is a span, "park" not).
  std::vector<std::pair<size_t, size_t>> spans;
  for (size_t length = std::min<size_t>(3, n); length >= 1; --length) {
    for (size_t start = 0; start + length <= n; ++start) {
      bool free = true, named = false;
      for (size_t i = start; i < start + length; ++i) {
        free = free && !used[i] && !In(kFillerWords, words[i]);
        named = named || !IsVocabulary(words[i]);
      }
      if (free && named) spans.emplace_back(start, length);
    }
  }
  for (auto [start, length] : spans) {
    // A name's first words followed by another unknown word ("Orange Tree") are not it.
    size_t next = start + length;
    if (next < n && !used[next] && !IsVocabulary(words[next])) continue;
    std::string stem_words = Join(words, start, length);
    if (stem_words.size() < 4) continue;
    auto stem = keys_by_stem_.find(stem_words);
    if (stem == keys_by_stem_.end()) continue;
    std::vector<int> candidates;
    for (const std::string& key : stem->second) {
      for (const Target& t : by_key_.at(key)) {
        if (t.entry >= 0 && IsStreetLike(entries_[static_cast<size_t>(t.entry)].kind))
          candidates.push_back(t.entry);
      }
    }
    GeocodeResult r = ResolveStreet(candidates, areas, hints);
    if (r.resolved) {
      r.partial_name = true;
      r.confidence *= kPartialNameFactor;
    }
    return finish(r);
  }
  const std::string fuzzy_key = NearestKey(words, spans);
  if (!fuzzy_key.empty()) {
    Match fuzzy;
    Sort(by_key_.at(fuzzy_key), &fuzzy);
    GeocodeResult r;
    if (!fuzzy.streets.empty()) {
      r = ResolveStreet(fuzzy.streets, areas, hints);
    } else if (!fuzzy.areas.empty()) {
      r = ResolveArea(fuzzy.areas, areas, hints);
    } else {
      r = ResolveCentre(fuzzy.centre_of, false);
    }
    if (r.resolved) {
      r.fuzzy = true;
      r.confidence *= kFuzzyFactor;
    }
    return finish(r);
  }

  // Nothing named: say why.
  bool home = false, generic = false, only_not_known = true;
  std::string generic_words;
  for (const std::string& w : words) {
    home = home || In(kHomeWords, w);
    if (In(kGenericWords, w)) {
      generic = true;
      generic_words += (generic_words.empty() ? "" : " ") + w;
    }
    only_not_known = only_not_known && (In(kNotKnownWords, w) || In(kFillerWords, w));
  }
  if (only_not_known) return Unresolved(UnresolvedReason::kNotKnown, "the location was not known");
  if (home) return Unresolved(UnresolvedReason::kPrivateAddress, "a home or private address, no place named");
  if (generic) {
    return Unresolved(UnresolvedReason::kGenericPlaceOnly,
                      "a kind of place (" + generic_words + ") without a street, place or town name");
  }
  return Unresolved(UnresolvedReason::kNoPlaceName,
                    "no LLR street, place or town name recognised in \"" + std::string(text) + "\"");
}

}  // namespace harmlens
