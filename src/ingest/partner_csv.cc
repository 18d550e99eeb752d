#include "ingest/partner_csv.h"

#include <charconv>
#include <cmath>

namespace harmlens {

std::string_view FirstLine(std::string_view bytes) {
  if (HasUtf8Bom(bytes)) bytes.remove_prefix(3);
  size_t nl = bytes.find('\n');
  std::string_view line = bytes.substr(0, nl);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Status CheckTextFile(const std::string& file, std::string_view bytes, const std::string& expected) {
  if (bytes.empty()) return Status::RejectedInput("the file is empty; " + expected, {file, 0, ""});
  if (bytes.substr(0, 4096).find('\0') != std::string_view::npos) {
    return Status::RejectedInput("the file is binary, not text; " + expected, {file, 0, ""});
  }
  return Status::Ok();
}

std::string QuotedForMessage(std::string_view value) {
  constexpr size_t kMax = 60;
  size_t cut = value.size();
  if (cut > kMax) {
    // Cut before a character, never inside one: a message must stay valid UTF-8 (JSON
    // output refuses anything else).
    cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string shown(value.substr(0, cut));
  if (cut < value.size()) shown += "...";
  return "\"" + shown + "\"";
}

std::optional<double> ParseDecimalDegrees(std::string_view text, int max_decimals) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
  if (digits == 0 || digits > 3) return std::nullopt;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    size_t decimals = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++decimals;
    if (decimals == 0 || decimals > static_cast<size_t>(max_decimals) || i != text.size())
      return std::nullopt;
  }
  return ParseDegrees(text);
}

std::optional<int> ParseSmallWholeNumber(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool IsIdentifier(std::string_view text, size_t max_length, std::string_view punctuation) {
  if (text.empty() || text.size() > max_length) return false;
  for (char c : text) {
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && punctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

size_t CountCharacters(std::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;  // not a continuation byte
  }
  return n;
}

std::string ListForMessage(const std::vector<std::string_view>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += i + 1 == values.size() ? " or " : ", ";
    out += values[i];
  }
  return out;
}

void FillQuarantined(const SourceRef& source, const CsvRecord& record,
                     const std::vector<std::string_view>& columns, int column, std::string_view value,
                     std::string reason, QuarantinedRow* rejected) {
  rejected->source = source;
  rejected->source.line = record.line;
  rejected->column_index = column >= 0 && column < static_cast<int>(columns.size()) ? column : -1;
  rejected->column = rejected->column_index >= 0 ? std::string(columns[column]) : "";
  rejected->value = std::string(value);
  rejected->reason = std::move(reason);
  rejected->raw = std::string(record.raw);
}

bool CheckRecordShape(const SourceRef& source, const CsvRecord& record,
                      const std::vector<std::string_view>& columns, std::string_view what,
                      std::string_view format, QuarantinedRow* rejected) {
  auto refuse = [&](int column, std::string_view value, std::string reason) {
    FillQuarantined(source, record, columns, column, value, std::move(reason), rejected);
    return false;
  };
  if (record.blank) return refuse(-1, "", "the line is blank (expected " + std::string(what) + ")");
  if (!record.ascii && !IsValidUtf8(record.raw)) {
    return refuse(-1, "", "the row is not valid UTF-8 text (" + std::string(format) + " files are UTF-8)");
  }
  if (!record.error.empty()) {
    std::string_view value =
        record.error_field < record.fields.size() ? record.fields[record.error_field] : "";
    return refuse(static_cast<int>(record.error_field), value, record.error);
  }
  if (record.fields.size() != columns.size()) {
    return refuse(-1, "",
                  "expected " + std::to_string(columns.size()) + " fields, found " +
                      std::to_string(record.fields.size()) +
                      " (a field containing a comma must be in double quotes)");
  }
  return true;
}

}  // namespace harmlens
