#include "linkage/comparators.h"

#include <gtest/gtest.h>

namespace harmlens::linkage {
namespace {

// Winkler's worked examples (Winkler 1990; also Wikipedia "Jaro-Winkler distance"):
// MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813.
TEST(JaroWinkler, reproduces_the_published_examples) {
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.9611, 1e-4);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.8400, 1e-4);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.8133, 1e-4);
  EXPECT_EQ(JaroWinkler("abc", "abc"), 1.0);
  EXPECT_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_EQ(JaroWinkler("", "abc"), 0.0);
}

TEST(DateSimilarity, grades_swaps_and_typing_errors) {
  EXPECT_EQ(DateSimilarity("20070321", "20070321"), 1.0);
  EXPECT_EQ(DateSimilarity("20070309", "20070903"), 0.8);  // day and month swapped
  EXPECT_EQ(DateSimilarity("20070321", "20070327"), 0.8);  // one digit
  EXPECT_EQ(DateSimilarity("20070321", "20080327"), 0.6);  // two digits
  EXPECT_EQ(DateSimilarity("20070321", "19991231"), 0.0);
}

TEST(PostcodeSimilarity, gives_part_credit_for_the_outward_code) {
  EXPECT_EQ(PostcodeSimilarity("LE20QA", "LE20QA"), 1.0);
  EXPECT_EQ(PostcodeSimilarity("LE20QA", "LE28XY"), 0.7);
  EXPECT_EQ(PostcodeSimilarity("LE20QA", "LE118XY"), 0.0);
}

// Hand count: a = bits {0, 1, 64}, b = {1, 64, 65, 100}; common 2 -> 2*2/(3+4).
TEST(DiceSimilarity, counts_common_bits_over_both_popcounts) {
  const uint64_t a[2] = {0b11, 0b1};
  const uint64_t b[2] = {0b10, 0b11 | (uint64_t{1} << 36)};
  EXPECT_NEAR(DiceSimilarity(a, b, 2, 3, 4), 4.0 / 7.0, 1e-12);
  const uint64_t zero[2] = {0, 0};
  EXPECT_EQ(DiceSimilarity(zero, zero, 2, 0, 0), 0.0);
}

}  // namespace
}  // namespace harmlens::linkage
