// Exact conversion of short decimal text ("-1.218983") to double without the general
// algorithm: the digits as an integer and a power of ten are both exact doubles when
// there are at most 15 digits, so one division is correctly rounded (Clinger's fast
// path), as std::from_chars is. Used where coordinates are read by the million.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace harmlens {

// The value of `text` if it is an optional '-', one or more digits and optionally a
// '.' followed by one or more digits, 15 digits at most; otherwise nullopt (the caller
// converts such text in the general way).
inline std::optional<double> ParseShortDecimal(std::string_view text) {
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = !text.empty() && text[0] == '-';
  uint64_t digits = 0;
  int count = 0, decimals = -1;  // -1: no decimal point yet
  if (text.size() <= static_cast<size_t>(negative)) return std::nullopt;
  for (size_t i = negative; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits = digits * 10 + static_cast<uint64_t>(c - '0');
      ++count;
      if (decimals >= 0) ++decimals;
    } else if (c == '.' && decimals < 0 && count > 0) {  // one point, after a digit
      decimals = 0;
    } else {
      return std::nullopt;
    }
  }
  if (decimals == 0 || count > 15) return std::nullopt;  // a point must have digits after it
  const double value = static_cast<double>(digits) / kPowersOfTen[decimals < 0 ? 0 : decimals];
  return negative ? -value : value;
}

}  // namespace harmlens
