// The partner agency records adapter (docs/formats/agency-records.md): one event in one
// person's contact with youth offending, children's social care, school exclusions,
// probation, substance misuse or mental health services, with the person's identifiers
// as the agency holds them. Each row becomes an AgencyRecord or a QuarantinedRow. The
// identifiers are personal data: a message names the field at fault but never repeats
// an identifier (it stays in the quarantined row's value and raw text, for the data
// lead), and a wrong file is refused without quoting its first line. Pure: no I/O, no
// store; one parser per file, used from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/csv.h"
#include "base/status.h"
#include "model/agency_record.h"
#include "model/load.h"

namespace harmlens {

inline constexpr std::string_view kAgencyRecordsFeed = "agency-records";
inline constexpr std::string_view kAgencyRecordsHeader =
    "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode";
// The same header with the optional tenth column `factors` (children's social care
// assessment factors, docs/formats/agency-records.md). Files of either header load.
inline constexpr std::string_view kAgencyRecordsHeaderWithFactors =
    "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode,factors";

// OK if `bytes` start with the agency-records/1 header (a UTF-8 BOM and CRLF allowed);
// otherwise RejectedInput naming `file`, the first differing field and the expected
// header, without the file's first line (it may be a person's record).
Status CheckAgencyRecordsHeader(const std::string& file, std::string_view bytes);

// True if `bytes` start with the header that has the `factors` column.
bool AgencyRecordsHaveFactors(std::string_view bytes);

// A UK postcode in one of the six shapes (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA,
// AA9A 9AA), upper case, one space.
bool IsUkPostcode(std::string_view postcode);

// A name as the format allows it: letters (any script), space, hyphen, apostrophe.
bool IsPersonName(std::string_view name);

class AgencyRecordParser {
 public:
  // `with_factors`: the file's header has the tenth column `factors`.
  explicit AgencyRecordParser(std::string file, bool with_factors = false);

  // One data record (not the header): fills `record` (every field overwritten) and
  // returns true, or fills `rejected` and returns false.
  bool Parse(const CsvRecord& csv, AgencyRecord* record, QuarantinedRow* rejected);

 private:
  bool ParseFields(const CsvRecord& csv, AgencyRecord* record, QuarantinedRow* rejected);

  std::string file_;
  bool with_factors_ = false;
  // "agency/record_id" -> the line of its first row: a record id appears once an agency.
  std::unordered_map<std::string, int64_t> records_;
};

}  // namespace harmlens
