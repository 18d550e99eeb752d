#include "cli/output.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace harmlens {
namespace {

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void WriteTable(const OutputTable& table, OutputFormat format, std::ostream& out) {
  const size_t n = table.columns.size();
  auto is_numeric = [&](size_t c) { return c < table.numeric.size() && table.numeric[c]; };
  switch (format) {
    case OutputFormat::kCsv: {
      for (size_t c = 0; c < n; ++c) out << (c ? "," : "") << CsvField(table.columns[c]);
      out << '\n';
      for (const auto& row : table.rows) {
        for (size_t c = 0; c < n; ++c) out << (c ? "," : "") << CsvField(row[c]);
        out << '\n';
      }
      break;
    }
    case OutputFormat::kJson: {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& row : table.rows) {
        nlohmann::json obj = nlohmann::json::object();
        for (size_t c = 0; c < n; ++c) {
          if (is_numeric(c)) {
            obj[table.columns[c]] = std::stoll(row[c]);
          } else {
            obj[table.columns[c]] = row[c];
          }
        }
        rows.push_back(std::move(obj));
      }
      // Stored text comes from partner files and command lines and may not be valid
      // UTF-8; replace bad bytes with U+FFFD rather than throw.
      out << rows.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      break;
    }
    case OutputFormat::kTable: {
      std::vector<size_t> width(n);
      for (size_t c = 0; c < n; ++c) width[c] = table.columns[c].size();
      for (const auto& row : table.rows) {
        for (size_t c = 0; c < n; ++c) width[c] = std::max(width[c], row[c].size());
      }
      auto line = [&](const std::vector<std::string>& cells) {
        for (size_t c = 0; c < n; ++c) {
          std::string pad(width[c] - cells[c].size(), ' ');
          out << (c ? "  " : "") << (is_numeric(c) ? pad + cells[c] : cells[c] + (c + 1 < n ? pad : ""));
        }
        out << '\n';
      };
      line(table.columns);
      std::vector<std::string> rule;
      for (size_t c = 0; c < n; ++c) rule.push_back(std::string(width[c], '-'));
      line(rule);
      for (const auto& row : table.rows) line(row);
      break;
    }
  }
}

}  // namespace harmlens
