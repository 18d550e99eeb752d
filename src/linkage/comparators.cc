#include "linkage/comparators.h"

#include <algorithm>
#include <bit>
#include <vector>

namespace harmlens::linkage {

double DiceSimilarity(const uint64_t* a, const uint64_t* b, int words, int popcount_a, int popcount_b) {
  if (popcount_a + popcount_b == 0) return 0.0;
  int common = 0;
  for (int w = 0; w < words; ++w) common += std::popcount(a[w] & b[w]);
  return 2.0 * common / (popcount_a + popcount_b);
}

double JaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  const int window = std::max(0, std::max(la, lb) / 2 - 1);
  std::vector<char> matched_a(la, 0);
  std::vector<char> matched_b(lb, 0);
  int matches = 0;
  for (int i = 0; i < la; ++i) {
    const int from = std::max(0, i - window);
    const int to = std::min(lb - 1, i + window);
    for (int j = from; j <= to; ++j) {
      if (matched_b[j] || a[i] != b[j]) continue;
      matched_a[i] = matched_b[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < la; ++i) {
    if (!matched_a[i]) continue;
    while (!matched_b[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = matches;
  const double jaro = (m / la + m / lb + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

double DateSimilarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() == 8 && b.size() == 8 && a.substr(0, 4) == b.substr(0, 4) &&
      a.substr(4, 2) == b.substr(6, 2) && a.substr(6, 2) == b.substr(4, 2)) {
    return 0.8;
  }
  if (a.size() != b.size()) return 0.0;
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i] != b[i];
  return differ == 1 ? 0.8 : differ == 2 ? 0.6 : 0.0;
}

double PostcodeSimilarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() > 3 && b.size() > 3 && a.substr(0, a.size() - 3) == b.substr(0, b.size() - 3)) return 0.7;
  return 0.0;
}

double PlaintextSimilarity(PlaintextComparator comparator, std::string_view a, std::string_view b) {
  switch (comparator) {
    case PlaintextComparator::kJaroWinkler:
      return JaroWinkler(a, b);
    case PlaintextComparator::kDate:
      return DateSimilarity(a, b);
    case PlaintextComparator::kPostcode:
      return PostcodeSimilarity(a, b);
    case PlaintextComparator::kExact:
      return a == b ? 1.0 : 0.0;
  }
  return 0.0;
}

}  // namespace harmlens::linkage
