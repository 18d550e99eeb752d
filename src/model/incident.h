// The canonical incident every feed is turned into, with the people involved in it.
// police.uk fills only some fields (month, snapped point, category); the police extract
// and A&E feeds fill more. Plain values: no I/O, safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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

struct IncidentLocation {
  std::optional<GeoPoint> point;
  std::string description;      // e.g. police.uk "On or near Granby Street"
  std::string lsoa_reported;    // the LSOA code the source gave ("" if none)
  std::string lsoa_by_point;    // the LSOA whose polygon contains the point ("" if none)
  std::string csp_area;         // district (CSP area) code, "" outside LLR or unknown
};

enum class Role : uint8_t { kVictim = 0, kSuspect = 1, kOffender = 2, kWitness = 3 };
const char* RoleName(Role role);

enum class Sex : uint8_t { kUnknown = 0, kFemale = 1, kMale = 2, kOther = 3 };
const char* SexName(Sex sex);

// A person's part in one incident. `person_key` is the partner's pseudonymous key for
// the person (never a name); the same key in two incidents is the same person.
struct Involvement {
  std::string person_key;
  Role role = Role::kVictim;
  std::optional<int> age_years;  // age at the time of the incident
  Sex sex = Sex::kUnknown;
};

struct Incident {
  SourceRef source;
  // The identifier that makes a record unique within its agency: the force's crime
  // id, or for police.uk anti-social behaviour rows (which have none) a content hash.
  std::string source_id;
  OccurredTime occurred;
  CrimeType crime_type = CrimeType::kOtherCrime;
  std::string offence_code;  // Home Office offence code where the feed has one
  Weapon weapon = Weapon::kUnknown;
  std::optional<bool> domestic;  // nullopt: the source does not say
  BehaviourSet behaviours;
  IncidentLocation location;
  std::string outcome;
  std::vector<Involvement> involvements;
};

}  // namespace harmlens
