#include "ingest/police_extract.h"

#include <algorithm>
#include <array>
#include <optional>

#include "ingest/partner_csv.h"
#include "model/behaviour_rules.h"

namespace harmlens {
namespace {

enum IncidentColumn {
  kIncidentId = 0,
  kOccurredFrom,
  kOccurredTo,
  kTimePrecision,
  kOffenceCode,
  kOffenceCategory,
  kWeapon,
  kDomestic,
  kLongitude,
  kLatitude,
  kLsoaCode,
  kOutcome,
};
const std::vector<std::string_view> kIncidentColumns = {
    "incident_id", "occurred_from", "occurred_to", "time_precision", "offence_code", "offence_category",
    "weapon",      "domestic",      "longitude",   "latitude",       "lsoa_code",    "outcome"};

enum PersonColumn { kPersonIncidentId = 0, kRole, kPersonKey, kAge, kSex };
const std::vector<std::string_view> kPersonColumns = {"incident_id", "role", "person_key", "age", "sex"};

constexpr std::string_view kFormat = "police extract";
constexpr int64_t kMaxWindowMinutes = 31 * 1440;  // 44,640

const std::vector<std::string_view> kPrecisions = {"minute", "day", "window"};
const std::vector<std::string_view> kWeapons = {"knife_or_sharp", "firearm", "other", "none", "unknown"};
const std::vector<std::string_view> kRoles = {"victim", "suspect", "offender", "witness"};
const std::vector<std::string_view> kSexes = {"F", "M", "X", "U"};
const std::vector<std::string_view> kOutcomes = {"under_investigation",
                                                 "charged",
                                                 "caution",
                                                 "taken_into_consideration",
                                                 "offender_died",
                                                 "penalty_notice",
                                                 "cannabis_khat_warning",
                                                 "community_resolution",
                                                 "not_in_public_interest",
                                                 "suspect_not_prosecutable",
                                                 "evidential_difficulties",
                                                 "victim_does_not_support",
                                                 "time_limit_expired",
                                                 "no_suspect_identified",
                                                 "other_body",
                                                 "diversion"};

bool IsOneOf(std::string_view value, const std::vector<std::string_view>& list) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

const std::vector<std::string_view>& CrimeTypeNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> names;
    for (CrimeType t : AllCrimeTypes()) names.push_back(CrimeTypeName(t));
    return names;
  }();
  return kNames;
}

bool IsIncidentId(std::string_view id) { return IsIdentifier(id, 40, "-/_"); }

// 1-3 digits, optionally "/" or "." and 1-2 digits, then 0-2 capital letters.
bool IsOffenceCode(std::string_view code) {
  size_t i = 0;
  auto digits = [&](size_t most) {
    size_t n = 0;
    while (i < code.size() && n < most && code[i] >= '0' && code[i] <= '9') ++i, ++n;
    return n;
  };
  if (digits(3) == 0) return false;
  if (i < code.size() && (code[i] == '/' || code[i] == '.')) {
    ++i;
    if (digits(2) == 0) return false;
  }
  size_t letters = 0;
  while (i < code.size() && letters < 2 && code[i] >= 'A' && code[i] <= 'Z') ++i, ++letters;
  return i == code.size();
}

std::string Required(std::string_view column) {
  return std::string(column) + " is empty (a value is required)";
}

std::string Unknown(std::string_view column, std::string_view value,
                    const std::vector<std::string_view>& allowed) {
  return "unknown " + std::string(column) + " " + QuotedForMessage(value) + " (expected " +
         ListForMessage(allowed) + ")";
}

std::string ExpectedHeaders() {
  return "expected a police extract incidents file (police-extract-incidents/1) whose first line is \"" +
         std::string(kPoliceExtractIncidentsHeader) +
         "\", or a persons file (police-extract-persons/1) whose first line is \"" +
         std::string(kPoliceExtractPersonsHeader) + "\"";
}

}  // namespace

