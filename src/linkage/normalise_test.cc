// The normalisation test vectors published in docs/linkage.md ("Normalisation"): the
// expected values are the documented rules applied by hand.
#include "linkage/normalise.h"

#include <gtest/gtest.h>

namespace harmlens::linkage {
namespace {

TEST(Normalise, names_lose_case_spaces_hyphens_apostrophes_and_latin1_accents) {
  EXPECT_EQ(Normalise(Normaliser::kName, "O'Neill"), "oneill");
  EXPECT_EQ(Normalise(Normaliser::kName, "Jones-Patel"), "jonespatel");
  EXPECT_EQ(Normalise(Normaliser::kName, "  Mary Ann "), "maryann");
  EXPECT_EQ(Normalise(Normaliser::kName, "Jos\xC3\xA9"), "jose");    // José
  EXPECT_EQ(Normalise(Normaliser::kName, "Bj\xC3\xB6rk"), "bjork");  // Björk
  EXPECT_EQ(Normalise(Normaliser::kName,
                      "O\xE2\x80\x99"
                      "Brien"),
            "obrien");                                                        // O’Brien
  EXPECT_EQ(Normalise(Normaliser::kName, "\xC5\x81ukasz"), "\xC5\x81ukasz");  // Ł kept as it is
  EXPECT_EQ(Normalise(Normaliser::kName, "- '"), "");
}

TEST(Normalise, dates_become_yyyymmdd_or_missing) {
  EXPECT_EQ(Normalise(Normaliser::kDate, "2007-03-21"), "20070321");
  EXPECT_EQ(Normalise(Normaliser::kDate, "2007/03/21"), "20070321");
  EXPECT_EQ(Normalise(Normaliser::kDate, "19081209"), "19081209");
  EXPECT_EQ(Normalise(Normaliser::kDate, "2007-13-01"), "");
  EXPECT_EQ(Normalise(Normaliser::kDate, "2007-03-00"), "");
  EXPECT_EQ(Normalise(Normaliser::kDate, "21/03/2007"), "");
  EXPECT_EQ(Normalise(Normaliser::kDate, ""), "");
}

TEST(Normalise, postcodes_are_upper_case_without_spaces) {
  EXPECT_EQ(Normalise(Normaliser::kPostcode, "LE2 0QA"), "LE20QA");
  EXPECT_EQ(Normalise(Normaliser::kPostcode, "le11 3tu"), "LE113TU");
  EXPECT_EQ(Normalise(Normaliser::kPostcode, "LE2-0QA"), "");
  EXPECT_EQ(Normalise(Normaliser::kPostcode, "LE2"), "");
}

TEST(Normalise, sex_keeps_f_m_x_and_drops_unknown) {
  EXPECT_EQ(Normalise(Normaliser::kSex, "f"), "F");
  EXPECT_EQ(Normalise(Normaliser::kSex, "Male"), "M");
  EXPECT_EQ(Normalise(Normaliser::kSex, "X"), "X");
  EXPECT_EQ(Normalise(Normaliser::kSex, "U"), "");
}

TEST(Normalise, text_and_digits) {
  EXPECT_EQ(Normalise(Normaliser::kText, "  Tullaroop  Street,"), "tullaroop street");
  EXPECT_EQ(Normalise(Normaliser::kDigits, " 69a"), "69");
}

TEST(QGrams, are_padded_and_unique) {
  EXPECT_EQ(QGrams("jayden", 2), (std::vector<std::string>{"_j", "ja", "ay", "yd", "de", "en", "n_"}));
  EXPECT_EQ(QGrams("anna", 2), (std::vector<std::string>{"_a", "an", "nn", "na", "a_"}));
  EXPECT_EQ(QGrams("M", 1), (std::vector<std::string>{"M"}));
  EXPECT_TRUE(QGrams("", 2).empty());
}

// Russell's Soundex as the US National Archives define it (their worked examples).
TEST(Soundex, matches_the_national_archives_examples) {
  EXPECT_EQ(Soundex("washington"), "W252");
  EXPECT_EQ(Soundex("lee"), "L000");
  EXPECT_EQ(Soundex("gutierrez"), "G362");
  EXPECT_EQ(Soundex("pfister"), "P236");
  EXPECT_EQ(Soundex("jackson"), "J250");
  EXPECT_EQ(Soundex("tymczak"), "T522");
  EXPECT_EQ(Soundex("ashcraft"), "A261");
  EXPECT_EQ(Soundex(""), "");
}

}  // namespace
}  // namespace harmlens::linkage
