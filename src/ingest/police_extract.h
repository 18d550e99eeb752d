// The police extract adapter (docs/formats/police-extract.md): the force's internal
// extract, two files that travel together and are told apart by their header. The
// persons file is read whole first (PoliceExtractPersons); each incidents row then
// becomes an Incident carrying its people as involvements, or a QuarantinedRow. Persons
// rows are accounted as rows of their own file's load, in the batches of their
// incidents. Pure: no I/O, no store; one parser per file, used from one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/csv.h"
#include "base/status.h"
#include "geo/reference_geography.h"
#include "model/incident.h"
#include "model/load.h"
#include "store/store.h"

namespace harmlens {

// Load feed names: the format of each file.
inline constexpr std::string_view kPoliceExtractIncidentsFeed = "police-extract-incidents";
inline constexpr std::string_view kPoliceExtractPersonsFeed = "police-extract-persons";
inline constexpr std::string_view kPoliceExtractIncidentsHeader =
    "incident_id,occurred_from,occurred_to,time_precision,offence_code,offence_category,weapon,domestic,"
    "longitude,latitude,lsoa_code,outcome";
inline constexpr std::string_view kPoliceExtractPersonsHeader = "incident_id,role,person_key,age,sex";

enum class PoliceExtractFile { kIncidents, kPersons };

// Which file of an extract `bytes` are, by the first line (a UTF-8 BOM and CRLF
// allowed); RejectedInput naming `file` and both expected headers otherwise.
Result<PoliceExtractFile> IdentifyPoliceExtractFile(const std::string& file, std::string_view bytes);

// A persons file read whole: each good row as an involvement waiting for its incident,
// and the rows refused on their own (a bad field, a repeated person and role).
class PoliceExtractPersons {
 public:
  // Reads every data row of `bytes` (the header was checked by the caller).
  PoliceExtractPersons(std::string file, std::string_view bytes);

  const std::string& file() const { return file_; }
  int64_t rows() const { return rows_; }

 private:
  friend class PoliceExtractParser;
  struct Row {
    Involvement involvement;
    int64_t line = 0;
    std::string raw;
  };
  bool Parse(const CsvRecord& record, std::string* incident_id, Row* row, QuarantinedRow* rejected);

  std::string file_;
  int64_t rows_ = 0;
  std::unordered_map<std::string, std::vector<Row>> by_incident_;
  std::vector<QuarantinedRow> refused_;  // in line order
};

class PoliceExtractParser {
 public:
  // `geography` must outlive the parser; `persons` (the persons file of the same
  // extract, or null when there is none) too, and the parser takes rows out of it.
  PoliceExtractParser(std::string file, const ReferenceGeography& geography, PoliceExtractPersons* persons);

  // One incidents record (not the header): fills `incident` (every field overwritten,
  // so one object may be reused) and returns true, or fills `rejected`.
  bool Parse(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected);

  // Attaches to `batch` the persons rows it accounts for: those now attached to its
  // incidents, the persons rows refused on their own (with the first batch), and, with
  // the `last` batch, every persons row whose incident never came (quarantined).
  void CloseBatch(IncidentBatch* batch, bool last);

 private:
  // Every field after the identity checks; fills `incident` only if all are good.
  bool ParseFields(const CsvRecord& record, Incident* incident, QuarantinedRow* rejected);
  bool Reject(const CsvRecord& record, int column, std::string_view value, std::string reason,
              QuarantinedRow* rejected);
  void QuarantineLeftOverPersons(std::vector<QuarantinedRow>* out);

  std::string file_;
  const ReferenceGeography& geography_;
  PoliceExtractPersons* persons_;
  std::unordered_map<std::string, int64_t> stored_ids_;   // incident id -> its line
  std::unordered_map<std::string, int64_t> refused_ids_;  // incident id -> line of a refused row
  // The persons rows of the batch being filled.
  int64_t persons_rows_ = 0;
  int64_t persons_first_line_ = 0;
  int64_t persons_last_line_ = 0;
  int64_t persons_batch_no_ = 0;
  bool refused_persons_sent_ = false;
};

}  // namespace harmlens
