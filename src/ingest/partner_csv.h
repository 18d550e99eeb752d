// What every adapter of a partner CSV shares: the checks that refuse a wrong file before
// anything is stored (empty, binary, another first line), the strict readers of the
// value shapes the formats have in common (LSOA codes, degrees, identifiers, whole
// numbers), and how a value is shown inside a message. Pure functions; thread-safe.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/csv.h"
#include "base/decimal.h"
#include "base/status.h"
#include "model/load.h"

namespace harmlens {

// The first line of `bytes` without a UTF-8 byte-order mark or its line ending.
std::string_view FirstLine(std::string_view bytes);

// RejectedInput naming `file` if `bytes` are empty or binary (a NUL byte in the first
// 4 KB): "the file is empty; <expected>". OK otherwise.
Status CheckTextFile(const std::string& file, std::string_view bytes, const std::string& expected);

// `value` in double quotes for a message, cut to 60 bytes (never inside a UTF-8
// character) with "..." when longer.
std::string QuotedForMessage(std::string_view value);

// 2011 LSOA codes: E01 (England) or W01 (Wales) and six digits.
inline bool IsLsoaCode(std::string_view code) {
  if (code.size() != 9 || (code[0] != 'E' && code[0] != 'W') || code[1] != '0' || code[2] != '1') {
    return false;
  }
  for (size_t i = 3; i < 9; ++i) {
    if (code[i] < '0' || code[i] > '9') return false;
  }
  return true;
}

// Decimal degrees as from_chars reads them (any finite number); nullopt otherwise.
// Inline: police.uk calls it twice a row.
inline std::optional<double> ParseDegrees(std::string_view text) {
  // The usual form ("-1.218983") exactly and fast; std::from_chars for the rest. The
  // general conversion was a tenth of police.uk row parsing.
  if (std::optional<double> usual = ParseShortDecimal(text)) return usual;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}
// Strict decimal degrees: an optional '-', digits, and optionally '.' and 1 to
// `max_decimals` digits. No '+', exponent, spaces or comma decimal mark.
std::optional<double> ParseDecimalDegrees(std::string_view text, int max_decimals);

// Great Britain and Northern Ireland with a margin; a point outside is a data error.
inline constexpr double kMinLongitude = -8.7, kMaxLongitude = 1.9;
inline constexpr double kMinLatitude = 49.8, kMaxLatitude = 60.9;

// Sets `to` to `value`, leaving it untouched when it already holds it: row after row
// of a reused record, that is cheaper than copying the same short text again.
inline void AssignIfChanged(std::string& to, std::string_view value) {
  if (to.size() != value.size() || std::memcmp(to.data(), value.data(), value.size()) != 0) to.assign(value);
}

// A whole number of 1 to 3 ASCII digits, no sign, no decimals; nullopt otherwise.
std::optional<int> ParseSmallWholeNumber(std::string_view text);

// True if `text` is 1..max_length characters, each an ASCII letter, digit, or one of
// `punctuation`.
bool IsIdentifier(std::string_view text, size_t max_length, std::string_view punctuation);

// The number of Unicode characters in valid UTF-8 `text`.
size_t CountCharacters(std::string_view text);

// "a, b or c" — for messages that list the allowed values of a closed list.
std::string ListForMessage(const std::vector<std::string_view>& values);

// The checks every adapter makes before reading a record's fields, in this order: a
// blank line ("the line is blank (expected <what>)"), bytes that are not UTF-8 ("the row
// is not valid UTF-8 text (<format> files are UTF-8)"), a malformed record (the CSV
// reader's message, at its field), a wrong number of fields. False, with `rejected`
// filled, if the record fails one.
bool CheckRecordShape(const SourceRef& source, const CsvRecord& record,
                      const std::vector<std::string_view>& columns, std::string_view what,
                      std::string_view format, QuarantinedRow* rejected);

// Fills the position and raw text of a refused row; the caller says what is wrong.
// `columns` are the file's column names (column -1 = the whole row).
void FillQuarantined(const SourceRef& source, const CsvRecord& record,
                     const std::vector<std::string_view>& columns, int column, std::string_view value,
                     std::string reason, QuarantinedRow* rejected);

}  // namespace harmlens