Result<PoliceExtractFile> IdentifyPoliceExtractFile(const std::string& file, std::string_view bytes) {
  HL_RETURN_IF_ERROR(CheckTextFile(file, bytes, ExpectedHeaders()));
  std::string_view first = FirstLine(bytes);
  if (first == kPoliceExtractIncidentsHeader) return PoliceExtractFile::kIncidents;
  if (first == kPoliceExtractPersonsHeader) return PoliceExtractFile::kPersons;
  return Status::RejectedInput("the header is " + QuotedForMessage(first) + "; " + ExpectedHeaders(),
                               {file, 1, ""});
}

// ------------------------------------------------------------------ persons ---

PoliceExtractPersons::PoliceExtractPersons(std::string file, std::string_view bytes)
    : file_(std::move(file)) {
  CsvReader reader(bytes);
  CsvRecord record;
  reader.Next(&record);  // the header, checked before the load began
  // (incident id, person key, role) -> the line that first had it.
  std::unordered_map<std::string, int64_t> seen;
  std::string incident_id;
  while (reader.Next(&record)) {
    // A final empty line is the file's last line ending, not a blank record.
    if (record.blank && reader.offset() >= bytes.size()) break;
    ++rows_;
    Row row;
    QuarantinedRow rejected;
    if (!Parse(record, &incident_id, &row, &rejected)) {
      refused_.push_back(std::move(rejected));
      continue;
    }
    std::string identity =
        incident_id + '\x1f' + row.involvement.person_key + '\x1f' + RoleName(row.involvement.role);
    auto [at, added] = seen.try_emplace(identity, record.line);
    if (!added) {
      FillQuarantined(
          {Agency::kPoliceExtract, file_, 0}, record, kPersonColumns, kPersonKey, record.fields[kPersonKey],
          "person_key " + QuotedForMessage(row.involvement.person_key) + " already has the role " +
              RoleName(row.involvement.role) + " in incident " + QuotedForMessage(incident_id) + " (line " +
              std::to_string(at->second) + "); a person has each role in an incident once",
          &rejected);
      refused_.push_back(std::move(rejected));
      continue;
    }
    by_incident_[incident_id].push_back(std::move(row));
  }
}

bool PoliceExtractPersons::Parse(const CsvRecord& record, std::string* incident_id, Row* row,
                                 QuarantinedRow* rejected) {
  const SourceRef source{Agency::kPoliceExtract, file_, 0};
  if (!CheckRecordShape(source, record, kPersonColumns, "a persons record", kFormat, rejected)) return false;
  auto refuse = [&](int column, std::string reason) {
    FillQuarantined(source, record, kPersonColumns, column, record.fields[column], std::move(reason),
                    rejected);
    return false;
  };
  const auto& f = record.fields;
  if (f[kPersonIncidentId].empty()) return refuse(kPersonIncidentId, Required("incident_id"));
  if (!IsIncidentId(f[kPersonIncidentId])) {
    return refuse(kPersonIncidentId,
                  "cannot read " + QuotedForMessage(f[kPersonIncidentId]) +
                      " as an incident_id (expected 1 to 40 letters, digits, \"-\", \"/\" or "
                      "\"_\")");
  }
  if (f[kRole].empty()) return refuse(kRole, Required("role"));
  auto role = std::find(kRoles.begin(), kRoles.end(), f[kRole]);
  if (role == kRoles.end()) return refuse(kRole, Unknown("role", f[kRole], kRoles));
  if (f[kPersonKey].empty()) return refuse(kPersonKey, Required("person_key"));
  if (!IsIdentifier(f[kPersonKey], 64, "-_")) {
    return refuse(kPersonKey, "cannot read " + QuotedForMessage(f[kPersonKey]) +
                                  " as a person_key (expected 1 to 64 letters, digits, \"-\" or \"_\")");
  }
  std::optional<AgeRange> age;
  if (!f[kAge].empty()) {
    std::optional<int> years = ParseSmallWholeNumber(f[kAge]);
    if (!years) {
      return refuse(kAge, "cannot read " + QuotedForMessage(f[kAge]) +
                              " as an age (expected whole years, no sign or decimals, e.g. 19)");
    }
    if (*years > kOldestAgeYears) {
      return refuse(kAge,
                    "age " + std::string(f[kAge]) + " is outside 0 to " + std::to_string(kOldestAgeYears));
    }
    age = AgeRange::Exact(*years);
  }
  if (f[kSex].empty()) return refuse(kSex, Required("sex"));
  auto sex = std::find(kSexes.begin(), kSexes.end(), f[kSex]);
  if (sex == kSexes.end()) return refuse(kSex, Unknown("sex", f[kSex], kSexes));

  static constexpr Sex kSexValues[] = {Sex::kFemale, Sex::kMale, Sex::kOther, Sex::kUnknown};
  incident_id->assign(f[kPersonIncidentId]);
  row->involvement = {std::string(f[kPersonKey]), static_cast<Role>(role - kRoles.begin()), age,
                      kSexValues[sex - kSexes.begin()]};
  row->line = record.line;
  row->raw = std::string(record.raw);
  return true;
}

