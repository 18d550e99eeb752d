#include "synth/population.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>

#include "synth/calendar.h"

namespace harmlens::synth {
namespace {

// Stream tags: each attribute draws from its own hash stream, so adding an attribute
// never shifts another. Values are part of the generator version: never change them.
enum Tag : uint64_t {
  kTagBlock = 0x101,
  kTagHousehold = 0x102,
  kTagPersonAces = 0x103,
  kTagOffending = 0x104,
  kTagGivenName = 0x105,
  kTagSurname = 0x106,
  kTagPostcodeUnit = 0x107,
  kTagPostcode = 0x108,
  kTagHome = 0x109,
  kTagMove = 0x10A,
  kTagOutward = 0x10B,
  kTagCurrentAbuse = 0x10C,
};

constexpr int kBlockSize = kMaxHouseholdSize;

// Base probabilities of the household ACEs, before the adversity multiplier (4.2, 1.4 or
// 0.45) and the lone-parent factors. Chosen so that the shares of all residents land on
// published figures that could be checked (docs/synthetic-llr.md, "Adverse childhood
// experiences"): domestic abuse 16%, parental mental illness 14% and parental substance
// misuse 16% (the Welsh ACE Study: alcohol 14% and drugs 5%, overlapping), parental
// imprisonment 4.7% (the CDC-Kaiser ACE Study).
constexpr double kDomesticAbuseBase = 0.153;
constexpr double kParentalImprisonmentBase = 0.042;
constexpr double kParentalSubstanceMisuseBase = 0.166;
constexpr double kParentalMentalIllnessBase = 0.146;
// Ever looked after: 1.3% of residents (modelled from DfE figures). Tripled where the
// family has domestic abuse, imprisonment or substance misuse, so it is lowered as those
// rise to keep the share.
constexpr double kLookedAfterBase = 0.0067;
// Abuse between a family's adults *now*, per unit of adversity. It feeds the pool of
// domestic-abuse victims, whose size sets how often victims repeat (45% more than once),
// and is not a childhood prevalence: it stays at its earlier value (0.8 x 0.112) when the
// childhood ACE is re-anchored. Below kDomesticAbuseBase, so current abuse in a family
// always means its children have the domestic-abuse ACE.
constexpr double kFamilyCurrentAbuseBase = 0.0896;
static_assert(kFamilyCurrentAbuseBase <= kDomesticAbuseBase);

// Households by size, England 2019 (ONS Families and households, rounded):
// 1: 29%, 2: 35%, 3: 16%, 4: 14%, 5: 4.5%, 6: 1.5%; as cumulative shares.
constexpr double kHouseholdSizeCumulative[] = {0.29, 0.64, 0.80, 0.94, 0.985, 1.0};

int DrawHouseholdSize(Rng& rng) {
  double u = rng.Uniform();
  int size = 1;
  while (size < 6 && u >= kHouseholdSizeCumulative[size - 1]) ++size;
  return size;
}

struct AgeBand {
  int lo, hi;  // inclusive years
  double weight;
};

// Band weights are in percent and sum to 100.
int DrawAge(Rng& rng, std::span<const AgeBand> bands) {
  double u = rng.Uniform() * 100;
  size_t i = 0;
  while (i + 1 < bands.size() && u >= bands[i].weight) u -= bands[i++].weight;
  return static_cast<int>(rng.Between(bands[i].lo, bands[i].hi));
}

constexpr AgeBand kSingleAges[] = {{18, 24, 8}, {25, 34, 14}, {35, 49, 16}, {50, 64, 22}, {65, 79, 22}, {80, 97, 18}};
constexpr AgeBand kCoupleAges[] = {{18, 24, 4}, {25, 34, 14}, {35, 49, 12}, {50, 64, 32}, {65, 79, 29}, {80, 95, 9}};
constexpr AgeBand kSharerAges[] = {{18, 24, 45}, {25, 34, 30}, {35, 64, 25}};

// Outward codes that really serve each district (a few each); inward codes are invented.
const std::map<std::string, std::vector<std::string>, std::less<>>& OutwardCodesByDistrict() {
  static const auto* kCodes = new std::map<std::string, std::vector<std::string>, std::less<>>{
      {"E06000016", {"LE1", "LE2", "LE3", "LE4", "LE5"}},
      {"E06000017", {"LE15"}},
      {"E07000129", {"LE8", "LE9", "LE19", "LE3"}},
      {"E07000130", {"LE11", "LE12", "LE7", "LE4"}},
      {"E07000131", {"LE16", "LE17", "LE8"}},
      {"E07000132", {"LE10", "LE9", "CV13"}},
      {"E07000133", {"LE13", "LE14"}},
      {"E07000134", {"LE67", "LE65", "DE74", "DE12"}},
      {"E07000135", {"LE18", "LE2"}},
  };
  return *kCodes;
}

// Letters allowed in the inward code of a UK postcode (no C, I, K, M, O, V).
constexpr char kInwardLetters[] = "ABDEFGHJLNPQRSTUWXYZ";

}  // namespace

const char* HouseholdKindName(HouseholdKind kind) {
  switch (kind) {
    case HouseholdKind::kSingle: return "single";
    case HouseholdKind::kCouple: return "couple";
    case HouseholdKind::kCoupleWithChildren: return "couple_with_children";
    case HouseholdKind::kLoneParent: return "lone_parent";
    case HouseholdKind::kSharers: return "sharers";
  }
  return "single";
}

int Person::AceCount() const { return std::popcount(static_cast<unsigned>(aces)); }

int Person::AgeOn(int64_t day) const {
  if (day < birth_day) return 0;
  // Whole years by the calendar: the birthday must have been reached.
  CivilDate born = CivilFromDays(birth_day);
  CivilDate now = CivilFromDays(day);
  int age = now.year - born.year;
  if (now.month < born.month || (now.month == born.month && now.day < born.day)) --age;
  return age;
}

Population::Population(const ReferenceGeography& geography, const NameTables& names, PopulationOptions options)
    : geography_(geography), names_(names), options_(options) {
  const auto& lsoas = geography.lsoas();
  lsoa_start_.assign(lsoas.size() + 1, 0);
  std::vector<std::string> district_codes;
  for (size_t i = 0; i < lsoas.size(); ++i) {
    auto residents = static_cast<int64_t>(std::llround(lsoas[i].population * options.scale));
    lsoa_start_[i + 1] = lsoa_start_[i] + residents;
    lsoa_deprivation_.push_back(lsoas[i].imd_decile);
    auto it = OutwardCodesByDistrict().find(lsoas[i].csp_area);
    std::vector<std::string> codes = it == OutwardCodesByDistrict().end() ? std::vector<std::string>{"LE1"} : it->second;
    // One outward code per LSOA, as postcode districts mostly nest LSOAs.
    size_t pick = Hash(options.seed, kTagOutward, i) % codes.size();
    outward_codes_.push_back({codes[pick]});
    size_t d = 0;
    while (d < district_codes.size() && district_codes[d] != lsoas[i].csp_area) ++d;
    if (d == district_codes.size()) {
      district_codes.push_back(lsoas[i].csp_area);
      district_lsoas_.emplace_back();
    }
    district_of_lsoa_.push_back(static_cast<int32_t>(d));
    district_lsoas_[d].push_back(static_cast<int32_t>(i));
  }
}

int32_t Population::LsoaOf(int64_t id) const {
  auto it = std::upper_bound(lsoa_start_.begin(), lsoa_start_.end(), id);
  return static_cast<int32_t>(it - lsoa_start_.begin()) - 1;
}

Population::Block Population::BlockPartition(int32_t lsoa, int64_t block) const {
  Block out;
  int64_t remaining = std::min<int64_t>(kBlockSize, LsoaSize(lsoa) - block * kBlockSize);
  Rng rng(Hash(options_.seed, kTagBlock, static_cast<uint64_t>(lsoa), static_cast<uint64_t>(block)));
  while (remaining > 0) {
    int size = DrawHouseholdSize(rng);
    if (size > remaining) size = static_cast<int>(remaining);
    out.sizes[out.count++] = size;
    remaining -= size;
  }
  return out;
}

double CurrentAbuseUniform(uint64_t seed, int64_t household) {
  return UnitFromBits(Hash(seed, kTagCurrentAbuse, static_cast<uint64_t>(household)));
}

double OffendingUniform(uint64_t seed, int64_t id) {
  return UnitFromBits(Hash(seed, kTagOffending, static_cast<uint64_t>(id)));
}

void Population::BuildHousehold(int32_t lsoa, int64_t household, int size, Person* members, int only_member) const {
  Rng rng(Hash(options_.seed, kTagHousehold, static_cast<uint64_t>(household)));
  const int64_t ref = options_.reference_day;
  HouseholdKind kind = HouseholdKind::kSingle;
  if (size == 2) {
    double u = rng.Uniform();
    kind = u < 0.68 ? HouseholdKind::kCouple : u < 0.88 ? HouseholdKind::kLoneParent : HouseholdKind::kSharers;
  } else if (size >= 3) {
    double u = rng.Uniform();
    kind = u < 0.66 ? HouseholdKind::kCoupleWithChildren : u < 0.82 ? HouseholdKind::kLoneParent : HouseholdKind::kSharers;
  }
  int ages[kMaxHouseholdSize];
  Sex sexes[kMaxHouseholdSize];
  bool child[kMaxHouseholdSize] = {};
  switch (kind) {
    case HouseholdKind::kSingle: {
      ages[0] = DrawAge(rng, kSingleAges);
      sexes[0] = rng.Chance(ages[0] >= 65 ? 0.62 : 0.48) ? Sex::kFemale : Sex::kMale;
      break;
    }
    case HouseholdKind::kCouple: {
      ages[0] = DrawAge(rng, kCoupleAges);
      ages[1] = std::max(18, ages[0] + static_cast<int>(rng.Between(-4, 6)));
      double u = rng.Uniform();
      sexes[0] = u < 0.97 ? Sex::kFemale : Sex::kMale;
      sexes[1] = u < 0.94 ? Sex::kMale : sexes[0];
      break;
    }
    case HouseholdKind::kCoupleWithChildren:
    case HouseholdKind::kLoneParent: {
      int first_child = kind == HouseholdKind::kLoneParent ? 1 : 2;
      // Eldest child 0-17 (weight 1 a year) or 18-22 still at home (weight 0.35 a year).
      int eldest = rng.Chance(18.0 / (18.0 + 5 * 0.35)) ? static_cast<int>(rng.Between(0, 17))
                                                          : static_cast<int>(rng.Between(18, 22));
      int age = eldest;
      for (int m = first_child; m < size; ++m) {
        ages[m] = std::max(0, age);
        child[m] = true;
        sexes[m] = rng.Chance(0.512) ? Sex::kMale : Sex::kFemale;
        age -= static_cast<int>(rng.Between(1, 4));
      }
      // Mother's age at the eldest's birth: 20 + two uniform 0-10 (mean 30).
      int mother = eldest + 20 + static_cast<int>(rng.Between(0, 10)) + static_cast<int>(rng.Between(0, 10));
      ages[0] = mother;
      if (kind == HouseholdKind::kCoupleWithChildren) {
        ages[1] = std::max(18, mother + static_cast<int>(rng.Between(-2, 6)));
        double u = rng.Uniform();
        sexes[0] = u < 0.97 ? Sex::kFemale : Sex::kMale;
        sexes[1] = u < 0.95 ? Sex::kMale : sexes[0];
      } else {
        sexes[0] = rng.Chance(0.88) ? Sex::kFemale : Sex::kMale;
      }
      break;
    }
    case HouseholdKind::kSharers: {
      for (int m = 0; m < size; ++m) {
        ages[m] = DrawAge(rng, kSharerAges);
        sexes[m] = rng.Chance(0.5) ? Sex::kFemale : Sex::kMale;
      }
      break;
    }
  }

  // Adverse childhood experiences: a household adversity level, more common where
  // deprivation is higher, scales each experience's probability (see docs/synthetic-llr.md).
  double deprivation = (10.0 - lsoa_deprivation_[lsoa]) / 9.0;  // 1 most deprived decile .. 0 least
  auto adversity_multiplier = [&](Rng& r) {
    double u = r.Uniform();
    double p_high = 0.04 + 0.08 * deprivation;
    double p_mid = 0.20 + 0.10 * deprivation;
    return u < p_high ? 4.2 : u < p_high + p_mid ? 1.4 : 0.45;
  };
  // `abuse_u` >= 0: the household's own abuse uniform decides domestic abuse, so that
  // current abuse (a subset) can be pre-tested from the household id alone.
  auto draw_parental = [&](Rng& r, double m, bool lone, double abuse_u) {
    uint8_t bits = 0;
    double p_abuse = std::min(0.9, kDomesticAbuseBase * m * (lone ? 1.3 : 1.0));
    if (abuse_u >= 0 ? abuse_u < p_abuse : r.Chance(p_abuse)) bits |= kAceDomesticAbuse;
    if (r.Chance(std::min(0.9, kParentalImprisonmentBase * m * (lone ? 1.6 : 1.0))))
      bits |= kAceParentalImprisonment;
    if (r.Chance(std::min(0.9, kParentalSubstanceMisuseBase * m))) bits |= kAceParentalSubstanceMisuse;
    if (r.Chance(std::min(0.9, kParentalMentalIllnessBase * m))) bits |= kAceParentalMentalIllness;
    return bits;
  };
  auto draw_own = [&](Rng& r, double m, uint8_t parental, Sex sex) {
    uint8_t bits = parental;
    bool family_harm = (parental & (kAceDomesticAbuse | kAceParentalImprisonment | kAceParentalSubstanceMisuse)) != 0;
    if (r.Chance(std::min(0.9, kLookedAfterBase * m * (family_harm ? 3.0 : 1.0)))) bits |= kAceLookedAfter;
    double sex_factor = sex == Sex::kMale ? 1.45 : 0.55;
    if (r.Chance(std::min(0.9, 0.060 * m * sex_factor * ((bits & kAceLookedAfter) ? 3.0 : 1.0)))) {
      bits |= kAceSchoolExclusion;
    }
    return bits;
  };

  bool family = kind == HouseholdKind::kCoupleWithChildren || kind == HouseholdKind::kLoneParent;
  bool lone = kind == HouseholdKind::kLoneParent;
  double household_m = adversity_multiplier(rng);
  // Abuse between the adults now has its own uniform, so selection can pre-test it cheaply.
  double abuse_u = CurrentAbuseUniform(options_.seed, household);
  uint8_t household_parental = family ? draw_parental(rng, household_m, lone, abuse_u) : 0;
  bool current_abuse = false;
  if (family) {
    // Abuse still going on in some of the families whose children live with it (the same
    // uniform as the ACE, under a lower threshold).
    current_abuse =
        abuse_u < std::min(kCurrentAbuseBound, kFamilyCurrentAbuseBase * household_m * (lone ? 1.3 : 1.0));
  } else if (kind == HouseholdKind::kCouple) {
    current_abuse = abuse_u < std::min(kCurrentAbuseBound, 0.08 * household_m);
  }

  for (int m = 0; m < size; ++m) {
    Person& p = members[m];
    p.id = household + m;
    p.lsoa = lsoa;
    p.household = household;
    p.household_size = size;
    p.member = m;
    p.kind = kind;
    p.is_child = child[m];
    p.sex = sexes[m];
    p.household_domestic_abuse = current_abuse;
    if (only_member >= 0 && m != only_member) continue;
    Rng own(Hash(options_.seed, kTagPersonAces, static_cast<uint64_t>(p.id)));
    p.birth_day = ref - static_cast<int64_t>(ages[m]) * 365 - ages[m] / 4 - own.Between(0, 364);
    if (p.is_child) {
      p.aces = draw_own(own, household_m, household_parental, p.sex);
    } else {
      // An adult's own childhood happened elsewhere: drawn for the person alone.
      double m_own = adversity_multiplier(own);
      p.aces = draw_own(own, m_own, draw_parental(own, m_own, own.Chance(0.25), -1), p.sex);
    }
    if (ages[m] < 12) p.aces &= static_cast<uint8_t>(~kAceSchoolExclusion);
    // Latent offending: rarer in women, about sevenfold with four or more ACEs.
    double u = OffendingUniform(options_.seed, p.id);
    double sex_factor = p.sex == Sex::kMale ? kOffendingSexMale : kOffendingSexFemale;
    double ace_factor = 1.0 + kOffendingAceStep * std::min(p.AceCount(), kOffendingAceCap);
    p.offending_level = u < kProlificOffending * sex_factor * ace_factor    ? 2
                        : u < kOccasionalOffending * sex_factor * ace_factor ? 1
                                                                             : 0;
  }
}

int64_t Population::HouseholdOf(int64_t id, int* size) const {
  int32_t lsoa = LsoaOf(id);
  int64_t local = id - lsoa_start_[lsoa];
  int64_t block = local / kBlockSize;
  Block partition = BlockPartition(lsoa, block);
  int64_t offset = block * kBlockSize;
  for (int h = 0; h < partition.count; ++h) {
    if (local < offset + partition.sizes[h]) {
      *size = partition.sizes[h];
      return lsoa_start_[lsoa] + offset;
    }
    offset += partition.sizes[h];
  }
  *size = 0;
  return -1;
}

int Population::HouseholdMembers(int64_t household, Person* members) const {
  int32_t lsoa = LsoaOf(household);
  int64_t local = household - lsoa_start_[lsoa];
  int64_t block = local / kBlockSize;
  Block partition = BlockPartition(lsoa, block);
  int64_t offset = block * kBlockSize;
  for (int h = 0; h < partition.count; ++h) {
    if (offset == local) {
      BuildHousehold(lsoa, household, partition.sizes[h], members);
      return partition.sizes[h];
    }
    offset += partition.sizes[h];
  }
  return 0;  // not the first member of a household: a programming error upstream
}

Person Population::Get(int64_t id) const {
  int32_t lsoa = LsoaOf(id);
  int64_t local = id - lsoa_start_[lsoa];
  int64_t block = local / kBlockSize;
  Block partition = BlockPartition(lsoa, block);
  int64_t offset = block * kBlockSize;
  for (int h = 0; h < partition.count; ++h) {
    if (local < offset + partition.sizes[h]) {
      Person members[kMaxHouseholdSize];
      int64_t household = lsoa_start_[lsoa] + offset;
      int member = static_cast<int>(local - offset);
      BuildHousehold(lsoa, household, partition.sizes[h], members, member);
      return members[member];
    }
    offset += partition.sizes[h];
  }
  return Person{};
}

std::string Population::PostcodeOf(int32_t lsoa, uint64_t unit) const {
  uint64_t h = Hash(options_.seed, kTagPostcode, static_cast<uint64_t>(lsoa), unit);
  std::string code = outward_codes_[lsoa][0];
  code += ' ';
  code += static_cast<char>('0' + h % 10);
  code += kInwardLetters[(h / 10) % 20];
  code += kInwardLetters[(h / 200) % 20];
  return code;
}

Identity Population::IdentityOf(const Person& p) const {
  Identity out;
  const NameTables& names = names_;
  // Given name: by sex and birth era.
  int64_t birth_year = 1970 + p.birth_day / 365;  // era boundaries need no more precision
  int era = birth_year < 1970 ? 0 : birth_year < 1995 ? 1 : 2;
  int sex = p.sex == Sex::kFemale ? 0 : 1;
  Rng given(Hash(options_.seed, kTagGivenName, static_cast<uint64_t>(p.id)));
  out.given_name = names.given_index[sex][era][names.given[sex][era].Draw(given)];

  // Surnames: the household's, with the changes marriage and separation bring.
  Rng family(Hash(options_.seed, kTagSurname, static_cast<uint64_t>(p.household)));
  uint32_t household_surname = static_cast<uint32_t>(names.surname.Draw(family));
  uint32_t other_surname = static_cast<uint32_t>(names.surname.Draw(family));
  Rng own(Hash(options_.seed, kTagSurname, static_cast<uint64_t>(p.id)));
  uint32_t own_surname = static_cast<uint32_t>(names.surname.Draw(own));
  switch (p.kind) {
    case HouseholdKind::kCouple:
    case HouseholdKind::kCoupleWithChildren:
      out.surname = household_surname;
      out.birth_surname = household_surname;
      // The first partner (usually the woman) took the household surname at marriage.
      if (p.member == 0 && own.Chance(0.7)) out.birth_surname = own_surname;
      break;
    case HouseholdKind::kLoneParent:
      if (p.member == 0) {
        out.surname = household_surname;
        out.birth_surname = own.Chance(0.4) ? own_surname : household_surname;
      } else {
        // Children carry the parent's surname or the other parent's.
        out.surname = family.Chance(0.7) ? household_surname : other_surname;
        out.birth_surname = out.surname;
      }
      break;
    case HouseholdKind::kSingle:
      out.surname = own_surname;
      out.birth_surname = (p.sex == Sex::kFemale && p.AgeOn(options_.reference_day) >= 25 && own.Chance(0.35))
                              ? static_cast<uint32_t>(names.surname.Draw(own))
                              : own_surname;
      break;
    case HouseholdKind::kSharers:
      out.surname = own_surname;
      out.birth_surname = own_surname;
      break;
  }
  if (p.is_child) out.birth_surname = out.surname;

  // Postcodes: a postcode unit holds about 15 households (36 residents).
  auto units = static_cast<uint64_t>(std::max<int64_t>(1, LsoaSize(p.lsoa) / 36));
  uint64_t unit = Hash(options_.seed, kTagPostcodeUnit, static_cast<uint64_t>(p.household)) % units;
  out.postcode = PostcodeOf(p.lsoa, unit);
  uint64_t move = Hash(options_.seed, kTagMove, static_cast<uint64_t>(p.household));
  if (UnitFromBits(move) < 0.35) {
    // Moved here from another LSOA of the same district.
    const std::vector<int32_t>& district = district_lsoas_[district_of_lsoa_[p.lsoa]];
    int32_t from = district[Mix64(move) % district.size()];
    if (from == p.lsoa && district.size() > 1) from = district[(Mix64(move) + 1) % district.size()];
    out.previous_postcode = PostcodeOf(from, Mix64(move ^ 0x5bd1e995) % 1000);
  }
  return out;
}

GeoPoint Population::RandomPointIn(int32_t lsoa, Rng& rng) const {
  const ZonePolygon& zone = geography_.Polygon(static_cast<size_t>(lsoa));
  for (int attempt = 0; attempt < 1000; ++attempt) {
    GeoPoint p{rng.Uniform(zone.min_lon, zone.max_lon), rng.Uniform(zone.min_lat, zone.max_lat)};
    if (ZoneContains(zone, p)) return p;
  }
  // Unreachable for real polygons (each covers a fair share of its box).
  return zone.rings.front().points.front();
}

GeoPoint Population::HomePoint(const Person& person) const {
  Rng rng(Hash(options_.seed, kTagHome, static_cast<uint64_t>(person.household)));
  return RandomPointIn(person.lsoa, rng);
}

}  // namespace harmlens::synth
