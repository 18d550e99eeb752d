// Field comparators: Dice similarity of two Bloom filters (encoded mode) and the
// plaintext comparators (Jaro-Winkler, dates, postcodes, exact). Each returns a
// similarity in [0, 1]. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "linkage/schema.h"

namespace harmlens::linkage {

// 2|A∩B| / (|A|+|B|) over `words` 64-bit words, given the two popcounts.
double DiceSimilarity(const uint64_t* a, const uint64_t* b, int words, int popcount_a, int popcount_b);

// Jaro-Winkler (prefix scale 0.1, up to 4 characters), on bytes.
double JaroWinkler(std::string_view a, std::string_view b);

// Dates as YYYYMMDD: 1 equal; 0.8 day and month swapped or one digit different;
// 0.6 two digits different; 0 otherwise.
double DateSimilarity(std::string_view a, std::string_view b);

// Postcodes without spaces: 1 equal; 0.7 same outward code (all but the last three); 0 otherwise.
double PostcodeSimilarity(std::string_view a, std::string_view b);

double PlaintextSimilarity(PlaintextComparator comparator, std::string_view a, std::string_view b);

}  // namespace harmlens::linkage