// ---------------------------------------------------------------- incidents ---

PoliceExtractParser::PoliceExtractParser(std::string file, const ReferenceGeography& geography,
                                         PoliceExtractPersons* persons)
    : file_(std::move(file)), geography_(geography), persons_(persons) {}

bool PoliceExtractParser::Reject(const CsvRecord& record, int column, std::string_view value,
                                 std::string reason, QuarantinedRow* rejected) {
  FillQuarantined({Agency::kPoliceExtract, file_, 0}, record, kIncidentColumns, column, value,
                  std::move(reason), rejected);
  return false;
}

bool PoliceExtractParser::Parse(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected) {
  if (!CheckRecordShape({Agency::kPoliceExtract, file_, 0}, record, kIncidentColumns, "an incident record",
                        kFormat, rejected)) {
    return false;
  }
  const auto& f = record.fields;
  auto refuse = [&](int column, std::string reason) {
    return Reject(record, column, f[column], reason, rejected);
  };

  std::string_view id = f[kIncidentId];
  if (id.empty()) return refuse(kIncidentId, Required("incident_id"));
  if (!IsIncidentId(id)) {
    return refuse(kIncidentId,
                  "cannot read " + QuotedForMessage(id) +
                      " as an incident_id (expected 1 to 40 letters, digits, \"-\", \"/\" or \"_\")");
  }
  // The first row with an id owns it, good or bad; any later row with it is refused.
  int64_t owner_line = 0;
  if (auto stored = stored_ids_.find(std::string(id)); stored != stored_ids_.end())
    owner_line = stored->second;
  if (auto refused = refused_ids_.find(std::string(id)); refused != refused_ids_.end())
    owner_line = refused->second;
  if (owner_line > 0) {
    return refuse(kIncidentId, "incident_id " + QuotedForMessage(id) + " is repeated: line " +
                                   std::to_string(owner_line) +
                                   " already has it (an incident appears once in an incidents file)");
  }
  const bool good = ParseFields(record, incident, rejected);
  (good ? stored_ids_ : refused_ids_).emplace(std::string(id), record.line);
  return good;
}

