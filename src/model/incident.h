// The canonical incident every feed is turned into, with the people involved in it.
// police.uk fills only some fields (month, snapped point, category); the police extract
// fills time to the minute, weapon, domestic flag, exact point and people; an A&E
// assault attendance (ISTV) fills what the department recorded about the assault and
// the patient. Plain values: no I/O, safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/crime_type.h"
#include "model/harmful_behaviour.h"
#include "model/time.h"

namespace harmlens {

// Which partner system a record came from. Stored as text; values are stable.
enum class Agency : uint8_t {
  kPoliceUk = 0,        // the public police.uk street-level file
  kPoliceExtract = 1,   // the force's richer internal extract
  kEmergencyDepartment = 2,  // A&E assault attendances (ISTV)
  kPartnerAgency = 3,   // youth offending, social care, education, probation, treatment
};
const char* AgencyName(Agency agency);

// Where a record came from, so every figure can be traced back to a line of a file.
struct SourceRef {
  Agency agency = Agency::kPoliceUk;
  std::string file;  // as named on the command line
  int64_t line = 0;  // 1-based physical line of the record
  bool operator==(const SourceRef&) const = default;
};

enum class Weapon : uint8_t {
  kUnknown = 0,  // the source does not say (police.uk never does)
  kNone = 1,
  kKnifeOrSharp = 2,
  kFirearm = 3,
  kOther = 4,
};
const char* WeaponName(Weapon weapon);

// WGS84 longitude/latitude in degrees, as the partner supplied it.
struct GeoPoint {
  double longitude = 0;
  double latitude = 0;
};

// The kind of place it happened, as A&E records it (ISTV `location_type`). Stored as
// the number; never renumber.
enum class LocationType : uint8_t {
  kUnknown = 0,  // not recorded (and never recorded by the police feeds)
  kHome = 1,     // the patient's home or another private dwelling
  kPublicPlace = 2,
  kLicensedPremises = 3,  // pub, bar, club, including just outside
  kSchoolOrCollege = 4,
  kWorkplace = 5,
  kOther = 6,
};
const char* LocationTypeName(LocationType type);

// How a location was found (IncidentLocation::method): the values harmlens writes.
// A geocoder adds its own, e.g. "gazetteer:street".
inline constexpr std::string_view kLocationPointAsGiven = "point as given";  // the source's exact point
inline constexpr std::string_view kLocationPoliceUkSnapPoint = "police.uk snap point";  // anonymised
inline constexpr std::string_view kLocationLsoaOnly = "lsoa only";  // the source gave an LSOA, no point
inline constexpr std::string_view kLocationNotGiven = "no location";  // the source gave no place
// A&E free text that could not be placed because no geocoder is built in yet.
inline constexpr std::string_view kLocationUnresolvedNoGeocoder = "unresolved: geocoder not available";

struct IncidentLocation {
  std::optional<GeoPoint> point;
  std::string description;      // e.g. police.uk "On or near Granby Street", A&E free text
  std::string lsoa_reported;    // the LSOA code the source gave ("" if none)
  std::string lsoa_by_point;    // the LSOA whose polygon contains the point ("" if none)
  std::string csp_area;         // district (CSP area) code, "" outside LLR or unknown
  // How good the location is, so analysis can weigh an A&E clerk's words geocoded to a
  // street against a force's exact point. `method` says how it was found (the constants
  // above); `radius_metres` how far from `point` the place may be (0: the point is the
  // place; nullopt: not known, e.g. police.uk does not publish how far it moves a
  // point); `confidence` how sure the method is that it found the right place, 0..1
  // (1 when the source itself gave it, 0 when unresolved).
  std::string method;
  std::optional<double> radius_metres;
  double confidence = 0;
  LocationType type = LocationType::kUnknown;
};

enum class Role : uint8_t { kVictim = 0, kSuspect = 1, kOffender = 2, kWitness = 3 };
const char* RoleName(Role role);

enum class Sex : uint8_t { kUnknown = 0, kFemale = 1, kMale = 2, kOther = 3 };
const char* SexName(Sex sex);

// An age in whole years at the time of the incident: exact (a → [a, a]) or a band
// (A&E bands, e.g. 15-17 → [15, 17]; 65+ → [65, kOldestAgeYears]), bounds inclusive.
// So "under 25" can be asked of both: EntirelyUnder(25) holds for 19 and for 18-24.
inline constexpr int kOldestAgeYears = 120;
struct AgeRange {
  int min_years = 0;
  int max_years = 0;

