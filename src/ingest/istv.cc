#include "ingest/istv.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "ingest/partner_csv.h"
#include "model/behaviour_rules.h"

namespace harmlens {
namespace {

enum Column {
  kPeriodStart = 0,
  kPeriodEnd,
  kSiteCode,
  kAttendanceId,
  kArrival,
  kAssaultDate,
  kAssaultTime,
  kAssaultMethod,
  kAssaultMethodOther,
  kLocationType,
  kLocationDescription,
  kAgeBand,
  kSex,
  kAssailantRelationship,
};
const std::vector<std::string_view> kColumns = {"period_start",
                                                "period_end",
                                                "site_code",
                                                "attendance_id",
                                                "arrival",
                                                "assault_date",
                                                "assault_time",
                                                "assault_method",
                                                "assault_method_other",
                                                "location_type",
                                                "location_description",
                                                "age_band",
                                                "sex",
                                                "assailant_relationship"};

constexpr std::string_view kFormat = "ISTV";
constexpr int kMaxPeriodDays = 366;
constexpr size_t kMaxFreeTextCharacters = 200;

// Closed lists in the format's order, and what each value means to harmlens.
const std::vector<std::string_view> kMethods = {"body_part", "blunt_object", "knife_or_sharp",
                                                "firearm",   "other",        "unknown"};
constexpr AssaultMethod kMethodValues[] = {AssaultMethod::kBodyPart,     AssaultMethod::kBluntObject,
                                           AssaultMethod::kKnifeOrSharp, AssaultMethod::kFirearm,
                                           AssaultMethod::kOther,        AssaultMethod::kUnknown};
// The weapon an assault method means (docs/formats/istv.md, "How harmlens reads it"): a
// blunt object or something else is "other", a body part "none".
constexpr Weapon kWeaponOfMethod[] = {Weapon::kNone,    Weapon::kOther, Weapon::kKnifeOrSharp,
                                      Weapon::kFirearm, Weapon::kOther, Weapon::kUnknown};
const std::vector<std::string_view> kLocationTypes = {
    "home", "public_place", "licensed_premises", "school_or_college", "workplace", "other", "unknown"};
constexpr LocationType kLocationTypeValues[] = {LocationType::kHome,
                                                LocationType::kPublicPlace,
                                                LocationType::kLicensedPremises,
                                                LocationType::kSchoolOrCollege,
                                                LocationType::kWorkplace,
                                                LocationType::kOther,
                                                LocationType::kUnknown};
const std::vector<std::string_view> kAgeBands = {"0-9",   "10-14", "15-17", "18-24", "25-34",
                                                 "35-44", "45-54", "55-64", "65+"};
constexpr AgeRange kAgeBandValues[] = {
    {0, 9}, {10, 14}, {15, 17}, {18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 64}, {65, kOldestAgeYears}};
const std::vector<std::string_view> kSexes = {"F", "M", "X", "U"};
constexpr Sex kSexValues[] = {Sex::kFemale, Sex::kMale, Sex::kOther, Sex::kUnknown};
const std::vector<std::string_view> kRelationships = {"stranger",      "acquaintance", "partner_or_ex",
                                                      "family_member", "other",        "unknown"};
constexpr AssailantRelationship kRelationshipValues[] = {
    AssailantRelationship::kStranger,    AssailantRelationship::kAcquaintance,
    AssailantRelationship::kPartnerOrEx, AssailantRelationship::kFamilyMember,
    AssailantRelationship::kOther,       AssailantRelationship::kUnknown};

// The position of `value` in `list`, or -1.
int IndexIn(std::string_view value, const std::vector<std::string_view>& list) {
  auto at = std::find(list.begin(), list.end(), value);
  return at == list.end() ? -1 : static_cast<int>(at - list.begin());
}

std::string ExpectedHeader() {
  return "expected an ISTV A&E assault attendances CSV (istv/1) whose first line is \"" +
         std::string(kIstvHeader) + "\"";
}

std::string Required(std::string_view column) {
  return std::string(column) + " is empty (a value is required)";
}

std::string Unknown(std::string_view column, std::string_view value,
                    const std::vector<std::string_view>& allowed) {
  return "unknown " + std::string(column) + " " + QuotedForMessage(value) + " (expected " +
         ListForMessage(allowed) + ")";
}

std::string CannotReadDate(std::string_view value) {
  return "cannot read " + QuotedForMessage(value) + " as a date (expected YYYY-MM-DD, a real date)";
}

}  // namespace

Status CheckIstvHeader(const std::string& file, std::string_view bytes) {
  HL_RETURN_IF_ERROR(CheckTextFile(file, bytes, ExpectedHeader()));
  std::string_view first = FirstLine(bytes);
  if (first != kIstvHeader) {
    return Status::RejectedInput("the header is " + QuotedForMessage(first) + "; " + ExpectedHeader(),
                                 {file, 1, ""});
  }
  return Status::Ok();
}

std::string_view DistrictOfSite(std::string_view site_code) {
  // LLR's type 1 emergency department (University Hospitals of Leicester). Urgent care
  // centres do not send ISTV returns.
  if (site_code == "RWEAA") return "E06000016";  // Leicester Royal Infirmary, Leicester
  return "";
}

IstvParser::IstvParser(std::string file, const ReferenceGeography& geography, const Geocoder* geocoder)
    : file_(std::move(file)), geography_(geography), geocoder_(geocoder) {}

bool IstvParser::Parse(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected) {
  const SourceRef source{Agency::kEmergencyDepartment, file_, 0};
  if (!CheckRecordShape(source, record, kColumns, "an attendance record", kFormat, rejected)) return false;
  const auto& f = record.fields;
  auto refuse = [&](int column, std::string reason) {
    FillQuarantined(source, record, kColumns, column, f[column], std::move(reason), rejected);
    return false;
  };
  // Identity first: an attendance appears once per site, so a repeat is refused even
  // when its other fields are good.
  if (f[kSiteCode].empty()) return refuse(kSiteCode, Required("site_code"));
  if (f[kSiteCode].size() < 3 || !IsIdentifier(f[kSiteCode], 6, "") ||
      std::any_of(f[kSiteCode].begin(), f[kSiteCode].end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return refuse(kSiteCode,
                  "cannot read " + QuotedForMessage(f[kSiteCode]) +
                      " as a site_code (expected an ODS site code: 3 to 6 capital letters or digits, "
                      "e.g. RWEAA)");
  }
  if (f[kAttendanceId].empty()) return refuse(kAttendanceId, Required("attendance_id"));
  if (!IsIdentifier(f[kAttendanceId], 40, "-_")) {
    return refuse(kAttendanceId,
                  "cannot read " + QuotedForMessage(f[kAttendanceId]) +
                      " as an attendance_id (expected 1 to 40 letters, digits, \"-\" or \"_\")");
  }
  std::string identity = std::string(f[kSiteCode]) + "/" + std::string(f[kAttendanceId]);
  auto [first, added] = attendances_.try_emplace(identity, record.line);
  if (!added) {
    return refuse(kAttendanceId, "attendance_id " + QuotedForMessage(f[kAttendanceId]) +
                                     " is repeated for site " + std::string(f[kSiteCode]) + ": line " +
                                     std::to_string(first->second) +
                                     " already has it (an attendance appears once per site)");
  }
  if (!ParseFields(record, incident, rejected)) return false;
  incident->source_id = std::move(identity);
  return true;
}

bool IstvParser::ParseFields(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected) {
  const SourceRef source{Agency::kEmergencyDepartment, file_, 0};
  const auto& f = record.fields;
  auto refuse = [&](int column, std::string reason) {
    FillQuarantined(source, record, kColumns, column, f[column], std::move(reason), rejected);
    return false;
  };

  // The reporting period.
  if (f[kPeriodStart].empty()) return refuse(kPeriodStart, Required("period_start"));
  std::optional<CivilDate> period_start = ParseCivilDate(f[kPeriodStart]);
  if (!period_start) return refuse(kPeriodStart, CannotReadDate(f[kPeriodStart]));
  if (f[kPeriodEnd].empty()) return refuse(kPeriodEnd, Required("period_end"));
  std::optional<CivilDate> period_end = ParseCivilDate(f[kPeriodEnd]);
  if (!period_end) return refuse(kPeriodEnd, CannotReadDate(f[kPeriodEnd]));
  const int64_t start_day = period_start->DaysSinceEpoch(), end_day = period_end->DaysSinceEpoch();
  if (end_day < start_day) {
    return refuse(kPeriodEnd, "period_end " + std::string(f[kPeriodEnd]) + " is before period_start " +
                                  std::string(f[kPeriodStart]));
  }
  if (end_day - start_day > kMaxPeriodDays) {
    return refuse(kPeriodEnd, "period_end " + std::string(f[kPeriodEnd]) +
                                  " is more than 366 days after "
                                  "period_start " +
                                  std::string(f[kPeriodStart]) + " (a reporting period is at most a year)");
  }

  // Arrival, then the assault: not after the arrival.
  if (f[kArrival].empty()) return refuse(kArrival, Required("arrival"));
  std::optional<int64_t> arrival = ParseLocalDateTime(f[kArrival]);
  if (!arrival) {
    return refuse(kArrival, "cannot read " + QuotedForMessage(f[kArrival]) +
                                " as a date and time (expected YYYY-MM-DDTHH:MM, a real date, 24-hour time)");
  }
  const int64_t arrival_day = *arrival / 1440;
  if (arrival_day < start_day || arrival_day > end_day) {
    return refuse(kArrival, "arrival " + std::string(f[kArrival]) + " is outside the row's period " +
                                std::string(f[kPeriodStart]) + " to " + std::string(f[kPeriodEnd]));
  }
  std::optional<CivilDate> assault_date;
  if (!f[kAssaultDate].empty()) {
    assault_date = ParseCivilDate(f[kAssaultDate]);
    if (!assault_date) return refuse(kAssaultDate, CannotReadDate(f[kAssaultDate]));
    if (assault_date->DaysSinceEpoch() > arrival_day) {
      return refuse(kAssaultDate, "assault_date " + std::string(f[kAssaultDate]) + " is after the arrival " +
                                      std::string(f[kArrival]) + " (an assault comes before its attendance)");
    }
  }
  std::optional<int> assault_time;
  if (!f[kAssaultTime].empty()) {
    if (!assault_date) {
      return refuse(kAssaultTime, "assault_time " + QuotedForMessage(f[kAssaultTime]) +
                                      " is given without an assault_date (a time needs its date)");
    }
    assault_time = ParseClockTime(f[kAssaultTime]);
    if (!assault_time) {
      return refuse(kAssaultTime, "cannot read " + QuotedForMessage(f[kAssaultTime]) +
                                      " as a time of day (expected HH:MM, 24-hour, 00:00 to 23:59)");
    }
    if (assault_date->DaysSinceEpoch() * 1440 + *assault_time > *arrival) {
      return refuse(kAssaultTime, "the assault at " + std::string(f[kAssaultDate]) + " " +
                                      std::string(f[kAssaultTime]) + " is after the arrival " +
                                      std::string(f[kArrival]) + " (an assault comes before its attendance)");
    }
  }

  // What happened, where, and to whom.
  if (f[kAssaultMethod].empty()) return refuse(kAssaultMethod, Required("assault_method"));
  const int method = IndexIn(f[kAssaultMethod], kMethods);
  if (method < 0) return refuse(kAssaultMethod, Unknown("assault_method", f[kAssaultMethod], kMethods));
  if (CountCharacters(f[kAssaultMethodOther]) > kMaxFreeTextCharacters) {
    return refuse(kAssaultMethodOther, "assault_method_other has " +
                                           std::to_string(CountCharacters(f[kAssaultMethodOther])) +
                                           " characters (at most 200)");
  }
  if (f[kLocationType].empty()) return refuse(kLocationType, Required("location_type"));
  const int location_type = IndexIn(f[kLocationType], kLocationTypes);
  if (location_type < 0)
    return refuse(kLocationType, Unknown("location_type", f[kLocationType], kLocationTypes));
  if (CountCharacters(f[kLocationDescription]) > kMaxFreeTextCharacters) {
    return refuse(kLocationDescription, "location_description has " +
                                            std::to_string(CountCharacters(f[kLocationDescription])) +
                                            " characters (at most 200)");
  }
  int age_band = -1;
  if (!f[kAgeBand].empty()) {
    age_band = IndexIn(f[kAgeBand], kAgeBands);
    if (age_band < 0) return refuse(kAgeBand, Unknown("age_band", f[kAgeBand], kAgeBands));
  }
  if (f[kSex].empty()) return refuse(kSex, Required("sex"));
  const int sex = IndexIn(f[kSex], kSexes);
  if (sex < 0) return refuse(kSex, Unknown("sex", f[kSex], kSexes));
  int relationship = -1;
  if (!f[kAssailantRelationship].empty()) {
    relationship = IndexIn(f[kAssailantRelationship], kRelationships);
    if (relationship < 0) {
      return refuse(kAssailantRelationship,
                    Unknown("assailant_relationship", f[kAssailantRelationship], kRelationships));
    }
  }

  // The row is good: overwrite every field of the (possibly reused) incident.
  Incident& inc = *incident;
  inc.source = {Agency::kEmergencyDepartment, file_, record.line};
  // When: the assault as reported (to the minute, or the day), else the arrival.
  inc.occurred_note = TimeNote::kNone;
  if (assault_date && assault_time) {
    inc.occurred = {assault_date->DaysSinceEpoch() * 1440 + *assault_time, TimePrecision::kMinute};
  } else if (assault_date) {
    inc.occurred = {assault_date->DaysSinceEpoch() * 1440, TimePrecision::kDay};
  } else {
    inc.occurred = {*arrival, TimePrecision::kMinute};
    inc.occurred_note = TimeNote::kArrivalNotAssault;
  }
  if (assault_date && arrival_day - assault_date->DaysSinceEpoch() > kAssaultFlagAfterDays) {
    inc.occurred_note = TimeNote::kAssaultWeekBeforeArrival;
  }
  inc.crime_type = CrimeType::kViolenceAndSexualOffences;
  inc.offence_code.clear();
  inc.weapon = kWeaponOfMethod[method];
  const AssailantRelationship assailant =
      relationship < 0 ? AssailantRelationship::kUnknown : kRelationshipValues[relationship];
  if (assailant == AssailantRelationship::kPartnerOrEx || assailant == AssailantRelationship::kFamilyMember) {
    inc.domestic = true;
  } else if (assailant == AssailantRelationship::kStranger ||
             assailant == AssailantRelationship::kAcquaintance) {
    inc.domestic = false;
  } else {
    inc.domestic.reset();
  }
  inc.attendance = {*arrival, kMethodValues[method], std::string(f[kAssaultMethodOther]), assailant};
  inc.outcome.clear();
  Locate(f[kLocationDescription], f[kSiteCode], &inc.location);
  inc.location.type = kLocationTypeValues[location_type];
  inc.involvements.assign(
      1, Involvement{"", Role::kVictim,
                     age_band < 0 ? std::nullopt : std::optional<AgeRange>(kAgeBandValues[age_band]),
                     kSexValues[sex]});
  // The night-time economy rule needs the time of the assault: an arrival time stands in
  // for it in `occurred`, but is not evidence of a Friday or Saturday night assault.
  if (inc.occurred_note == TimeNote::kArrivalNotAssault) {
    Incident as_day = inc;
    as_day.occurred.precision = TimePrecision::kDay;
    inc.behaviours = TagBehaviours(as_day);
  } else {
    inc.behaviours = TagBehaviours(inc);
  }
  return true;
}

void IstvParser::Locate(std::string_view text, std::string_view site_code, IncidentLocation* location) const {
  location->description.assign(text);
  location->point.reset();
  location->lsoa_reported.clear();
  location->lsoa_by_point.clear();
  location->csp_area.clear();
  location->radius_metres.reset();
  location->confidence = 0;
  if (text.empty()) {
    location->method.assign(kLocationNotGiven);
    return;
  }
  if (!geocoder_) {
    location->method.assign(kLocationUnresolvedNoGeocoder);
    return;
  }
  GeocodeResult result = geocoder_->Geocode(text, {std::string(DistrictOfSite(site_code))});
  if (!result.resolved) {
    location->method = "unresolved: " + std::string(UnresolvedReasonName(result.reason));
    return;
  }
  location->method = "gazetteer:" + result.MethodLabel();
  location->point = result.point;
  location->radius_metres = result.radius_m;
  location->confidence = result.confidence;
  if (const Lsoa* lsoa = geography_.LsoaContaining(result.point)) {
    location->lsoa_by_point = lsoa->code;
    location->csp_area = lsoa->csp_area;
  } else {
    location->csp_area = result.district;  // a representative point just outside its polygons
  }
}

}  // namespace harmlens