bool PoliceExtractParser::ParseFields(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected) {
  const auto& f = record.fields;
  auto refuse = [&](int column, std::string reason) {
    return Reject(record, column, f[column], reason, rejected);
  };
  const std::string_view id = f[kIncidentId];

  // When: occurred_from, time_precision, occurred_to.
  if (f[kOccurredFrom].empty()) return refuse(kOccurredFrom, Required("occurred_from"));
  std::optional<int64_t> from = ParseLocalDateTime(f[kOccurredFrom]);
  if (!from) {
    return refuse(kOccurredFrom,
                  "cannot read " + QuotedForMessage(f[kOccurredFrom]) +
                      " as a date and time (expected YYYY-MM-DDTHH:MM, a real date, 24-hour time)");
  }
  if (f[kTimePrecision].empty()) return refuse(kTimePrecision, Required("time_precision"));
  if (!IsOneOf(f[kTimePrecision], kPrecisions)) {
    return refuse(kTimePrecision, Unknown("time_precision", f[kTimePrecision], kPrecisions));
  }
  const std::string_view precision = f[kTimePrecision];
  OccurredTime occurred;
  if (precision == "window") {
    if (f[kOccurredTo].empty()) {
      return refuse(kOccurredTo,
                    "occurred_to is empty but time_precision is window (a window needs its end)");
    }
    std::optional<int64_t> to = ParseLocalDateTime(f[kOccurredTo]);
    if (!to) {
      return refuse(kOccurredTo,
                    "cannot read " + QuotedForMessage(f[kOccurredTo]) +
                        " as a date and time (expected YYYY-MM-DDTHH:MM, a real date, 24-hour time)");
    }
    if (*to <= *from) {
      return refuse(kOccurredTo, "occurred_to " + std::string(f[kOccurredTo]) +
                                     " is not after occurred_from " + std::string(f[kOccurredFrom]) +
                                     " (a window ends after it starts)");
    }
    if (*to - *from > kMaxWindowMinutes) {
      return refuse(kOccurredTo, "occurred_to " + std::string(f[kOccurredTo]) +
                                     " is more than 31 days after "
                                     "occurred_from " +
                                     std::string(f[kOccurredFrom]) +
                                     " (a window is at most 31 days, 44,640 minutes)");
    }
    occurred = OccurredTime::Window(*from, *to);
  } else {
    if (!f[kOccurredTo].empty()) {
      return refuse(kOccurredTo, "occurred_to is given but time_precision is " + std::string(precision) +
                                     " (occurred_to is only for a window; leave it empty)");
    }
    if (precision == "day") {
      if (*from % 1440 != 0) {
        return refuse(kOccurredFrom, "time_precision is day but occurred_from " +
                                         QuotedForMessage(f[kOccurredFrom]) +
                                         " has a time of day (a day row's time must be T00:00)");
      }
      occurred = {*from, TimePrecision::kDay};
    } else {
      occurred = {*from, TimePrecision::kMinute};
    }
  }

  // What: offence_category, then offence_code (whose rule depends on the category).
  if (f[kOffenceCategory].empty()) return refuse(kOffenceCategory, Required("offence_category"));
  std::optional<CrimeType> type = CrimeTypeFromName(f[kOffenceCategory]);
  if (!type)
    return refuse(kOffenceCategory, Unknown("offence_category", f[kOffenceCategory], CrimeTypeNames()));
  const bool asb = *type == CrimeType::kAntiSocialBehaviour;
  if (asb && !f[kOffenceCode].empty()) {
    return refuse(kOffenceCode, "offence_code " + QuotedForMessage(f[kOffenceCode]) +
                                    " is given on an Anti-social behaviour row (anti-social behaviour has no "
                                    "offence code; leave it empty)");
  }
  if (!asb && f[kOffenceCode].empty()) {
    return refuse(kOffenceCode,
                  "offence_code is empty (a value is required on every row but Anti-social "
                  "behaviour)");
  }
  if (!asb && !IsOffenceCode(f[kOffenceCode])) {
    return refuse(kOffenceCode,
                  "cannot read " + QuotedForMessage(f[kOffenceCode]) +
                      " as an offence code (expected 1 to 3 digits, optionally \"/\" or \".\" and 1 "
                      "to 2 digits, then up to 2 capital letters, e.g. 8N, 105A, 4/1)");
  }
  if (f[kWeapon].empty()) return refuse(kWeapon, Required("weapon"));
  auto weapon = std::find(kWeapons.begin(), kWeapons.end(), f[kWeapon]);
  if (weapon == kWeapons.end()) return refuse(kWeapon, Unknown("weapon", f[kWeapon], kWeapons));
  std::optional<bool> domestic;
  if (f[kDomestic] == "Y") {
    domestic = true;
  } else if (f[kDomestic] == "N") {
    domestic = false;
  } else if (!f[kDomestic].empty()) {
    return refuse(kDomestic,
                  "unknown domestic " + QuotedForMessage(f[kDomestic]) + " (expected Y, N or empty)");
  }

  // Where: the exact point (both or neither) and the force's LSOA.
  std::optional<GeoPoint> point;
  const bool has_lon = !f[kLongitude].empty(), has_lat = !f[kLatitude].empty();
  if (has_lon != has_lat) {
    int missing = has_lon ? kLatitude : kLongitude;
    return refuse(missing, std::string(kIncidentColumns[missing]) + " is empty but " +
                               std::string(kIncidentColumns[has_lon ? kLongitude : kLatitude]) +
                               " is given (expected both or neither)");
  }
  if (has_lon) {
    std::optional<double> lon = ParseDecimalDegrees(f[kLongitude], 6);
    if (!lon) {
      return refuse(kLongitude,
                    "cannot read " + QuotedForMessage(f[kLongitude]) +
                        " as a longitude (expected decimal degrees with at most 6 decimal places, "
                        "e.g. -1.132160)");
    }
    std::optional<double> lat = ParseDecimalDegrees(f[kLatitude], 6);
    if (!lat) {
      return refuse(kLatitude, "cannot read " + QuotedForMessage(f[kLatitude]) +
                                   " as a latitude (expected decimal degrees with at most 6 decimal places, "
                                   "e.g. 52.634455)");
    }
    if (*lon < kMinLongitude || *lon > kMaxLongitude) {
      return refuse(kLongitude, "longitude " + std::string(f[kLongitude]) +
                                    " is outside the United Kingdom (expected -8.7 to 1.9)");
    }
    if (*lat < kMinLatitude || *lat > kMaxLatitude) {
      return refuse(kLatitude, "latitude " + std::string(f[kLatitude]) +
                                   " is outside the United Kingdom (expected 49.8 to 60.9)");
    }
    point = GeoPoint{*lon, *lat};
  }
  std::string_view lsoa = f[kLsoaCode];
  if (!lsoa.empty() && !IsLsoaCode(lsoa)) {
    return refuse(kLsoaCode,
                  "cannot read " + QuotedForMessage(lsoa) +
                      " as an LSOA code (expected a 2011 LSOA: E01 or W01 followed by six digits)");
  }
  if (!f[kOutcome].empty() && !IsOneOf(f[kOutcome], kOutcomes)) {
    return refuse(kOutcome, Unknown("outcome", f[kOutcome], kOutcomes));
  }
  if (asb && !f[kOutcome].empty()) {
    return refuse(kOutcome,
                  "outcome " + QuotedForMessage(f[kOutcome]) +
                      " is given on an Anti-social behaviour row (anti-social behaviour has no crime "
                      "outcome; leave it empty)");
  }

  // The row is good: overwrite every field of the (possibly reused) incident.
  static constexpr Weapon kWeaponValues[] = {Weapon::kKnifeOrSharp, Weapon::kFirearm, Weapon::kOther,
                                             Weapon::kNone, Weapon::kUnknown};
  Incident& inc = *incident;
  inc.source = {Agency::kPoliceExtract, file_, record.line};
  inc.source_id.assign(id);
  inc.occurred = occurred;
  inc.occurred_note = TimeNote::kNone;
  inc.crime_type = *type;
  inc.offence_code.assign(f[kOffenceCode]);
  inc.weapon = kWeaponValues[weapon - kWeapons.begin()];
  inc.domestic = domestic;
  inc.location.point = point;
  inc.location.description.clear();
  inc.location.lsoa_reported.assign(lsoa);
  inc.location.lsoa_by_point.clear();
  if (point) {
    if (const Lsoa* by_point = geography_.LsoaContaining(*point)) inc.location.lsoa_by_point = by_point->code;
  }
  // As for police.uk: the CSP area follows the force's own LSOA, and the polygon that
  // holds the point only when the force gave none.
  const Lsoa* area = geography_.FindLsoa(lsoa.empty() ? std::string_view(inc.location.lsoa_by_point) : lsoa);
  inc.location.csp_area = area ? area->csp_area : "";
  inc.location.method.assign(point          ? kLocationPointAsGiven
                             : lsoa.empty() ? kLocationNotGiven
                                            : kLocationLsoaOnly);
  inc.location.radius_metres = point ? std::optional<double>(0.0) : std::nullopt;
  inc.location.confidence = point || !lsoa.empty() ? 1.0 : 0.0;
  inc.location.type = LocationType::kUnknown;
  inc.outcome.assign(f[kOutcome]);
  inc.attendance = {};
  inc.involvements.clear();
  if (persons_) {
    auto people = persons_->by_incident_.find(std::string(id));
    if (people != persons_->by_incident_.end()) {
      for (PoliceExtractPersons::Row& row : people->second) {
        inc.involvements.push_back(std::move(row.involvement));
        persons_first_line_ = persons_rows_ == 0 ? row.line : std::min(persons_first_line_, row.line);
        persons_last_line_ = std::max(persons_last_line_, row.line);
        ++persons_rows_;
      }
      persons_->by_incident_.erase(people);
    }
  }
  inc.behaviours = TagBehaviours(inc);
  return true;
}

