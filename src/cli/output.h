// Writes result tables as an aligned text table, RFC 4180 CSV or JSON, the three
// formats every listing command offers.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace harmlens {

enum class OutputFormat { kTable, kCsv, kJson };

struct OutputTable {
  std::vector<std::string> columns;
  std::vector<bool> numeric;  // numeric columns are right-aligned and unquoted in JSON
  std::vector<std::vector<std::string>> rows;
};

void WriteTable(const OutputTable& table, OutputFormat format, std::ostream& out);

}  // namespace harmlens
