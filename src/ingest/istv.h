// The A&E assault attendances adapter: the ISTV minimum dataset (ISB 1594) with LLR's
// local extensions (docs/formats/istv.md). Each row becomes an Incident (Violence and
// sexual offences, agency emergency-department) whose one involvement is the patient as
// a victim with no person key (the data is anonymised at source), or a QuarantinedRow.
// The clerk's location text is geocoded when a Geocoder is given, and kept as text in
// every case. Pure: no I/O, no store; one parser per file, used from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/csv.h"
#include "base/status.h"
#include "geo/geocode.h"
#include "geo/reference_geography.h"
#include "model/incident.h"
#include "model/load.h"

namespace harmlens {

inline constexpr std::string_view kIstvFeed = "istv";
inline constexpr std::string_view kIstvHeader =
    "period_start,period_end,site_code,attendance_id,arrival,assault_date,assault_time,assault_method,"
    "assault_method_other,location_type,location_description,age_band,sex,assailant_relationship";

// An assault more than this many days before the arrival is kept but flagged
// (TimeNote::kAssaultWeekBeforeArrival), as docs/formats/istv.md asks.
inline constexpr int kAssaultFlagAfterDays = 7;

// OK if `bytes` start with the istv/1 header (a UTF-8 BOM and CRLF allowed); otherwise
// RejectedInput naming `file` and the expected header.
Status CheckIstvHeader(const std::string& file, std::string_view bytes);

// The district (CSP area) an LLR emergency department serves first, as a hint for the
// geocoder: RWEAA (Leicester Royal Infirmary) is in Leicester. "" for other sites.
std::string_view DistrictOfSite(std::string_view site_code);

class IstvParser {
 public:
  // `geography` and `geocoder` (null: no geocoding) must outlive the parser.
  IstvParser(std::string file, const ReferenceGeography& geography, const Geocoder* geocoder);

  // One data record (not the header): fills `incident` (every field overwritten, so one
  // object may be reused) and returns true, or fills `rejected` and returns false.
  bool Parse(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected);

 private:
  bool ParseFields(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected);
  void Locate(std::string_view text, std::string_view site_code, IncidentLocation* location) const;

  std::string file_;
  const ReferenceGeography& geography_;
  const Geocoder* geocoder_;
  // "site/attendance" -> the line of its first row: an attendance appears once a site.
  std::unordered_map<std::string, int64_t> attendances_;
};

}  // namespace harmlens