void PoliceExtractParser::QuarantineLeftOverPersons(std::vector<QuarantinedRow>* out) {
  std::vector<QuarantinedRow> left;
  for (auto& [incident_id, rows] : persons_->by_incident_) {
    std::string reason;
    if (auto refused = refused_ids_.find(incident_id); refused != refused_ids_.end()) {
      reason = "incident " + QuotedForMessage(incident_id) + " was quarantined (line " +
               std::to_string(refused->second) + " of " + file_ +
               "): fix that row and load both files of the extract again";
    } else {
      reason = "no incident " + QuotedForMessage(incident_id) + " in the incidents file of this extract (" +
               file_ + ")";
    }
    for (PoliceExtractPersons::Row& row : rows) {
      QuarantinedRow q;
      q.source = {Agency::kPoliceExtract, persons_->file_, row.line};
      q.column = std::string(kPersonColumns[kPersonIncidentId]);
      q.column_index = kPersonIncidentId;
      q.value = incident_id;
      q.reason = reason;
      q.raw = std::move(row.raw);
      left.push_back(std::move(q));
    }
  }
  persons_->by_incident_.clear();
  std::sort(left.begin(), left.end(),
            [](const QuarantinedRow& a, const QuarantinedRow& b) { return a.source.line < b.source.line; });
  for (QuarantinedRow& q : left) out->push_back(std::move(q));
}

void PoliceExtractParser::CloseBatch(IncidentBatch* batch, bool last) {
  batch->involvement_rows.reset();
  if (!persons_) return;
  InvolvementRows part;
  if (!refused_persons_sent_) {
    part.quarantined = std::move(persons_->refused_);
    refused_persons_sent_ = true;
  }
  if (last) QuarantineLeftOverPersons(&part.quarantined);
  if (persons_rows_ == 0 && part.quarantined.empty()) return;
  int64_t first = persons_rows_ > 0 ? persons_first_line_ : INT64_MAX;
  int64_t last_line = persons_rows_ > 0 ? persons_last_line_ : 0;
  for (const QuarantinedRow& q : part.quarantined) {
    first = std::min(first, q.source.line);
    last_line = std::max(last_line, q.source.line);
  }
  part.first_line = first;
  part.last_line = last_line;
  part.batch_no = persons_batch_no_++;
  batch->involvement_rows = std::move(part);
  persons_rows_ = persons_first_line_ = persons_last_line_ = 0;
}

}  // namespace harmlens