  static AgeRange Exact(int years) { return {years, years}; }
  bool IsExact() const { return min_years == max_years; }
  // Every age in the range is below `years` (18-24 is entirely under 25; 15-17 under 18).
  bool EntirelyUnder(int years) const { return max_years < years; }
  // Some age in the range is below `years`.
  bool PossiblyUnder(int years) const { return min_years < years; }
  std::string ToString() const;  // "19", "15-17", "65+"
  bool operator==(const AgeRange&) const = default;
};

// A person's part in one incident. `person_key` is the partner's pseudonymous key for
// the person (never a name); the same key in two incidents is the same person. An
// empty key means the source names no person: A&E data is anonymised at source, so an
// attendance's patient is an involvement without a person.
struct Involvement {
  std::string person_key;
  Role role = Role::kVictim;
  std::optional<AgeRange> age;  // at the time of the incident; nullopt = not known
  Sex sex = Sex::kUnknown;
};

// What an emergency department recorded about an assault (ISTV). Values are stored as
// numbers; never renumber.
enum class AssaultMethod : uint8_t {
  kUnknown = 0,  // the patient did not say (and never recorded by the police feeds)
  kBodyPart = 1,  // fists, feet, head
  kBluntObject = 2,
  kKnifeOrSharp = 3,  // including broken glass
  kFirearm = 4,       // including air weapons
  kOther = 5,         // see AssaultAttendance::method_other
};
const char* AssaultMethodName(AssaultMethod method);

enum class AssailantRelationship : uint8_t {
  kUnknown = 0,  // not recorded, or the patient did not know
  kStranger = 1,
  kAcquaintance = 2,
  kPartnerOrEx = 3,
  kFamilyMember = 4,
  kOther = 5,
};
const char* AssailantRelationshipName(AssailantRelationship relationship);

struct AssaultAttendance {
  std::optional<int64_t> arrival_minute;  // arrival at the department, local civil minutes
  AssaultMethod method = AssaultMethod::kUnknown;
  std::string method_other;  // the clerk's words when method is kOther, e.g. "bottle"
  AssailantRelationship assailant = AssailantRelationship::kUnknown;
  bool operator==(const AssaultAttendance&) const = default;
};

// A caveat on Incident::occurred that an analyst must see beside the figure. Stored as
// the number; never renumber.
enum class TimeNote : uint8_t {
  kNone = 0,
  // A&E recorded no assault date: `occurred` is the arrival at the department, which
  // may be hours (or days) after the assault.
  kArrivalNotAssault = 1,
  // A&E recorded an assault more than 7 days before the arrival: kept as recorded, to
  // be checked (docs/formats/istv.md).
  kAssaultWeekBeforeArrival = 2,
};
const char* TimeNoteName(TimeNote note);

struct Incident {
  SourceRef source;
  // The identifier that makes a record unique within its agency: the force's crime
  // id, or for police.uk anti-social behaviour rows (which have none) a content hash.
  std::string source_id;
  OccurredTime occurred;
  TimeNote occurred_note = TimeNote::kNone;
  CrimeType crime_type = CrimeType::kOtherCrime;
  std::string offence_code;  // Home Office offence code where the feed has one
  Weapon weapon = Weapon::kUnknown;
  std::optional<bool> domestic;  // nullopt: the source does not say
  BehaviourSet behaviours;
  IncidentLocation location;
  std::string outcome;
  AssaultAttendance attendance;  // A&E only; default (nothing recorded) for police feeds
  std::vector<Involvement> involvements;
};

}  // namespace harmlens
