#include "ingest/partner_csv.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <random>
#include <string>

namespace harmlens {
namespace {

// What ParseDegrees accepted before it had a fast path: std::from_chars, whole text, finite.
std::optional<double> ByFromChars(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

void ExpectSameAsFromChars(const std::string& text) {
  std::optional<double> fast = ParseDegrees(text), reference = ByFromChars(text);
  ASSERT_EQ(fast.has_value(), reference.has_value()) << '"' << text << '"';
  if (fast) {
    EXPECT_EQ(std::bit_cast<uint64_t>(*fast), std::bit_cast<uint64_t>(*reference)) << '"' << text << '"';
  }
}

TEST(ParseDegrees, reads_every_text_exactly_as_from_chars_does) {
  for (const char* text : {"-1.218983", "52.622998", "0", "-0", "-0.0", "0.000000", "007.50", "5.", ".5", "-.5",
                           "-", "", "1e3", "1E-2", "+1.5", "0x1p3", "1.2.3", "1..2", "--1", "1-", " 1", "1 ", "inf",
                           "nan", "-inf", "123456789012345", "1234567890123456", "0.123456789012345",
                           "0.1234567890123456", "9007199254740993", "1,5", "١"}) {
    ExpectSameAsFromChars(text);
  }
  // Random decimals of 1 to 17 digits with the point anywhere, signed or not: the fast
  // path takes those of at most 15 digits, from_chars the rest.
  std::mt19937_64 rng(11);
  for (int n = 0; n < 200000; ++n) {
    const int digits = 1 + static_cast<int>(rng() % 17);
    std::string text = rng() % 2 ? "-" : "";
    const int point = static_cast<int>(rng() % (digits + 1));  // == digits: no point
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + rng() % 10);
    }
    ExpectSameAsFromChars(text);
  }
}

}  // namespace
}  // namespace harmlens
