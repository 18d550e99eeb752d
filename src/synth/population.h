// The synthetic residents of LLR, computed on demand rather than stored: person ids are
// contiguous per LSOA (in reference-geography order, as many as the LSOA's mid-2018
// population times the scale), households are cut from blocks of consecutive ids, and
// every attribute (age, sex, names, postcode, adverse childhood experiences, propensity
// to offend) is a pure function of (seed, id). Memory is O(LSOAs) whatever the scale.
// Immutable after construction: safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/reference_geography.h"
#include "model/incident.h"
#include "synth/random.h"
#include "synth/tables.h"

namespace harmlens::synth {

enum class HouseholdKind : uint8_t {
  kSingle = 0,
  kCouple = 1,              // two adults, no children
  kCoupleWithChildren = 2,  // members 0 and 1 the parents, the rest their children
  kLoneParent = 3,          // member 0 the parent, the rest children
  kSharers = 4,             // unrelated adults
};
const char* HouseholdKindName(HouseholdKind kind);

// Adverse childhood experiences, as bits of Person::aces.
enum Ace : uint8_t {
  kAceDomesticAbuse = 1 << 0,
  kAceParentalImprisonment = 1 << 1,
  kAceParentalSubstanceMisuse = 1 << 2,
  kAceParentalMentalIllness = 1 << 3,
  kAceLookedAfter = 1 << 4,
  kAceSchoolExclusion = 1 << 5,
};
inline constexpr int kAceCount = 6;

inline constexpr int kMaxHouseholdSize = 12;

// Latent offending level: level 1 or more when u < kOccasionalOffending * sex * aces,
// level 2 when u < kProlificOffending * sex * aces, where u is uniform per person, sex is
// 1.6 for men and 0.4 for women, and aces is 1 + 1.5 * min(ACE count, 4).
inline constexpr double kOccasionalOffending = 0.03;
inline constexpr double kProlificOffending = 0.004;
inline constexpr double kOffendingSexMale = 1.6;
inline constexpr double kOffendingSexFemale = 0.4;
inline constexpr double kOffendingAceStep = 1.5;
inline constexpr int kOffendingAceCap = 4;
// No person with u at or above this is ever an offender (the largest threshold).
inline constexpr double kOffendingUniformBound =
    kOccasionalOffending * kOffendingSexMale * (1 + kOffendingAceStep * kOffendingAceCap);
// The uniform u of person `id` (a cheap pre-test before computing the household).
double OffendingUniform(uint64_t seed, int64_t id);

// Abuse between a household's adults now (Person::household_domestic_abuse) needs the
// household's abuse uniform below this bound (the largest probability any household has:
// 0.0896 x 4.2 x 1.3 = 0.489 for a lone parent of the highest adversity).
inline constexpr double kCurrentAbuseBound = 0.49;
double CurrentAbuseUniform(uint64_t seed, int64_t household);

// What selection needs: cheap to compute (no names).
struct Person {
  int64_t id = -1;
  int32_t lsoa = -1;         // index into ReferenceGeography::lsoas()
  int64_t household = -1;    // id of the household's first member
  int household_size = 0;
  int member = 0;            // 0-based position in the household
  HouseholdKind kind = HouseholdKind::kSingle;
  bool is_child = false;     // a child of the household's parent(s), any age
  Sex sex = Sex::kUnknown;
  int64_t birth_day = 0;     // days since 1970-01-01
  uint8_t aces = 0;          // Ace bits
  bool household_domestic_abuse = false;  // abuse between the adults of the household now
  uint8_t offending_level = 0;  // 0 none, 1 occasional, 2 prolific (latent, per person)
  int AceCount() const;
  int AgeOn(int64_t day) const;  // whole years on `day`
};

// Identifiers as they truly are (agencies hold these, with errors).
struct Identity {
  uint32_t given_name = 0;     // index into NameTables::given_names
  uint32_t surname = 0;        // index into NameTables::surnames: current surname
  uint32_t birth_surname = 0;  // differs from `surname` after a change
  std::string postcode;        // current
  std::string previous_postcode;  // the one before the last move ("" if never moved)
};

struct PopulationOptions {
  uint64_t seed = 0;
  double scale = 1.0;
  int64_t reference_day = 0;  // ages are drawn as on this day (the first day generated)
};

class Population {
 public:
  Population(const ReferenceGeography& geography, const NameTables& names, PopulationOptions options);

  int64_t size() const { return lsoa_start_.back(); }
  int64_t LsoaSize(int32_t lsoa) const { return lsoa_start_[lsoa + 1] - lsoa_start_[lsoa]; }
  int64_t LsoaStart(int32_t lsoa) const { return lsoa_start_[lsoa]; }
  int32_t LsoaOf(int64_t id) const;

  Person Get(int64_t id) const;
  // The household (its first member's id) that person `id` belongs to, and its size.
  int64_t HouseholdOf(int64_t id, int* size) const;
  // Fills `members` (up to kMaxHouseholdSize) with every member of `household`.
  int HouseholdMembers(int64_t household, Person* members) const;
  Identity IdentityOf(const Person& person) const;
  // Where the household lives: a fixed point inside its LSOA.
  GeoPoint HomePoint(const Person& person) const;
  // A uniformly random point inside LSOA `lsoa`.
  GeoPoint RandomPointIn(int32_t lsoa, Rng& rng) const;

  const ReferenceGeography& geography() const { return geography_; }
  const NameTables& names() const { return names_; }

 private:
  struct Block {
    int count = 0;
    int sizes[kMaxHouseholdSize] = {};
  };
  Block BlockPartition(int32_t lsoa, int64_t block) const;
  // Computes every member's household-level attributes, and the person-level ones (own
  // ACEs, offending) for all members or, when only_member >= 0, for that member alone.
  void BuildHousehold(int32_t lsoa, int64_t household, int size, Person* members, int only_member = -1) const;
  std::string PostcodeOf(int32_t lsoa, uint64_t unit_hash) const;

  const ReferenceGeography& geography_;
  const NameTables& names_;
  PopulationOptions options_;
  std::vector<int64_t> lsoa_start_;          // prefix sums, size lsoas + 1
  std::vector<int> lsoa_deprivation_;        // IMD decile per LSOA
  std::vector<std::vector<std::string>> outward_codes_;  // per LSOA: its outward code
  std::vector<int32_t> district_of_lsoa_;                // index into district_lsoas_
  std::vector<std::vector<int32_t>> district_lsoas_;     // LSOAs of each district
};

}  // namespace harmlens::synth
