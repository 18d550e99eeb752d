// A record of one event in one person's contact with a partner agency (youth offending,
// children's social care, school exclusions, probation, substance misuse, mental
// health), with the person's identifiers exactly as the agency holds them. Agency
// records are not incidents: they are the input to record linkage, and the identifiers
// in them are personal data (SECURITY.md). Plain values: no I/O, safe to copy.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.h"
#include "model/time.h"

namespace harmlens {

// Which agency holds the record. The names are the format's (docs/formats/
// agency-records.md); stored as the name, never the number.
enum class PartnerAgency : uint8_t {
  kYouthOffending = 0,
  kChildrensSocialCare = 1,
  kSchoolExclusions = 2,
  kProbation = 3,
  kSubstanceMisuse = 4,
  kMentalHealth = 5,
};
inline constexpr int kPartnerAgencyCount = 6;

const std::array<PartnerAgency, kPartnerAgencyCount>& AllPartnerAgencies();
std::string_view PartnerAgencyName(PartnerAgency agency);  // "youth_offending", ...
// Exact, case-sensitive match on the format's name.
std::optional<PartnerAgency> PartnerAgencyFromName(std::string_view name);
// The event types the format allows for `agency`, in the format's order.
const std::vector<std::string_view>& EventTypesOf(PartnerAgency agency);
bool IsEventTypeOf(PartnerAgency agency, std::string_view event_type);

struct AgencyRecord {
  SourceRef source;
  PartnerAgency agency = PartnerAgency::kYouthOffending;
  std::string record_id;   // the agency's reference for this record (not for the person)
  std::string event_type;  // one of EventTypesOf(agency)
  CivilDate event_date;
  // The person as the agency holds them: possibly misspelt, a nickname, a former
  // surname, a swapped day and month, an old postcode. Personal data.
  std::string given_name;
  std::string surname;
  std::optional<CivilDate> date_of_birth;
  Sex sex = Sex::kUnknown;
  std::string postcode;  // "" = not held

  bool operator==(const AgencyRecord&) const = default;
};

}  // namespace harmlens
