#include "synth/identifiers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/testing.h"
#include "synth/calendar.h"
#include "model/time.h"

namespace harmlens::synth {
namespace {

// Optimal string alignment distance (Damerau: a transposition counts as one edit),
// written out here independently of the code under test.
int EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<int>> d(a.size() + 1, std::vector<int>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(Identifiers, a_typo_is_exactly_one_edit_and_always_changes_the_name) {
  Rng rng(5);
  for (const std::string name : {"Kayleigh", "Smith", "O'Neill", "Jones-Patel", "Ali", "Bo"}) {
    for (int i = 0; i < 200; ++i) {
      std::string typo = WithTypo(name, rng);
      EXPECT_NE(typo, name);
      // Case-blind: a transposed first letter keeps the capital in first place.
      EXPECT_EQ(EditDistance(Lower(typo), Lower(name)), 1) << name << " -> " << typo;
    }
  }
}

TEST(Identifiers, a_single_letter_cannot_take_a_typo) {
  Rng rng(5);
  EXPECT_EQ(WithTypo("A", rng), "A");
}

class HeldIdentifiersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tables = LoadNameTables(Env::Default(), harmlens::testing::DataDir() + "/synth");
    ASSERT_TRUE(tables.ok()) << tables.status().ToString();
    names_ = std::move(tables).value();
    person_.sex = Sex::kFemale;
    person_.birth_day = DaysFromCivil(2007, 3, 9);
    identity_.given_name = static_cast<uint32_t>(Index("Kayleigh"));
    identity_.surname = 0;
    identity_.birth_surname = 1;
    identity_.postcode = "LE2 0QA";
    identity_.previous_postcode = "LE4 9HF";
  }
  size_t Index(const std::string& name) {
    auto it = std::find(names_->given_names.begin(), names_->given_names.end(), name);
    return static_cast<size_t>(it - names_->given_names.begin());
  }
  std::unique_ptr<const NameTables> names_;
  Person person_;
  Identity identity_;
  const int64_t event_day_ = DaysFromCivil(2023, 6, 1);
};

TEST_F(HeldIdentifiersTest, with_no_errors_the_agency_holds_the_truth) {
  IdentifierErrorRates none{0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  Rng rng(1);
  HeldIdentifiers held = HoldIdentifiers(person_, identity_, *names_, none, event_day_, rng);
  EXPECT_EQ(held.given_name, "Kayleigh");
  EXPECT_EQ(held.surname, names_->surnames[0]);
  EXPECT_EQ(held.date_of_birth, "2007-03-09");
  EXPECT_EQ(held.sex, 'F');
  EXPECT_EQ(held.postcode, "LE2 0QA");
  EXPECT_EQ(held.errors, 0);
}

TEST_F(HeldIdentifiersTest, each_planted_error_is_reported_and_visible) {
  Rng rng(1);
  IdentifierErrorRates r{0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  r.dob_swapped = 1;
  HeldIdentifiers held = HoldIdentifiers(person_, identity_, *names_, r, event_day_, rng);
  EXPECT_EQ(held.date_of_birth, "2007-09-03");
  EXPECT_EQ(held.errors, kErrDobSwapped);

  r = {0, 0, 0, 1, 0, 0, 0, 0, 0, 1};  // former surname, outdated postcode
  held = HoldIdentifiers(person_, identity_, *names_, r, event_day_, rng);
  EXPECT_EQ(held.surname, names_->surnames[1]);
  EXPECT_EQ(held.postcode, "LE4 9HF");
  EXPECT_EQ(held.errors, kErrSurnameFormer | kErrPostcodeOutdated);

  r = {1, 0, 0, 0, 0, 0, 1, 1, 1, 0};  // variant, missing date of birth, sex unknown, no postcode
  held = HoldIdentifiers(person_, identity_, *names_, r, event_day_, rng);
  const auto& variants = names_->variants[Index("Kayleigh")];
  EXPECT_TRUE(std::any_of(variants.begin(), variants.end(), [&](const NameVariant& v) { return v.text == held.given_name; }));
  EXPECT_EQ(held.date_of_birth, "");
  EXPECT_EQ(held.sex, 'U');
  EXPECT_EQ(held.postcode, "");
  EXPECT_EQ(held.errors, kErrGivenVariant | kErrDobMissing | kErrSexUnknown | kErrPostcodeMissing);
}

TEST_F(HeldIdentifiersTest, a_swap_never_puts_birth_after_the_event) {
  // Born 5 February 2023: swapped it would be 2 May 2023, after a 1 March event.
  person_.birth_day = DaysFromCivil(2023, 2, 5);
  IdentifierErrorRates r{0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
  Rng rng(1);
  HeldIdentifiers held = HoldIdentifiers(person_, identity_, *names_, r, DaysFromCivil(2023, 3, 1), rng);
  EXPECT_EQ(held.date_of_birth, "2023-02-05");
  EXPECT_EQ(held.errors, 0);
}

}  // namespace
}  // namespace harmlens::synth
