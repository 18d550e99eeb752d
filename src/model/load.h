// Accounting for one load of a partner file, and the rows it could not accept.
// Every load keeps the equation read = stored + already_present + quarantined exactly.
#pragma once

#include <cstdint>
#include <string>

#include "model/incident.h"

namespace harmlens {

struct LoadCounts {
  int64_t read = 0;             // data rows read (the header is not a row)
  int64_t stored = 0;           // rows that became new incidents
  int64_t already_present = 0;  // rows whose incident was stored by an earlier load or row
  int64_t quarantined = 0;      // rows refused, each with a reason

  bool Balanced() const { return read == stored + already_present + quarantined; }
  LoadCounts& operator+=(const LoadCounts& other) {
    read += other.read;
    stored += other.stored;
    already_present += other.already_present;
    quarantined += other.quarantined;
    return *this;
  }
  bool operator==(const LoadCounts&) const = default;
};

// A row refused by an adapter. Nothing is lost: the raw text is kept with the reason.
struct QuarantinedRow {
  SourceRef source;
  std::string column;     // the column at fault as the file names it ("" = whole row)
  int column_index = -1;  // 0-based; -1 = whole row
  std::string value;      // the offending value
  std::string reason;     // what is wrong and what was expected
  std::string raw;        // the whole row as it was in the file
};

}  // namespace harmlens
