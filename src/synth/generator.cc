#include "synth/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "geo/reference_geography.h"
#include "model/crime_type.h"
#include "model/time.h"
#include "synth/calendar.h"
#include "synth/csv_out.h"
#include "synth/identifiers.h"
#include "synth/offences.h"
#include "synth/police_uk_rates.h"
#include "synth/population.h"
#include "synth/random.h"
#include "synth/tables.h"

namespace harmlens::synth {
namespace {

// Stream tags (part of the generator version: never change them).
enum Tag : uint64_t {
  kTagDay = 0x201,
  kTagHotspots = 0x202,
  kTagPersonKey = 0x203,
  kTagExPartner = 0x204,
  kTagPersonEvents = 0x205,
  kTagPoliceNominal = 0x206,  // its own stream per person: the nominals leave every other output unchanged
  kTagAssessment = 0x207,     // assessments draw from their own streams too (docs/synthetic-llr.md)
};

// ---- Planted parameters (docs/synthetic-llr.md gives each one and why) ----
constexpr double kNightTimeEconomyShare = 0.45;   // of city-centre violence and public order
constexpr double kDomesticRepeatProbability = 0.35;
constexpr int kDomesticRepeatMinDays = 3;
constexpr int kDomesticRepeatMaxDays = 120;
constexpr double kNearRepeatProbability = 0.25;   // a residential burglary triggers one more
constexpr double kNearRepeatMaxMetres = 200;
constexpr int kNearRepeatMinDays = 1;
constexpr int kNearRepeatMaxDays = 14;
constexpr double kUnknownPerMatchedAttendance = 1.5;  // 60% of attendances unknown to police
constexpr double kHomicidesPerYear = 12;
constexpr int kHotspotCount = 8;
constexpr double kWitnessProbability = 0.12;
constexpr const char* kTreatmentSite = "RWEAA";  // Leicester Royal Infirmary
constexpr int kPendingRing = 128;                 // > the longest scheduling lag in days

// Metres per degree near 52.6°N (LLR's middle): 111,250 m of latitude, and
// 111,320 m × cos(52.6°) ≈ 67,620 m of longitude. Constants, so no libm is needed.
constexpr double kMetresPerDegreeLat = 111250.0;
constexpr double kMetresPerDegreeLon = 67620.0;

constexpr double kDaysPerMonth = 365.25 / 12;

// ---- Time of day and week -------------------------------------------------------------
enum TimeGroup { kGroupViolence, kGroupDaytime, kGroupBurglary, kGroupVehicle, kGroupDrugs, kGroupCount };

constexpr double kHourProfile[kGroupCount][24] = {
    // violence, public order, robbery, criminal damage, ASB, other crime
    {3, 2.5, 2, 1.5, 1, 0.8, 1, 1.5, 2.5, 3, 3.5, 4, 4.5, 4.5, 5, 5.5, 6, 6, 6, 6, 6, 5.5, 5, 4},
    // shoplifting, other theft, bicycle theft, theft from the person
    {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 1, 2, 4, 5.5, 6, 6.5, 6.5, 6.5, 6.5, 6, 5.5, 4.5, 3.5, 2.5, 1.5, 1, 0.6},
    // burglary
    {1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1, 1.5, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4.5, 4.5, 4, 3.5, 3, 2},
    // vehicle crime
    {4, 4, 4, 4, 4, 4, 2.5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4.5},
    // drugs and possession of weapons (stop and search)
    {2, 1.5, 1, 0.5, 0.5, 0.5, 0.5, 0.8, 1.2, 2, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6, 6, 6, 5.5, 5, 4, 3},
};
// Sunday .. Saturday; normalised to a mean of 1 at start-up.
constexpr double kDayOfWeek[kGroupCount][7] = {
    {1.18, 0.93, 0.90, 0.92, 0.95, 1.05, 1.17},
    {0.80, 1.04, 1.04, 1.04, 1.04, 1.06, 0.98},
    {0.95, 1.02, 1.00, 1.00, 1.00, 1.03, 1.00},
    {1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00},
    {0.85, 1.00, 1.05, 1.05, 1.05, 1.05, 0.95},
};
// Night-time economy: Friday and Saturday nights, 22:00 to 03:00 (hours 24-26 are the
// next morning).
constexpr double kNteHours[5] = {1.0, 1.4, 1.8, 2.0, 1.6};

TimeGroup GroupOf(CrimeType type) {
  switch (type) {
    case CrimeType::kShoplifting:
    case CrimeType::kOtherTheft:
    case CrimeType::kBicycleTheft:
    case CrimeType::kTheftFromThePerson: return kGroupDaytime;
    case CrimeType::kBurglary: return kGroupBurglary;
    case CrimeType::kVehicleCrime: return kGroupVehicle;
    case CrimeType::kDrugs:
    case CrimeType::kPossessionOfWeapons: return kGroupDrugs;
    default: return kGroupViolence;
  }
}

// How precisely the force knows when: minute, day, window (of probability 1).
struct PrecisionMix {
  double minute, day, window;
};
PrecisionMix PrecisionOf(const OffenceCode& code) {
  switch (code.type) {
    case CrimeType::kBurglary: return {0.35, 0.10, 0.55};
    case CrimeType::kVehicleCrime: return {0.30, 0.20, 0.50};
    case CrimeType::kBicycleTheft: return {0.35, 0.20, 0.45};
    case CrimeType::kCriminalDamageAndArson: return {0.55, 0.15, 0.30};
    case CrimeType::kOtherTheft: return {0.55, 0.20, 0.25};
    case CrimeType::kShoplifting: return {0.85, 0.15, 0};
    case CrimeType::kViolenceAndSexualOffences:
      if (code.code == "8L" || code.code == "8Q" || code.code == "8R") return {0.25, 0.30, 0.45};
      return {0.93, 0.07, 0};
    default: return {0.92, 0.08, 0};
  }
}

// ---- Ages ---------------------------------------------------------------------------
int AgeBandIndex(int age) {
  if (age < 10) return 0;
  if (age < 15) return 1;
  if (age < 18) return 2;
  if (age < 25) return 3;
  if (age < 35) return 4;
  if (age < 45) return 5;
  if (age < 55) return 6;
  if (age < 65) return 7;
  return 8;
}
constexpr const char* kAgeBands[] = {"0-9", "10-14", "15-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"};

// Victim weight by age band (as AgeBandIndex), per profile. Under-25s carry the most
// violence (ONS CSEW: 16-24s have the highest rates of violent victimisation).
constexpr double kVictimAge[][9] = {
    {0.05, 0.8, 2.6, 3.0, 1.5, 1.0, 0.6, 0.3, 0.12},   // violence
    {0.02, 1.0, 2.5, 2.0, 1.0, 0.6, 0.4, 0.3, 0.3},    // robbery
    {0.05, 0.3, 0.8, 1.2, 1.2, 1.0, 0.9, 0.8, 0.6},    // theft
    {0.05, 1.0, 2.6, 2.6, 1.2, 0.7, 0.4, 0.15, 0.05},  // sexual
    {0, 0.05, 0.4, 3.0, 2.0, 1.0, 0.5, 0.15, 0.05},    // night-time economy
    {0, 0, 0, 0, 0, 0, 0, 0, 0},                      // offender-only offences have no victim
};
constexpr double kVictimAgeMax = 3.0;

// Offender weight by age: the age-crime curve, peaking in the late teens.
double OffenderAgeWeight(int age) {
  if (age < 10) return 0;
  if (age < 14) return 0.25;
  if (age < 25) return 1.0;
  if (age < 35) return 0.7;
  if (age < 45) return 0.4;
  if (age < 55) return 0.18;
  if (age < 65) return 0.06;
  return 0.015;
}
// Share of identified offenders drawn from the prolific pool (offending level 2).
constexpr double kProlificShare = 0.4;

// ---- Outcomes ----------------------------------------------------------------------
struct OutcomeShare {
  const char* outcome;
  double share;
  bool proceeded;  // the identified person becomes an "offender" rather than a "suspect"
};
constexpr OutcomeShare kOutcomesIdentified[] = {
    {"charged", 0.25, true},          {"caution", 0.05, true},
    {"community_resolution", 0.07, true}, {"victim_does_not_support", 0.30, false},
    {"evidential_difficulties", 0.18, false}, {"not_in_public_interest", 0.03, false},
    {"under_investigation", 0.12, false},
};
constexpr OutcomeShare kOutcomesDrugs[] = {
    {"cannabis_khat_warning", 0.30, true}, {"community_resolution", 0.25, true}, {"charged", 0.30, true},
    {"not_in_public_interest", 0.05, false}, {"under_investigation", 0.10, false},
};
constexpr OutcomeShare kOutcomesWeapons[] = {
    {"charged", 0.65, true}, {"caution", 0.10, true}, {"community_resolution", 0.05, true},
    {"evidential_difficulties", 0.10, false}, {"under_investigation", 0.10, false},
};
constexpr OutcomeShare kOutcomesShoplifting[] = {
    {"charged", 0.45, true}, {"caution", 0.05, true}, {"community_resolution", 0.15, true},
    {"evidential_difficulties", 0.15, false}, {"under_investigation", 0.20, false},
};
constexpr OutcomeShare kOutcomesHomicide[] = {{"charged", 0.85, true}, {"under_investigation", 0.15, false}};
constexpr OutcomeShare kOutcomesUnidentified[] = {{"no_suspect_identified", 0.82, false},
                                                  {"under_investigation", 0.18, false}};

const OutcomeShare& DrawOutcome(std::span<const OutcomeShare> shares, Rng& rng) {
  double weights[8];
  for (size_t i = 0; i < shares.size(); ++i) weights[i] = shares[i].share;
  return shares[rng.Pick(std::span<const double>(weights, shares.size()))];
}

std::span<const OutcomeShare> OutcomesFor(OutcomeMix mix) {
  switch (mix) {
    case OutcomeMix::kDrugsPossession: return kOutcomesDrugs;
    case OutcomeMix::kWeapons: return kOutcomesWeapons;
    case OutcomeMix::kShoplifting: return kOutcomesShoplifting;
    case OutcomeMix::kHomicide: return kOutcomesHomicide;
    default: return kOutcomesIdentified;
  }
}

// ---- Agencies -------------------------------------------------------------------------
enum AgencyIndex { kYot, kCsc, kExclusions, kProbation, kSubstance, kMentalHealth, kAgencyCount };
constexpr const char* kAgencyName[kAgencyCount] = {"youth_offending", "childrens_social_care", "school_exclusions",
                                                   "probation", "substance_misuse", "mental_health"};
constexpr const char* kAgencyPrefix[kAgencyCount] = {"YOS", "CSC", "EXC", "PRB", "SMS", "MHS"};

constexpr std::string_view kIncidentsHeader =
    "incident_id,occurred_from,occurred_to,time_precision,offence_code,offence_category,weapon,domestic,longitude,"
    "latitude,lsoa_code,outcome";
constexpr std::string_view kPersonsHeader = "incident_id,role,person_key,age,sex";
constexpr std::string_view kPoliceNominalsHeader = "person_key,given_name,surname,date_of_birth,sex,postcode";
constexpr std::string_view kIstvHeader =
    "period_start,period_end,site_code,attendance_id,arrival,assault_date,assault_time,assault_method,"
    "assault_method_other,location_type,location_description,age_band,sex,assailant_relationship";
constexpr std::string_view kAgencyHeader =
    "record_id,agency,event_type,event_date,given_name,surname,date_of_birth,sex,postcode,factors";

// Children's social care assessments (docs/synthetic-llr.md, "Assessments"): a child whose
// household has any of the four household ACEs is assessed at kAssessmentsPerYear, and
// a referral after a domestic-abuse notification leads to one with kAssessmentAfterReferral;
// each of the child's true household ACEs is identified with kFactorIdentified. A record
// never names an ACE the child does not have, so by records <= lifetime.
constexpr double kAssessmentsPerYear = 0.08;
constexpr double kAssessmentAfterReferral = 0.8;
constexpr double kFactorIdentified = 0.75;
constexpr uint8_t kHouseholdAces =
    kAceDomesticAbuse | kAceParentalImprisonment | kAceParentalSubstanceMisuse | kAceParentalMentalIllness;

std::string AssessmentFactorsOf(const Person& child, Rng& rng) {
  std::string out;
  auto add = [&](const char* name) {
    if (!out.empty()) out += ';';
    out += name;
  };
  if ((child.aces & kAceDomesticAbuse) && rng.Chance(kFactorIdentified)) {
    add(rng.Chance(0.8) ? "domestic_abuse_parent" : "domestic_abuse_other");
  }
  if ((child.aces & kAceParentalSubstanceMisuse) && rng.Chance(kFactorIdentified)) {
    add(rng.Chance(0.6) ? "alcohol_misuse_parent" : "drug_misuse_parent");
  }
  if ((child.aces & kAceParentalMentalIllness) && rng.Chance(kFactorIdentified)) add("mental_health_parent");
  if ((child.aces & kAceParentalImprisonment) && rng.Chance(kFactorIdentified)) add("parent_in_custody");
  if (rng.Chance(0.2)) add("neglect");
  if (out.empty()) out = "no_factors_identified";
  return out;
}

struct Hotspot {
  int id = 0;
  CrimeType type = CrimeType::kDrugs;
  const char* pattern = "persistent";
  GeoPoint centre;
  double radius_m = 0;
  double per_month = 0;  // at scale 1
};

struct IncidentId {
  int year = 0;
  int64_t serial = 0;
};

void AppendIncidentId(std::string* out, IncidentId id) {
  out->append("LP");
  AppendPadded(out, id.year, 4);
  out->push_back('-');
  AppendPadded(out, id.serial, 8);
}

std::string IncidentIdText(IncidentId id) {
  std::string s;
  AppendIncidentId(&s, id);
  return s;
}

struct Pending {
  enum Kind : uint8_t { kDomesticRepeat, kNearRepeat } kind;
  CrimeType type = CrimeType::kViolenceAndSexualOffences;
  int64_t victim = -1;
  int64_t perpetrator = -1;
  GeoPoint point;
  IncidentId origin;
};

struct Involved {
  Role role;
  int64_t person;
};

// One incident as it truly happened, before it is written.
struct Draft {
  CrimeType type = CrimeType::kOtherCrime;
  const OffenceCode* code = nullptr;
  int64_t minute = 0;
  int32_t lsoa = -1;
  GeoPoint point;
  bool domestic = false;
  bool domestic_known = true;
  Weapon weapon = Weapon::kUnknown;
  const char* outcome = "";
  const char* origin = "base";
  std::string origin_ref;
  AgeProfile victim_profile = AgeProfile::kViolence;
  const Place* place = nullptr;  // night-time economy street, if any
  Involved people[6];
  int people_count = 0;
  int64_t victim = -1;
  int64_t perpetrator = -1;  // identified suspect or offender, -1 if none
  int64_t abuser = -1;       // domestic abuse: the true abuser, identified or not
};

const char* RoleText(Role role) {
  switch (role) {
    case Role::kVictim: return "victim";
    case Role::kSuspect: return "suspect";
    case Role::kOffender: return "offender";
    case Role::kWitness: return "witness";
  }
  return "victim";
}

int64_t MicroDegrees(double degrees) {
  double scaled = degrees * 1e6;
  return static_cast<int64_t>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
}

class Generator {
 public:
  Generator(Env* env, const SynthOptions& options, const ReferenceGeography& geography, const NameTables& names,
            const PoliceUkRates& rates)
      : env_(env),
        options_(options),
        geography_(geography),
        names_(names),
        rates_(rates),
        start_day_(DaysFromCivil(options.start_year, options.start_month, 1)),
        end_day_(DaysFromCivil(options.start_year + options.years, options.start_month, 1)),
        population_(geography, names, {options.seed, options.scale, start_day_}),
        key_salt_(Hash(options.seed, kTagPersonKey)),
        police_nominal_written_(static_cast<size_t>(population_.size())) {}

  Status Run(SynthReport* report);

 private:
  // Set-up.
  void BuildTables();
  void PlantHotspots();
  Status OpenFiles();
  Status WritePersonsTruth();
  Status WriteHotspotsTruth();
  Status WriteNearRepeatTruth();
  Status WriteManifest(const SynthReport& report);

  // One simulated day.
  Status SimulateDay(int64_t day);
  Status EmitIncident(Draft& draft, int64_t day, Rng& rng);
  Status EmitAttendance(const Person& victim, const std::string& incident_id, int64_t minute, GeoPoint point,
                        int32_t lsoa, Weapon weapon, bool domestic, const Place* place, Rng& rng);
  Status SpawnUnknownAttendances(int64_t day, Rng& rng);
  Status EmitAgencyRecord(int agency, const char* event_type, int64_t event_day, const Person& person,
                          const std::string& trigger, Rng& rng, std::string_view factors = "");
  Status EmitPoliceNominal(const Person& person, const std::string& key, int64_t day);
  Status AgencyTriggers(const Draft& draft, const std::string& incident_id, int64_t day, Rng& rng);
  Status PersonAgencyEvents(const Person& person);

  // People.
  int32_t NearbyLsoa(int32_t lsoa, double same, double district, Rng& rng) const;
  int64_t AnyoneIn(int32_t lsoa, Rng& rng) const;
  int64_t SelectVictim(int32_t lsoa, AgeProfile profile, const OffenceCode* code, int64_t day, Rng& rng) const;
  int64_t SelectOffender(int32_t lsoa, int64_t day, bool male_only, Rng& rng) const;
  int64_t SelectDomesticVictim(int32_t lsoa, int64_t day, Rng& rng) const;
  int64_t PartnerOf(const Person& victim, int64_t day) const;
  int64_t HouseholderIn(int32_t lsoa, Rng& rng) const;
  int64_t AdultIn(int32_t lsoa, int64_t day, Rng& rng) const;

  // Places and times.
  int64_t DrawMinute(TimeGroup group, int64_t day, Rng& rng) const;
  GeoPoint PointInDisc(GeoPoint centre, double radius_m, Rng& rng) const;
  const Place* NearestPlace(GeoPoint point, double within_m) const;
  std::string PersonKey(int64_t person) const;
  IncidentId NextIncidentId();

  Env* env_;
  const SynthOptions& options_;
  const ReferenceGeography& geography_;
  const NameTables& names_;
  const PoliceUkRates& rates_;
  int64_t start_day_;
  int64_t end_day_;
  Population population_;
  uint64_t key_salt_;
  IdentifierErrorRates error_rates_;

  // Rates.
  std::array<std::array<double, 12>, kCrimeTypeCount> type_month_{};  // base incidents a month, scale 1
  std::array<AliasTable, kCrimeTypeCount> lsoa_by_type_;
  std::array<std::vector<const OffenceCode*>, kCrimeTypeCount> codes_;
  std::array<AliasTable, kCrimeTypeCount> code_alias_;
  std::array<std::vector<double>, kCrimeTypeCount> code_domestic_;  // per code: P(domestic) for base draws
  std::array<AliasTable, kCrimeTypeCount> domestic_code_alias_;     // codes of repeat domestic incidents
  std::array<double, 2> nte_month_{};                                // V&SO, public order
  AliasTable nte_places_;
  std::vector<const Place*> nte_place_list_;
  std::vector<bool> city_centre_;
  AliasTable hour_alias_[kGroupCount][7];
  double day_of_week_[kGroupCount][7] = {};
  AliasTable nte_hour_alias_;
  AliasTable residents_alias_;                      // LSOAs by residents, all LLR
  std::vector<AliasTable> district_alias_;          // per CSP area index
  std::vector<std::vector<int32_t>> district_lsoas_;
  std::vector<int> district_of_lsoa_;
  int leicester_district_ = 0;
  AliasTable burglary_residential_;
  std::vector<const OffenceCode*> burglary_residential_codes_;
  std::vector<Hotspot> hotspots_;
  std::vector<std::array<double, 2>> place_metres_;  // x, y of each place

  // Output.
  std::unique_ptr<CsvOut> incidents_, persons_, istv_, truth_persons_, truth_incidents_, truth_police_persons_,
      truth_istv_, truth_agency_, police_nominals_, truth_police_nominals_;
  // Whether the police already hold a nominal for each resident: one bit per resident
  // (1.4 MB at ten times LLR, whatever the years). A set of the ids grew with every
  // person the police met: a 225 MB peak over ten years at that scale.
  std::vector<bool> police_nominal_written_;
  std::array<std::unique_ptr<CsvOut>, kAgencyCount> agency_;
  std::array<int64_t, kAgencyCount> agency_serial_{};
  int64_t simulated_day_ = 0;
  int current_year_ = 0;
  int64_t year_serial_ = 0;
  int64_t attendance_serial_ = 0;
  int64_t matched_today_ = 0;
  int64_t incidents_written_ = 0;
  int64_t involvements_written_ = 0;
  int64_t unknown_attendances_ = 0;
  std::array<std::vector<Pending>, kPendingRing> pending_;
};

// ---- Set-up ---------------------------------------------------------------------------

void Generator::BuildTables() {
  const auto& lsoas = geography_.lsoas();
  const size_t n = lsoas.size();

  // City-centre LSOAs: those holding a night-time-economy street.
  city_centre_.assign(n, false);
  std::vector<double> place_weights;
  for (const Place& place : names_.places) {
    place_metres_.push_back({place.point.longitude * kMetresPerDegreeLon, place.point.latitude * kMetresPerDegreeLat});
    if (place.kind != PlaceKind::kNteStreet) continue;
    const Lsoa* lsoa = geography_.LsoaContaining(place.point);
    if (lsoa == nullptr) continue;
    city_centre_[geography_.FindLsoa(lsoa->code) - lsoas.data()] = true;
    nte_place_list_.push_back(&place);
    place_weights.push_back(place.weight);
  }
  nte_places_ = AliasTable(place_weights);

  // Districts.
  const auto& areas = LlrCspAreas();
  district_lsoas_.assign(areas.size(), {});
  district_of_lsoa_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t a = 0; a < areas.size(); ++a) {
      if (areas[a].code == lsoas[i].csp_area) {
        district_lsoas_[a].push_back(static_cast<int32_t>(i));
        district_of_lsoa_[i] = static_cast<int>(a);
      }
    }
  }
  for (size_t a = 0; a < areas.size(); ++a) {
    if (areas[a].code == "E06000016") leicester_district_ = static_cast<int>(a);
    std::vector<double> w;
    for (int32_t l : district_lsoas_[a]) w.push_back(static_cast<double>(population_.LsoaSize(l)));
    district_alias_.emplace_back(w);
  }
  std::vector<double> residents(n);
  for (size_t i = 0; i < n; ++i) residents[i] = static_cast<double>(population_.LsoaSize(static_cast<int32_t>(i)));
  residents_alias_ = AliasTable(residents);

  // Offence codes; base draws are thinned for the repeats that domestic incidents spawn.
  const double p = kDomesticRepeatProbability;
  for (CrimeType type : AllCrimeTypes()) {
    int t = static_cast<int>(type) - 1;
    std::vector<double> base_w, dom_w;
    double total = 0, domestic_share = 0;
    for (const OffenceCode& code : OffenceCodesOf(type)) {
      codes_[t].push_back(&code);
      base_w.push_back(code.weight * (1 - code.domestic * p));
      code_domestic_[t].push_back(code.domestic * (1 - p) / (1 - code.domestic * p));
      dom_w.push_back(code.weight * code.domestic);
      total += code.weight;
      domestic_share += code.weight * code.domestic;
    }
    code_alias_[t] = AliasTable(base_w);
    domestic_code_alias_[t] = AliasTable(dom_w);
    double thinning = total > 0 ? 1 - p * domestic_share / total : 1;
    if (type == CrimeType::kBurglary) {
      double residential = 0;
      for (const OffenceCode& code : OffenceCodesOf(type)) {
        if (code.victim == VictimKind::kHousehold) residential += code.weight;
      }
      thinning /= 1 + kNearRepeatProbability * residential / total;
    }
    // LSOA weights, with the night-time-economy share of city-centre violence moved to
    // its own process.
    bool nte_type = type == CrimeType::kViolenceAndSexualOffences || type == CrimeType::kPublicOrder;
    std::vector<double> w(n);
    double sum = 0, moved = 0;
    for (size_t i = 0; i < n; ++i) {
      double rate = rates_.per_month[i][t];
      if (nte_type && city_centre_[i]) {
        moved += rate * kNightTimeEconomyShare;
        rate *= 1 - kNightTimeEconomyShare;
      }
      w[i] = rate;
      sum += rate;
    }
    if (nte_type) nte_month_[type == CrimeType::kPublicOrder ? 1 : 0] = moved;
    lsoa_by_type_[t] = AliasTable(w);
    for (int m = 0; m < 12; ++m) type_month_[t][m] = sum * thinning * rates_.seasonality[t][m];
  }
  for (const OffenceCode& code : OffenceCodesOf(CrimeType::kBurglary)) {
    if (code.victim != VictimKind::kHousehold) continue;
    burglary_residential_codes_.push_back(&code);
  }
  std::vector<double> bw;
  for (const OffenceCode* code : burglary_residential_codes_) bw.push_back(code->weight);
  burglary_residential_ = AliasTable(bw);

  // Times.
  for (int g = 0; g < kGroupCount; ++g) {
    double mean = 0;
    for (double f : kDayOfWeek[g]) mean += f / 7;
    for (int w = 0; w < 7; ++w) {
      day_of_week_[g][w] = kDayOfWeek[g][w] / mean;
      std::array<double, 24> hours;
      for (int h = 0; h < 24; ++h) {
        double f = kHourProfile[g][h];
        if (g == kGroupViolence) {
          if ((w == 6 || w == 0) && h < 4) f *= 2.5;  // Friday and Saturday nights run on
          if ((w == 5 || w == 6) && h >= 21) f *= 1.4;
        }
        hours[h] = f;
      }
      hour_alias_[g][w] = AliasTable(hours);
    }
  }
  nte_hour_alias_ = AliasTable(kNteHours);
}

void Generator::PlantHotspots() {
  Rng rng(Hash(options_.seed, kTagHotspots));
  static constexpr CrimeType kTypes[kHotspotCount] = {
      CrimeType::kDrugs,       CrimeType::kAntiSocialBehaviour,    CrimeType::kViolenceAndSexualOffences,
      CrimeType::kRobbery,     CrimeType::kShoplifting,            CrimeType::kCriminalDamageAndArson,
      CrimeType::kPublicOrder, CrimeType::kTheftFromThePerson,
  };
  static constexpr const char* kPatterns[4] = {"persistent", "new", "intensifying", "diminishing"};
  for (int k = 0; k < kHotspotCount; ++k) {
    Hotspot h;
    h.id = k + 1;
    h.type = kTypes[k];
    h.pattern = kPatterns[k % 4];
    auto lsoa = static_cast<int32_t>(residents_alias_.Draw(rng));
    h.centre = population_.RandomPointIn(lsoa, rng);
    h.radius_m = rng.Uniform(150, 300);
    h.per_month = rng.Uniform(8, 20);
    hotspots_.push_back(h);
    // The hot spot's incidents (about per_month on average over the period) come out of
    // its crime type's base rate, so type totals still follow police.uk.
    int t = static_cast<int>(h.type) - 1;
    double mean = 0;
    for (double month : type_month_[t]) mean += month / 12;
    double keep = mean > 0 ? std::max(0.5, 1 - h.per_month / mean) : 1;
    for (double& month : type_month_[t]) month *= keep;
  }
}

// "given_variant;dob_swapped" for the truth files.
std::string ErrorNames(uint16_t errors) {
  std::string names;
  for (int bit = 0; bit < kIdentifierErrorCount; ++bit) {
    auto error = static_cast<IdentifierError>(1 << bit);
    if (errors & error) {
      if (!names.empty()) names += ';';
      names += IdentifierErrorName(error);
    }
  }
  return names;
}

double HotspotIntensity(const Hotspot& h, double fraction) {
  std::string_view pattern = h.pattern;
  if (pattern == "new") return fraction < 1.0 / 3 ? 0 : 1.5;
  if (pattern == "intensifying") return 0.25 + 1.75 * fraction;
  if (pattern == "diminishing") return 2.0 - 1.75 * fraction;
  return 1.0;
}

Status Generator::OpenFiles() {
  const std::string& dir = options_.out_dir;
  HL_RETURN_IF_ERROR(env_->CreateDirectories(dir + "/truth"));
  HL_ASSIGN_OR_RETURN(incidents_, CsvOut::Create(env_, dir + "/police_extract_incidents.csv", kIncidentsHeader));
  HL_ASSIGN_OR_RETURN(persons_, CsvOut::Create(env_, dir + "/police_extract_persons.csv", kPersonsHeader));
  HL_ASSIGN_OR_RETURN(istv_, CsvOut::Create(env_, dir + "/istv.csv", kIstvHeader));
  for (int a = 0; a < kAgencyCount; ++a) {
    HL_ASSIGN_OR_RETURN(agency_[a], CsvOut::Create(env_, dir + "/agency_" + kAgencyName[a] + ".csv", kAgencyHeader));
  }
  HL_ASSIGN_OR_RETURN(truth_persons_,
                      CsvOut::Create(env_, dir + "/truth/persons.csv",
                                     "person_id,person_key,household_id,household_kind,member,lsoa_code,csp_area,sex,"
                                     "date_of_birth,given_name,surname,birth_surname,postcode,previous_postcode,"
                                     "ace_domestic_abuse,ace_parental_imprisonment,ace_parental_substance_misuse,"
                                     "ace_parental_mental_illness,ace_looked_after,ace_school_exclusion,ace_count,"
                                     "household_domestic_abuse,offending_level"));
  HL_ASSIGN_OR_RETURN(truth_incidents_,
                      CsvOut::Create(env_, dir + "/truth/incidents.csv",
                                     "incident_id,origin,origin_ref,occurred_at,offence_code,offence_category,"
                                     "domestic,longitude,latitude,lsoa_code"));
  HL_ASSIGN_OR_RETURN(truth_police_persons_, CsvOut::Create(env_, dir + "/truth/police_persons.csv",
                                                            "incident_id,role,person_key,person_id"));
  HL_ASSIGN_OR_RETURN(truth_istv_, CsvOut::Create(env_, dir + "/truth/istv.csv",
                                                  "attendance_id,person_id,incident_id,assault_at,longitude,latitude,"
                                                  "lsoa_code,domestic"));
  HL_ASSIGN_OR_RETURN(truth_agency_, CsvOut::Create(env_, dir + "/truth/agency_records.csv",
                                                    "agency,record_id,person_id,errors,trigger_incident_id"));
  HL_ASSIGN_OR_RETURN(police_nominals_, CsvOut::Create(env_, dir + "/police_nominals.csv", kPoliceNominalsHeader));
  HL_ASSIGN_OR_RETURN(truth_police_nominals_, CsvOut::Create(env_, dir + "/truth/police_nominals.csv",
                                                             "person_key,person_id,errors"));
  return Status::Ok();
}

std::string Generator::PersonKey(int64_t person) const {
  static constexpr char kHex[] = "0123456789ABCDEF";
  uint64_t v = Mix64(static_cast<uint64_t>(person) ^ key_salt_);  // a bijection: keys never collide
  std::string key(17, 'P');
  for (int i = 16; i >= 1; --i) {
    key[i] = kHex[v & 15];
    v >>= 4;
  }
  return key;
}

Status Generator::WritePersonsTruth() {
  const auto& lsoas = geography_.lsoas();
  Person members[kMaxHouseholdSize];
  for (size_t l = 0; l < lsoas.size(); ++l) {
    auto lsoa = static_cast<int32_t>(l);
    int64_t end = population_.LsoaStart(lsoa) + population_.LsoaSize(lsoa);
    int64_t id = population_.LsoaStart(lsoa);
    while (id < end) {
      int size = population_.HouseholdMembers(id, members);
      if (size <= 0) return Status::Internal("household partition lost its place at person " + std::to_string(id));
      for (int m = 0; m < size; ++m) {
        const Person& p = members[m];
        Identity identity = population_.IdentityOf(p);
        CsvOut& out = *truth_persons_;
        out.Field(p.id);
        out.Field(PersonKey(p.id));
        out.Field(p.household);
        out.Field(HouseholdKindName(p.kind));
        out.Field(static_cast<int64_t>(p.member));
        out.Field(lsoas[l].code);
        out.Field(lsoas[l].csp_area);
        out.Field(std::string_view(&"FMXU"[p.sex == Sex::kFemale ? 0 : p.sex == Sex::kMale ? 1 : 3], 1));
        out.Open();
        AppendDate(out.Buffer(), p.birth_day);
        out.Field(names_.given_names[identity.given_name]);
        out.Field(names_.surnames[identity.surname]);
        out.Field(names_.surnames[identity.birth_surname]);
        out.Field(identity.postcode);
        out.Field(identity.previous_postcode);
        for (int a = 0; a < kAceCount; ++a) out.Field(static_cast<int64_t>((p.aces >> a) & 1));
        out.Field(static_cast<int64_t>(p.AceCount()));
        out.Field(static_cast<int64_t>(p.household_domestic_abuse ? 1 : 0));
        out.Field(static_cast<int64_t>(p.offending_level));
        HL_RETURN_IF_ERROR(out.End());
        HL_RETURN_IF_ERROR(PersonAgencyEvents(p));
      }
      id += size;
    }
  }
  return Status::Ok();
}

Status Generator::WriteHotspotsTruth() {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<CsvOut> out,
                      CsvOut::Create(env_, options_.out_dir + "/truth/hotspots.csv",
                                     "hotspot_id,offence_category,pattern,longitude,latitude,radius_m,"
                                     "per_month_at_scale_1,per_month,start_date,end_date"));
  for (const Hotspot& h : hotspots_) {
    out->Field(static_cast<int64_t>(h.id));
    out->Field(CrimeTypeName(h.type));
    out->Field(h.pattern);
    out->Open();
    AppendMicroDegrees(out->Buffer(), MicroDegrees(h.centre.longitude));
    out->Open();
    AppendMicroDegrees(out->Buffer(), MicroDegrees(h.centre.latitude));
    out->Field(static_cast<int64_t>(h.radius_m + 0.5));
    out->Open();
    AppendMicroDegrees(out->Buffer(), MicroDegrees(h.per_month));
    out->Open();
    AppendMicroDegrees(out->Buffer(), MicroDegrees(h.per_month * options_.scale));
    out->Open();
    AppendDate(out->Buffer(), start_day_);
    out->Open();
    AppendDate(out->Buffer(), end_day_ - 1);
    HL_RETURN_IF_ERROR(out->End());
  }
  return out->Close();
}

Status Generator::WriteNearRepeatTruth() {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<CsvOut> out,
                      CsvOut::Create(env_, options_.out_dir + "/truth/near_repeat.csv", "parameter,value"));
  auto row = [&](std::string_view name, std::string value) {
    out->Field(name);
    out->Field(value);
    return out->End();
  };
  HL_RETURN_IF_ERROR(row("offence_codes", "28E;28F"));
  HL_RETURN_IF_ERROR(row("trigger_probability", "0.25"));
  HL_RETURN_IF_ERROR(row("follow_ups_per_trigger", "1"));
  HL_RETURN_IF_ERROR(row("max_distance_m", "200"));
  HL_RETURN_IF_ERROR(row("distance_distribution", "uniform over the disc"));
  HL_RETURN_IF_ERROR(row("min_lag_days", "1"));
  HL_RETURN_IF_ERROR(row("max_lag_days", "14"));
  HL_RETURN_IF_ERROR(row("lag_distribution", "uniform whole days"));
  HL_RETURN_IF_ERROR(row("follow_ups_trigger_more", "no"));
  HL_RETURN_IF_ERROR(row("pairs", "truth/incidents.csv rows with origin near_repeat; origin_ref is the trigger"));
  return out->Close();
}

// ---- People ------------------------------------------------------------------------------

int32_t Generator::NearbyLsoa(int32_t lsoa, double same, double district, Rng& rng) const {
  double u = rng.Uniform();
  if (u < same && population_.LsoaSize(lsoa) > 0) return lsoa;
  if (u < same + district) {
    int d = district_of_lsoa_[lsoa];
    if (district_alias_[d].total() > 0) return district_lsoas_[d][district_alias_[d].Draw(rng)];
  }
  return static_cast<int32_t>(residents_alias_.Draw(rng));
}

int64_t Generator::AnyoneIn(int32_t lsoa, Rng& rng) const {
  int64_t size = population_.LsoaSize(lsoa);
  if (size <= 0) {
    lsoa = static_cast<int32_t>(residents_alias_.Draw(rng));
    size = population_.LsoaSize(lsoa);
  }
  return population_.LsoaStart(lsoa) + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(size)));
}

int64_t Generator::SelectVictim(int32_t lsoa, AgeProfile profile, const OffenceCode* code, int64_t day,
                                Rng& rng) const {
  bool female_only = code != nullptr && code->female_victims;
  bool male_only = code != nullptr && code->code == "17A";
  double sex_w_male = profile == AgeProfile::kRobbery ? 1.5 : profile == AgeProfile::kTheft ? 1.0 : 1.3;
  double sex_w_female = profile == AgeProfile::kRobbery ? 0.6 : profile == AgeProfile::kTheft ? 1.0 : 0.8;
  double sex_max = std::max(sex_w_male, sex_w_female);
  const double w_max = kVictimAgeMax * sex_max * 3.0;
  double same = profile == AgeProfile::kNightTimeEconomy ? 0.2 : 0.7;
  double district = profile == AgeProfile::kNightTimeEconomy ? 0.5 : 0.25;
  int64_t fallback = -1;
  for (int attempt = 0; attempt < 400; ++attempt) {
    int32_t home = NearbyLsoa(lsoa, same, district, rng);
    int64_t id = AnyoneIn(home, rng);
    Person p = population_.Get(id);
    if (female_only && p.sex != Sex::kFemale) continue;
    if (male_only && p.sex != Sex::kMale) continue;
    int age = p.AgeOn(day);
    if (fallback < 0 && age >= 16) fallback = id;
    double w = kVictimAge[static_cast<int>(profile)][AgeBandIndex(age)];
    w *= p.sex == Sex::kMale ? sex_w_male : sex_w_female;
    // The victim-offender overlap: people who offend are victimised more often.
    double boost = (p.offending_level == 2 ? 3.5 : p.offending_level == 1 ? 2.0 : 1.0) * (1 + 0.25 * p.AceCount());
    w *= std::min(3.0, boost);
    if (rng.Uniform() * w_max < w) return id;
  }
  return fallback >= 0 ? fallback : AnyoneIn(lsoa, rng);
}

int64_t Generator::SelectOffender(int32_t lsoa, int64_t day, bool male_only, Rng& rng) const {
  // Two pools: prolific offenders (level 2) commit kProlificShare of identified offences,
  // occasional ones (level 1) the rest; within a pool, by the age-crime curve.
  const uint8_t level = rng.Chance(kProlificShare) ? 2 : 1;
  const double bound = level == 2 ? kProlificOffending * kOffendingSexMale * (1 + kOffendingAceStep * kOffendingAceCap)
                                  : kOffendingUniformBound;
  int64_t fallback = -1;
  for (int attempt = 0; attempt < 20000; ++attempt) {
    int32_t home = NearbyLsoa(lsoa, 0.55, 0.35, rng);
    int64_t id = AnyoneIn(home, rng);
    // Cheap pre-test on the person's offending uniform, before computing the household.
    if (OffendingUniform(options_.seed, id) >= bound) continue;
    Person p = population_.Get(id);
    if (p.offending_level != level) continue;
    if (male_only && p.sex != Sex::kMale) continue;
    int age = p.AgeOn(day);
    if (fallback < 0 && age >= 16) fallback = id;
    if (rng.Uniform() < OffenderAgeWeight(age)) return id;
  }
  return fallback >= 0 ? fallback : AdultIn(lsoa, day, rng);
}

int64_t Generator::SelectDomesticVictim(int32_t lsoa, int64_t day, Rng& rng) const {
  if (population_.LsoaSize(lsoa) <= 0) return -1;
  for (int attempt = 0; attempt < 2000; ++attempt) {
    int size = 0;
    int64_t household = population_.HouseholdOf(AnyoneIn(lsoa, rng), &size);
    if (CurrentAbuseUniform(options_.seed, household) >= kCurrentAbuseBound) continue;
    Person first = population_.Get(household);
    if (!first.household_domestic_abuse) continue;
    // The first partner (usually the woman) is the victim four times in five.
    bool couple = first.kind == HouseholdKind::kCouple || first.kind == HouseholdKind::kCoupleWithChildren;
    int64_t victim = couple && rng.Chance(0.2) ? household + 1 : household;
    if (population_.Get(victim).AgeOn(day) < 16) continue;
    return victim;
  }
  return -1;
}

int64_t Generator::PartnerOf(const Person& victim, int64_t day) const {
  if (victim.kind == HouseholdKind::kCouple || victim.kind == HouseholdKind::kCoupleWithChildren) {
    return victim.household + (victim.member == 0 ? 1 : 0);
  }
  // A lone parent's abuser is an ex-partner living elsewhere in the district: always
  // the same person for the same household.
  Rng rng(Hash(options_.seed, kTagExPartner, static_cast<uint64_t>(victim.household)));
  int victim_age = victim.AgeOn(day);
  Sex wanted = victim.sex == Sex::kFemale ? Sex::kMale : Sex::kFemale;
  int64_t fallback = -1;
  for (int attempt = 0; attempt < 500; ++attempt) {
    int32_t home = NearbyLsoa(victim.lsoa, 0, 1.0, rng);
    int64_t id = AnyoneIn(home, rng);
    Person p = population_.Get(id);
    int age = p.AgeOn(day);
    if (p.is_child || age < 18) continue;
    if (fallback < 0) fallback = id;
    if (p.sex == wanted && age >= victim_age - 8 && age <= victim_age + 12) return id;
  }
  return fallback;
}

int64_t Generator::HouseholderIn(int32_t lsoa, Rng& rng) const {
  Person p = population_.Get(AnyoneIn(lsoa, rng));
  return p.household;  // member 0 is always an adult
}

int64_t Generator::AdultIn(int32_t lsoa, int64_t day, Rng& rng) const {
  int64_t id = AnyoneIn(lsoa, rng);
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (population_.Get(id).AgeOn(day) >= 16) return id;
    id = AnyoneIn(lsoa, rng);
  }
  return HouseholderIn(lsoa, rng);
}

// ---- Places and times -------------------------------------------------------------------

int64_t Generator::DrawMinute(TimeGroup group, int64_t day, Rng& rng) const {
  int hour = static_cast<int>(hour_alias_[group][Weekday(day)].Draw(rng));
  return day * 1440 + hour * 60 + rng.Between(0, 59);
}

GeoPoint Generator::PointInDisc(GeoPoint centre, double radius_m, Rng& rng) const {
  double dx = 0, dy = 0;
  do {
    dx = rng.Uniform(-1, 1);
    dy = rng.Uniform(-1, 1);
  } while (dx * dx + dy * dy > 1);
  return {centre.longitude + dx * radius_m / kMetresPerDegreeLon, centre.latitude + dy * radius_m / kMetresPerDegreeLat};
}

const Place* Generator::NearestPlace(GeoPoint point, double within_m) const {
  double x = point.longitude * kMetresPerDegreeLon, y = point.latitude * kMetresPerDegreeLat;
  const Place* best = nullptr;
  double best_d2 = within_m * within_m;
  for (size_t i = 0; i < names_.places.size(); ++i) {
    double dx = place_metres_[i][0] - x, dy = place_metres_[i][1] - y;
    double d2 = dx * dx + dy * dy;
    if (d2 < best_d2) {
      best_d2 = d2;
      best = &names_.places[i];
    }
  }
  return best;
}

IncidentId Generator::NextIncidentId() {
  // Numbered by the day being simulated (the day the force records it), not the day it
  // happened: a Friday-night incident after midnight on New Year's Eve keeps the old year
  // and the ids stay unique.
  int year = CivilFromDays(simulated_day_).year;
  if (year != current_year_) {
    current_year_ = year;
    year_serial_ = 0;
  }
  return {year, ++year_serial_};
}

// ---- Incidents ------------------------------------------------------------------------

Status Generator::EmitIncident(Draft& d, int64_t day, Rng& rng) {
  const OffenceCode& code = *d.code;
  const auto& lsoas = geography_.lsoas();
  IncidentId id = NextIncidentId();
  std::string id_text = IncidentIdText(id);

  // Outcome and the role of anyone identified.
  bool identified = d.perpetrator >= 0;
  const OutcomeShare* outcome = nullptr;
  if (code.outcomes != OutcomeMix::kAsb) {
    outcome = identified ? &DrawOutcome(OutcomesFor(code.outcomes), rng) : &DrawOutcome(kOutcomesUnidentified, rng);
    d.outcome = outcome->outcome;
  }
  if (d.victim >= 0) d.people[d.people_count++] = {Role::kVictim, d.victim};
  if (identified) d.people[d.people_count++] = {outcome != nullptr && outcome->proceeded ? Role::kOffender : Role::kSuspect, d.perpetrator};
  bool witnessable = d.type == CrimeType::kViolenceAndSexualOffences || d.type == CrimeType::kRobbery ||
                     d.type == CrimeType::kPublicOrder;
  if (witnessable && rng.Chance(kWitnessProbability)) {
    d.people[d.people_count++] = {Role::kWitness, AdultIn(d.lsoa, day, rng)};
  }

  // The incident row.
  CsvOut& out = *incidents_;
  out.Open();
  AppendIncidentId(out.Buffer(), id);
  PrecisionMix mix = PrecisionOf(code);
  double u = rng.Uniform();
  const char* precision = "minute";
  int64_t from = d.minute, to = -1;
  if (u >= mix.minute && u < mix.minute + mix.day) {
    precision = "day";
    from = (d.minute / 1440) * 1440;
  } else if (u >= mix.minute + mix.day) {
    precision = "window";
    int64_t length = rng.Between(60, 72 * 60);
    from = d.minute - rng.Between(0, length);
    to = from + length;
  }
  out.Open();
  AppendDateTime(out.Buffer(), from);
  out.Open();
  if (to >= 0) AppendDateTime(out.Buffer(), to);
  out.Field(precision);
  out.Field(code.code);
  out.Field(CrimeTypeName(d.type));
  out.Field(WeaponText(d.weapon));
  bool domestic_capable = d.type == CrimeType::kViolenceAndSexualOffences || d.type == CrimeType::kPublicOrder ||
                          d.type == CrimeType::kCriminalDamageAndArson;
  if (d.type == CrimeType::kAntiSocialBehaviour) {
    out.Field("");
  } else if (d.domestic) {
    out.Field("Y");
  } else {
    out.Field(domestic_capable ? (rng.Chance(0.05) ? "" : "N") : (rng.Chance(0.5) ? "" : "N"));
  }
  double where = rng.Uniform();
  bool publish_point = where < 0.985;
  bool publish_lsoa = where < 0.995;
  out.Open();
  if (publish_point) AppendMicroDegrees(out.Buffer(), MicroDegrees(d.point.longitude));
  out.Open();
  if (publish_point) AppendMicroDegrees(out.Buffer(), MicroDegrees(d.point.latitude));
  out.Field(publish_lsoa ? std::string_view(lsoas[d.lsoa].code) : std::string_view());
  out.Field(d.outcome);
  HL_RETURN_IF_ERROR(out.End());

  // Truth of the incident.
  CsvOut& truth = *truth_incidents_;
  truth.Open();
  AppendIncidentId(truth.Buffer(), id);
  truth.Field(d.origin);
  truth.Field(d.origin_ref);
  truth.Open();
  AppendDateTime(truth.Buffer(), d.minute);
  truth.Field(code.code);
  truth.Field(CrimeTypeName(d.type));
  truth.Field(d.domestic ? "Y" : "N");
  truth.Open();
  AppendMicroDegrees(truth.Buffer(), MicroDegrees(d.point.longitude));
  truth.Open();
  AppendMicroDegrees(truth.Buffer(), MicroDegrees(d.point.latitude));
  truth.Field(lsoas[d.lsoa].code);
  HL_RETURN_IF_ERROR(truth.End());

  // People.
  for (int i = 0; i < d.people_count; ++i) {
    const Involved& who = d.people[i];
    Person p = population_.Get(who.person);
    std::string key = PersonKey(who.person);
    persons_->Field(id_text);
    persons_->Field(RoleText(who.role));
    persons_->Field(key);
    double age_known = who.role == Role::kWitness ? 0.8 : who.role == Role::kSuspect ? 0.9 : 0.98;
    if (rng.Chance(age_known)) {
      persons_->Field(static_cast<int64_t>(p.AgeOn(day)));
    } else {
      persons_->Field("");
    }
    char sex = rng.Chance(0.01) ? 'U' : SexLetter(p.sex);
    persons_->Field(std::string_view(&sex, 1));
    HL_RETURN_IF_ERROR(persons_->End());
    truth_police_persons_->Field(id_text);
    truth_police_persons_->Field(RoleText(who.role));
    truth_police_persons_->Field(key);
    truth_police_persons_->Field(who.person);
    HL_RETURN_IF_ERROR(truth_police_persons_->End());
    HL_RETURN_IF_ERROR(EmitPoliceNominal(p, key, day));
    ++involvements_written_;
  }
  ++incidents_written_;

  // A victim who is hurt may attend A&E: this incident is then known to police.
  if (d.victim >= 0 && code.emergency_department > 0) {
    double p = code.emergency_department;
    if (d.weapon == Weapon::kKnifeOrSharp || d.weapon == Weapon::kFirearm) p = std::max(p, 0.5);
    if (rng.Chance(p)) {
      Person victim = population_.Get(d.victim);
      HL_RETURN_IF_ERROR(EmitAttendance(victim, id_text, d.minute, d.point, d.lsoa, d.weapon, d.domestic, d.place, rng));
      ++matched_today_;
    }
  }

  HL_RETURN_IF_ERROR(AgencyTriggers(d, id_text, day, rng));

  // Repeats planted for later days.
  if (d.domestic && d.victim >= 0 && d.abuser >= 0 && rng.Chance(kDomesticRepeatProbability)) {
    int64_t when = day + rng.Between(kDomesticRepeatMinDays, kDomesticRepeatMaxDays);
    if (when < end_day_) {
      pending_[when % kPendingRing].push_back({Pending::kDomesticRepeat, d.type, d.victim, d.abuser, d.point, id});
    }
  }
  if (code.victim == VictimKind::kHousehold && d.type == CrimeType::kBurglary &&
      std::string_view(d.origin) != "near_repeat" && rng.Chance(kNearRepeatProbability)) {
    int64_t when = day + rng.Between(kNearRepeatMinDays, kNearRepeatMaxDays);
    if (when < end_day_) {
      GeoPoint point = PointInDisc(d.point, kNearRepeatMaxMetres, rng);
      pending_[when % kPendingRing].push_back({Pending::kNearRepeat, d.type, -1, -1, point, id});
    }
  }
  return Status::Ok();
}

// ---- A&E ---------------------------------------------------------------------------------

Status Generator::EmitAttendance(const Person& victim, const std::string& incident_id, int64_t minute, GeoPoint point,
                                 int32_t lsoa, Weapon weapon, bool domestic, const Place* place, Rng& rng) {
  // Arrival: most within hours, some the next day or later.
  double u = rng.Uniform();
  int64_t delay = u < 0.25 ? rng.Between(10, 60) : u < 0.70 ? rng.Between(60, 240) : u < 0.90 ? rng.Between(240, 720)
                                                                                               : rng.Between(720, 4320);
  int64_t arrival = minute + delay;
  int64_t arrival_day = arrival / 1440;
  CivilDate a = CivilFromDays(arrival_day);
  int64_t period_start = DaysFromCivil(a.year, a.month, 1);
  int64_t period_end = period_start + DaysInMonth(a.year, a.month) - 1;

  CsvOut& out = *istv_;
  out.Open();
  AppendDate(out.Buffer(), period_start);
  out.Open();
  AppendDate(out.Buffer(), period_end);
  out.Field(kTreatmentSite);
  std::string attendance_id = "ED";
  AppendPadded(&attendance_id, ++attendance_serial_, 8);
  out.Field(attendance_id);
  out.Open();
  AppendDateTime(out.Buffer(), arrival);
  bool date_known = rng.Chance(0.96);
  bool time_known = date_known && rng.Chance(0.78);
  out.Open();
  if (date_known) AppendDate(out.Buffer(), minute / 1440);
  out.Open();
  if (time_known) AppendTimeOfDay(out.Buffer(), minute);

  // Method.
  static constexpr const char* kOtherMethods[] = {"bottle", "glass", "brick", "dog bite", "vehicle", "hot liquid"};
  const char* method = "unknown";
  const char* method_other = "";
  switch (weapon) {
    case Weapon::kKnifeOrSharp: method = "knife_or_sharp"; break;
    case Weapon::kFirearm: method = "firearm"; break;
    case Weapon::kOther:
      if (rng.Chance(0.6)) {
        method = "blunt_object";
      } else {
        method = "other";
        method_other = kOtherMethods[rng.Below(std::size(kOtherMethods))];
      }
      break;
    case Weapon::kNone: method = rng.Chance(0.9) ? "body_part" : "unknown"; break;
    case Weapon::kUnknown: method = rng.Chance(0.5) ? "body_part" : "unknown"; break;
  }
  out.Field(method);
  out.Field(method_other);

  // Where, as the clerk wrote it.
  int age = victim.AgeOn(arrival_day);
  const char* location_type = "public_place";
  std::string description;
  auto street_name = [&](const std::string& name) {
    // Clerks abbreviate half the time: "Granby St".
    std::string s = name;
    if (rng.Chance(0.5)) {
      for (auto [full, abbreviation] : {std::pair{" Street", " St"}, std::pair{" Road", " Rd"}, std::pair{" Lane", " Ln"}}) {
        size_t at = s.rfind(full);
        if (at != std::string::npos && at + std::string_view(full).size() == s.size()) s.replace(at, s.size() - at, abbreviation);
      }
    }
    return s;
  };
  if (domestic) {
    location_type = rng.Chance(0.95) ? "home" : "public_place";
    if (rng.Chance(0.2)) description = "home address";
  } else if (place != nullptr) {
    static constexpr const char* kVenues[] = {"Wetherspoons", "nightclub", "kebab shop", "taxi rank", "bar", "McDonald's"};
    location_type = rng.Chance(0.6) ? "licensed_premises" : "public_place";
    double v = rng.Uniform();
    if (v < 0.45) {
      description = std::string("outside ") + kVenues[rng.Below(std::size(kVenues))] + " " + street_name(place->name);
    } else if (v < 0.75) {
      description = street_name(place->name);
    } else if (v < 0.9) {
      description = "town centre";
    }
  } else {
    double v = rng.Uniform();
    if (age < 18 && v < 0.15) {
      location_type = "school_or_college";
      if (rng.Chance(0.5)) description = "school";
    } else if (v < 0.25) {
      location_type = "home";
    } else if (v < 0.30) {
      location_type = "workplace";
    } else if (v < 0.34) {
      location_type = "other";
      description = rng.Chance(0.5) ? "park" : "bus station";
    } else if (v < 0.37) {
      location_type = "unknown";
    }
    if (std::string_view(location_type) == "public_place") {
      const Place* near = NearestPlace(point, 800);
      double w = rng.Uniform();
      if (near != nullptr && w < 0.6) {
        static constexpr const char* kNear[] = {"near ", "outside shops ", "bus stop ", ""};
        description = std::string(kNear[rng.Below(std::size(kNear))]) + street_name(near->name);
      } else if (w < 0.8) {
        description = "street near home";
      }
    }
  }
  out.Field(location_type);
  out.Field(description);
  out.Field(rng.Chance(0.97) ? std::string_view(kAgeBands[AgeBandIndex(age)]) : std::string_view());
  char sex = rng.Chance(0.01) ? 'U' : SexLetter(victim.sex);
  out.Field(std::string_view(&sex, 1));
  const char* relationship = "";
  if (rng.Chance(0.9)) {
    if (domestic) {
      relationship = rng.Chance(0.85) ? "partner_or_ex" : "family_member";
    } else {
      double r = rng.Uniform();
      relationship = r < 0.45 ? "stranger" : r < 0.75 ? "acquaintance" : r < 0.95 ? "unknown" : "other";
    }
  }
  out.Field(relationship);
  HL_RETURN_IF_ERROR(out.End());

  CsvOut& truth = *truth_istv_;
  truth.Field(attendance_id);
  truth.Field(victim.id);
  truth.Field(incident_id);
  truth.Open();
  AppendDateTime(truth.Buffer(), minute);
  truth.Open();
  AppendMicroDegrees(truth.Buffer(), MicroDegrees(point.longitude));
  truth.Open();
  AppendMicroDegrees(truth.Buffer(), MicroDegrees(point.latitude));
  truth.Field(geography_.lsoas()[lsoa].code);
  truth.Field(domestic ? "Y" : "N");
  return truth.End();
}

Status Generator::SpawnUnknownAttendances(int64_t day, Rng& rng) {
  // For every attendance behind which there is a police incident, on average 1.5 that
  // police never hear of (South Wales: 59% of A&E assault attendances unknown to police).
  int64_t count = rng.Poisson(kUnknownPerMatchedAttendance * static_cast<double>(matched_today_));
  matched_today_ = 0;
  const int t = static_cast<int>(CrimeType::kViolenceAndSexualOffences) - 1;
  for (int64_t i = 0; i < count; ++i) {
    auto lsoa = static_cast<int32_t>(lsoa_by_type_[t].Draw(rng));
    int64_t minute = DrawMinute(kGroupViolence, day, rng);
    bool domestic = rng.Chance(0.25);
    int64_t victim = domestic ? SelectDomesticVictim(lsoa, day, rng) : -1;
    GeoPoint point;
    const Place* place = nullptr;
    if (victim >= 0) {
      point = population_.HomePoint(population_.Get(victim));
    } else {
      domestic = false;
      int weekday = Weekday(minute / 1440);
      int hour = static_cast<int>((minute % 1440) / 60);
      bool nte_hour = ((weekday == 5 || weekday == 6) && hour >= 22) || ((weekday == 6 || weekday == 0) && hour < 3);
      if (nte_hour && rng.Chance(0.5) && nte_places_.size() > 0) {
        place = nte_place_list_[nte_places_.Draw(rng)];
        point = PointInDisc(place->point, 80, rng);
        const Lsoa* at = geography_.LsoaContaining(point);
        if (at == nullptr) {
          point = place->point;
          at = geography_.LsoaContaining(point);
        }
        if (at != nullptr) lsoa = static_cast<int32_t>(at - geography_.lsoas().data());  // else keep the drawn LSOA
        victim = SelectVictim(lsoa, AgeProfile::kNightTimeEconomy, nullptr, day, rng);
      } else {
        point = population_.RandomPointIn(lsoa, rng);
        victim = SelectVictim(lsoa, AgeProfile::kViolence, nullptr, day, rng);
      }
    }
    double w = rng.Uniform();
    Weapon weapon = w < 0.04 ? Weapon::kKnifeOrSharp : w < 0.16 ? Weapon::kOther : w < 0.90 ? Weapon::kNone : Weapon::kUnknown;
    HL_RETURN_IF_ERROR(EmitAttendance(population_.Get(victim), "", minute, point, lsoa, weapon, domestic, place, rng));
    ++unknown_attendances_;
  }
  return Status::Ok();
}

// ---- Agencies ------------------------------------------------------------------------------

Status Generator::EmitAgencyRecord(int agency, const char* event_type, int64_t event_day, const Person& person,
                                   const std::string& trigger, Rng& rng, std::string_view factors) {
  if (event_day >= end_day_ || event_day < person.birth_day) return Status::Ok();
  Identity identity = population_.IdentityOf(person);
  HeldIdentifiers held = HoldIdentifiers(person, identity, names_, error_rates_, event_day, rng);
  std::string record_id = kAgencyPrefix[agency];
  record_id += '-';
  AppendPadded(&record_id, ++agency_serial_[agency], 8);
  CsvOut& out = *agency_[agency];
  out.Field(record_id);
  out.Field(kAgencyName[agency]);
  out.Field(event_type);
  out.Open();
  AppendDate(out.Buffer(), event_day);
  out.Field(held.given_name);
  out.Field(held.surname);
  out.Field(held.date_of_birth);
  out.Field(std::string_view(&held.sex, 1));
  out.Field(held.postcode);
  out.Field(factors);
  HL_RETURN_IF_ERROR(out.End());

  truth_agency_->Field(kAgencyName[agency]);
  truth_agency_->Field(record_id);
  truth_agency_->Field(person.id);
  truth_agency_->Field(ErrorNames(held.errors));
  truth_agency_->Field(trigger);
  return truth_agency_->End();
}

// The police's nominal record behind a person key, written when the force first meets the
// person, with identifier errors at the agencies' rates. Its randomness comes from the
// person's own stream (kTagPoliceNominal), never from the day's, so adding the nominals
// changed no other output.
Status Generator::EmitPoliceNominal(const Person& person, const std::string& key, int64_t day) {
  auto written = police_nominal_written_[static_cast<size_t>(person.id)];
  if (written) return Status::Ok();
  written = true;
  Rng rng(Hash(options_.seed, kTagPoliceNominal, static_cast<uint64_t>(person.id)));
  Identity identity = population_.IdentityOf(person);
  HeldIdentifiers held = HoldIdentifiers(person, identity, names_, error_rates_, day, rng);
  CsvOut& out = *police_nominals_;
  out.Field(key);
  out.Field(held.given_name);
  out.Field(held.surname);
  out.Field(held.date_of_birth);
  out.Field(std::string_view(&held.sex, 1));
  out.Field(held.postcode);
  HL_RETURN_IF_ERROR(out.End());
  truth_police_nominals_->Field(key);
  truth_police_nominals_->Field(person.id);
  truth_police_nominals_->Field(ErrorNames(held.errors));
  return truth_police_nominals_->End();
}

Status Generator::AgencyTriggers(const Draft& d, const std::string& incident_id, int64_t day, Rng& rng) {
  for (int i = 0; i < d.people_count; ++i) {
    const Involved& who = d.people[i];
    if (who.role != Role::kOffender && who.role != Role::kSuspect) continue;
    Person p = population_.Get(who.person);
    int age = p.AgeOn(day);
    std::string_view outcome = d.outcome;
    if (age >= 10 && age < 18) {
      // Youth offending service: referral, then the disposal the outcome leads to.
      if (rng.Chance(who.role == Role::kOffender ? 0.7 : 0.2)) {
        int64_t referral = day + rng.Between(3, 21);
        HL_RETURN_IF_ERROR(EmitAgencyRecord(kYot, "referral", referral, p, incident_id, rng));
        if (who.role == Role::kOffender) {
          if (outcome == "charged") {
            double u = rng.Uniform();
            const char* order = u < 0.55 ? "referral_order" : u < 0.90 ? "youth_rehabilitation_order" : "custodial_sentence";
            HL_RETURN_IF_ERROR(EmitAgencyRecord(kYot, order, referral + rng.Between(30, 150), p, incident_id, rng));
          } else {
            HL_RETURN_IF_ERROR(EmitAgencyRecord(kYot, "out_of_court_disposal", referral + rng.Between(14, 60), p, incident_id, rng));
          }
        }
      }
    } else if (age >= 18 && who.role == Role::kOffender && outcome == "charged" && rng.Chance(0.4)) {
      // Probation: a sentence, sometimes a breach, then the end of supervision.
      double u = rng.Uniform();
      const char* start = u < 0.6 ? "community_order_start" : u < 0.85 ? "custody_start" : "licence_start";
      int64_t begins = day + rng.Between(40, 200);
      HL_RETURN_IF_ERROR(EmitAgencyRecord(kProbation, start, begins, p, incident_id, rng));
      if (rng.Chance(0.2)) HL_RETURN_IF_ERROR(EmitAgencyRecord(kProbation, "breach", begins + rng.Between(60, 300), p, incident_id, rng));
      if (rng.Chance(0.7)) {
        HL_RETURN_IF_ERROR(EmitAgencyRecord(kProbation, "supervision_end", begins + rng.Between(180, 540), p, incident_id, rng));
      }
    }
    if (age >= 18 && d.type == CrimeType::kDrugs && rng.Chance(0.15)) {
      int64_t referral = day + rng.Between(1, 60);
      HL_RETURN_IF_ERROR(EmitAgencyRecord(kSubstance, "referral", referral, p, incident_id, rng));
      if (rng.Chance(0.6)) HL_RETURN_IF_ERROR(EmitAgencyRecord(kSubstance, "treatment_start", referral + rng.Between(7, 40), p, incident_id, rng));
    }
  }
  // Police notify children's social care of children in a household with domestic abuse.
  if (d.domestic && d.victim >= 0) {
    Person victim = population_.Get(d.victim);
    Person members[kMaxHouseholdSize];
    int size = population_.HouseholdMembers(victim.household, members);
    for (int m = 0; m < size; ++m) {
      if (!members[m].is_child) continue;
      Person child = population_.Get(members[m].id);
      if (child.AgeOn(day) >= 18 || !rng.Chance(0.75)) continue;
      int64_t contact = day + rng.Between(1, 10);
      HL_RETURN_IF_ERROR(EmitAgencyRecord(kCsc, "contact", contact, child, incident_id, rng));
      double u = rng.Uniform();
      if (u < 0.35) {
        const int64_t referral = contact + rng.Between(2, 20);
        HL_RETURN_IF_ERROR(EmitAgencyRecord(kCsc, "referral", referral, child, incident_id, rng));
        // Its own stream: the assessment leaves the day's draws, and so every other output, unchanged.
        Rng arng(Hash(options_.seed, kTagAssessment, static_cast<uint64_t>(child.id), static_cast<uint64_t>(day)));
        if (arng.Chance(kAssessmentAfterReferral)) {
          const std::string factors = AssessmentFactorsOf(child, arng);
          HL_RETURN_IF_ERROR(
              EmitAgencyRecord(kCsc, "assessment", referral + arng.Between(10, 45), child, incident_id, arng, factors));
        }
      }
      if (u < 0.15) HL_RETURN_IF_ERROR(EmitAgencyRecord(kCsc, "child_in_need_plan", contact + rng.Between(20, 60), child, incident_id, rng));
      if (u < 0.06) HL_RETURN_IF_ERROR(EmitAgencyRecord(kCsc, "child_protection_plan", contact + rng.Between(20, 60), child, incident_id, rng));
    }
  }
  // Children hurt by serious violence come to social care's attention too.
  if (d.victim >= 0 && (d.type == CrimeType::kViolenceAndSexualOffences || d.type == CrimeType::kRobbery) && !d.domestic) {
    Person victim = population_.Get(d.victim);
    if (victim.AgeOn(day) < 18 && rng.Chance(0.3)) {
      HL_RETURN_IF_ERROR(EmitAgencyRecord(kCsc, "contact", day + rng.Between(1, 14), victim, incident_id, rng));
    }
  }
  return Status::Ok();
}

// Agency contacts that no police incident triggers: for each eligible person, events at
// a rate per eligible person-year (docs/synthetic-llr.md), drawn once per person.
struct PersonProcess {
  int agency;
  double per_year;  // events a year per eligible person
  bool school_days_only;
  std::array<std::pair<const char*, double>, 4> events;
};

constexpr PersonProcess kPersonProcesses[] = {
    {kExclusions, 1.7, true, {{{"suspension", 0.98}, {"permanent_exclusion", 0.02}, {"", 0}, {"", 0}}}},
    {kCsc, 0.7, false, {{{"missing_episode", 0.6}, {"looked_after_start", 0.2}, {"looked_after_end", 0.2}, {"", 0}}}},
    {kCsc, 0.15, false, {{{"missing_episode", 0.7}, {"referral", 0.3}, {"", 0}, {"", 0}}}},
    {kSubstance, 0.06, false, {{{"referral", 0.4}, {"treatment_start", 0.35}, {"treatment_exit", 0.25}, {"", 0}}}},
    {kMentalHealth, 0.05, false, {{{"referral", 0.45}, {"crisis_contact", 0.3}, {"admission", 0.1}, {"discharge", 0.15}}}},
};

bool Eligible(size_t process, const Person& p, int age) {
  switch (process) {
    case 0: return age >= 12 && age <= 16 && (p.aces & kAceSchoolExclusion);
    case 1: return age < 18 && (p.aces & kAceLookedAfter);
    case 2: return age >= 12 && age < 18 && !(p.aces & kAceLookedAfter) && p.AceCount() >= 2;
    case 3: return age >= 18 && age < 65 && (p.offending_level == 2 || ((p.aces & kAceParentalSubstanceMisuse) && !p.is_child));
    case 4: return age >= 18 && age < 80 && ((p.aces & kAceParentalMentalIllness) || p.AceCount() >= 3);
    default: return false;
  }
}

bool IsSchoolDay(int64_t day) {
  int weekday = Weekday(day);
  if (weekday == 0 || weekday == 6) return false;
  CivilDate d = CivilFromDays(day);
  if (d.month == 8) return false;
  if ((d.month == 12 && d.day >= 20) || (d.month == 1 && d.day <= 3)) return false;
  return true;
}

Status Generator::PersonAgencyEvents(const Person& p) {
  if (p.aces == 0 && p.offending_level < 2) return Status::Ok();
  Rng rng(Hash(options_.seed, kTagPersonEvents, static_cast<uint64_t>(p.id)));
  const int64_t days = end_day_ - start_day_;
  for (size_t k = 0; k < std::size(kPersonProcesses); ++k) {
    const PersonProcess& process = kPersonProcesses[k];
    // Eligible at some point of the period? (Ages change by at most `years`.)
    int first_age = p.AgeOn(start_day_), last_age = p.AgeOn(end_day_ - 1);
    if (!Eligible(k, p, first_age) && !Eligible(k, p, last_age) && !Eligible(k, p, (first_age + last_age) / 2)) continue;
    int64_t count = rng.Poisson(process.per_year * static_cast<double>(days) / 365.25);
    for (int64_t i = 0; i < count; ++i) {
      int64_t day = start_day_ + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(days)));
      for (int redraw = 0; process.school_days_only && !IsSchoolDay(day) && redraw < 20; ++redraw) {
        day = start_day_ + static_cast<int64_t>(rng.Below(static_cast<uint64_t>(days)));
      }
      double weights[4];
      for (int e = 0; e < 4; ++e) weights[e] = process.events[e].second;
      const char* event = process.events[rng.Pick(weights)].first;
      if (!Eligible(k, p, p.AgeOn(day)) || (process.school_days_only && !IsSchoolDay(day))) continue;
      HL_RETURN_IF_ERROR(EmitAgencyRecord(process.agency, event, day, p, "", rng));
    }
  }
  // Assessments of children with household adversity, from their own stream.
  if ((p.aces & kHouseholdAces) && p.AgeOn(start_day_) < 18) {
    Rng arng(Hash(options_.seed, kTagAssessment, static_cast<uint64_t>(p.id)));
    const int64_t count = arng.Poisson(kAssessmentsPerYear * static_cast<double>(days) / 365.25);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t day = start_day_ + static_cast<int64_t>(arng.Below(static_cast<uint64_t>(days)));
      const std::string factors = AssessmentFactorsOf(p, arng);
      if (p.AgeOn(day) >= 18) continue;
      HL_RETURN_IF_ERROR(EmitAgencyRecord(kCsc, "assessment", day, p, "", arng, factors));
    }
  }
  return Status::Ok();
}

// ---- The day -------------------------------------------------------------------------------

Status Generator::SimulateDay(int64_t day) {
  simulated_day_ = day;
  Rng rng(Hash(options_.seed, kTagDay, static_cast<uint64_t>(day)));
  const CivilDate date = CivilFromDays(day);
  const int weekday = Weekday(day);
  const double scale = options_.scale;
  const auto& lsoas = geography_.lsoas();
  auto lsoa_index = [&](const Lsoa* l) { return static_cast<int32_t>(l - lsoas.data()); };

  // Repeats planted on earlier days.
  std::vector<Pending> due;
  due.swap(pending_[day % kPendingRing]);
  for (const Pending& item : due) {
    Draft d;
    d.type = item.type;
    d.origin_ref = IncidentIdText(item.origin);
    if (item.kind == Pending::kDomesticRepeat) {
      int t = static_cast<int>(item.type) - 1;
      if (domestic_code_alias_[t].total() <= 0) continue;
      d.code = codes_[t][domestic_code_alias_[t].Draw(rng)];
      d.origin = "domestic_repeat";
      Person victim = population_.Get(item.victim);
      d.victim = item.victim;
      d.perpetrator = rng.Chance(0.9) ? item.perpetrator : -1;
      d.domestic = true;
      d.lsoa = victim.lsoa;
      d.point = population_.HomePoint(victim);
      d.minute = DrawMinute(GroupOf(d.type), day, rng);
      d.weapon = WeaponFromIndex(rng.Pick(d.code->weapon));
      d.abuser = item.perpetrator;  // known to the next repeat even when not identified now
      HL_RETURN_IF_ERROR(EmitIncident(d, day, rng));
    } else {
      const Lsoa* at = geography_.LsoaContaining(item.point);
      if (at == nullptr) continue;  // the planted point fell outside LLR
      d.code = burglary_residential_codes_[burglary_residential_.Draw(rng)];
      d.origin = "near_repeat";
      d.lsoa = lsoa_index(at);
      d.point = item.point;
      d.victim = population_.LsoaSize(d.lsoa) > 0 ? HouseholderIn(d.lsoa, rng) : -1;
      d.perpetrator = rng.Chance(d.code->suspect_probability) ? SelectOffender(d.lsoa, day, false, rng) : -1;
      d.minute = DrawMinute(kGroupBurglary, day, rng);
      d.weapon = WeaponFromIndex(rng.Pick(d.code->weapon));
      HL_RETURN_IF_ERROR(EmitIncident(d, day, rng));
    }
  }

  // Base incidents, by crime type.
  for (CrimeType type : AllCrimeTypes()) {
    int t = static_cast<int>(type) - 1;
    TimeGroup group = GroupOf(type);
    double mean = type_month_[t][date.month - 1] / kDaysPerMonth * day_of_week_[group][weekday] * scale;
    int64_t count = rng.Poisson(mean);
    for (int64_t i = 0; i < count; ++i) {
      Draft d;
      d.type = type;
      d.lsoa = static_cast<int32_t>(lsoa_by_type_[t].Draw(rng));
      size_t c = code_alias_[t].Draw(rng);
      d.code = codes_[t][c];
      d.domestic = rng.Chance(code_domestic_[t][c]);
      d.minute = DrawMinute(group, day, rng);
      d.weapon = WeaponFromIndex(rng.Pick(d.code->weapon));
      d.victim_profile = d.code->victim_ages;
      const OffenceCode& code = *d.code;
      if (d.domestic) {
        d.victim = SelectDomesticVictim(d.lsoa, day, rng);
        if (d.victim >= 0) {
          Person victim = population_.Get(d.victim);
          d.point = population_.HomePoint(victim);
          d.abuser = PartnerOf(victim, day);
          if (rng.Chance(0.9)) d.perpetrator = d.abuser;
        } else {
          d.domestic = false;  // no abusive household here: recorded as non-domestic
        }
      }
      if (!d.domestic) {
        switch (code.victim) {
          case VictimKind::kHousehold: {
            d.victim = HouseholderIn(d.lsoa, rng);
            d.point = population_.HomePoint(population_.Get(d.victim));
            break;
          }
          case VictimKind::kPerson:
            if (rng.Chance(code.victim_probability)) d.victim = SelectVictim(d.lsoa, code.victim_ages, &code, day, rng);
            d.point = population_.RandomPointIn(d.lsoa, rng);
            break;
          case VictimKind::kBusiness:
            if (rng.Chance(code.victim_probability)) d.victim = AdultIn(d.lsoa, day, rng);
            d.point = population_.RandomPointIn(d.lsoa, rng);
            break;
          case VictimKind::kNone:
            d.point = population_.RandomPointIn(d.lsoa, rng);
            break;
        }
        if (rng.Chance(code.suspect_probability)) {
          d.perpetrator = SelectOffender(d.lsoa, day, code.victim_ages == AgeProfile::kSexual, rng);
        }
      }
      HL_RETURN_IF_ERROR(EmitIncident(d, day, rng));
    }
  }

  // Night-time economy: Friday and Saturday nights in Leicester city centre.
  if ((weekday == 5 || weekday == 6) && !nte_place_list_.empty()) {
    for (int k = 0; k < 2; ++k) {
      CrimeType type = k == 0 ? CrimeType::kViolenceAndSexualOffences : CrimeType::kPublicOrder;
      int t = static_cast<int>(type) - 1;
      double per_night = nte_month_[k] * rates_.seasonality[t][date.month - 1] * 12.0 / (365.25 / 7) / 2 * scale;
      int64_t count = rng.Poisson(per_night);
      for (int64_t i = 0; i < count; ++i) {
        Draft d;
        d.type = type;
        d.origin = "night_time_economy";
        if (k == 0) {
          std::span<const OffenceCode> nte = NightTimeEconomyCodes();
          double w[8];
          for (size_t j = 0; j < nte.size(); ++j) w[j] = nte[j].weight;
          d.code = &nte[rng.Pick(std::span<const double>(w, nte.size()))];
        } else {
          d.code = &OffenceCodesOf(CrimeType::kPublicOrder)[0];
        }
        d.place = nte_place_list_[nte_places_.Draw(rng)];
        d.point = PointInDisc(d.place->point, 80, rng);
        const Lsoa* at = geography_.LsoaContaining(d.point);
        if (at == nullptr) {
          d.point = d.place->point;
          at = geography_.LsoaContaining(d.point);
        }
        if (at == nullptr) continue;  // BuildTables keeps only streets inside LLR: unreachable
        d.lsoa = lsoa_index(at);
        int hour = 22 + static_cast<int>(nte_hour_alias_.Draw(rng));
        d.minute = day * 1440 + hour * 60 + rng.Between(0, 59);
        d.weapon = WeaponFromIndex(rng.Pick(d.code->weapon));
        AgeProfile profile = d.code->victim_ages == AgeProfile::kSexual ? AgeProfile::kSexual : AgeProfile::kNightTimeEconomy;
        if (rng.Chance(d.code->victim_probability)) d.victim = SelectVictim(d.lsoa, profile, d.code, day, rng);
        if (rng.Chance(d.code->suspect_probability)) {
          d.perpetrator = SelectOffender(d.lsoa, day, profile == AgeProfile::kSexual, rng);
        }
        // Incidents after midnight belong to the next calendar day.
        HL_RETURN_IF_ERROR(EmitIncident(d, d.minute / 1440, rng));
      }
    }
  }

  // Planted hot spots.
  double fraction = static_cast<double>(day - start_day_) / static_cast<double>(end_day_ - start_day_);
  for (const Hotspot& h : hotspots_) {
    double mean = h.per_month * HotspotIntensity(h, fraction) / kDaysPerMonth * scale;
    int64_t count = rng.Poisson(mean);
    int t = static_cast<int>(h.type) - 1;
    for (int64_t i = 0; i < count; ++i) {
      Draft d;
      d.type = h.type;
      d.origin = "hotspot";
      d.origin_ref = "H" + std::to_string(h.id);
      d.point = PointInDisc(h.centre, h.radius_m, rng);
      const Lsoa* at = geography_.LsoaContaining(d.point);
      if (at == nullptr) continue;
      d.lsoa = lsoa_index(at);
      d.code = codes_[t][code_alias_[t].Draw(rng)];
      d.minute = DrawMinute(GroupOf(h.type), day, rng);
      d.weapon = WeaponFromIndex(rng.Pick(d.code->weapon));
      const OffenceCode& code = *d.code;
      if (code.victim == VictimKind::kPerson && rng.Chance(code.victim_probability)) {
        d.victim = SelectVictim(d.lsoa, code.victim_ages, &code, day, rng);
      } else if (code.victim == VictimKind::kHousehold) {
        d.victim = HouseholderIn(d.lsoa, rng);
      }
      if (rng.Chance(code.suspect_probability)) d.perpetrator = SelectOffender(d.lsoa, day, false, rng);
      HL_RETURN_IF_ERROR(EmitIncident(d, day, rng));
    }
  }

  // Homicides: about a dozen a year in LLR.
  {
    int64_t count = rng.Poisson(kHomicidesPerYear / 365.25 * scale);
    const int t = static_cast<int>(CrimeType::kViolenceAndSexualOffences) - 1;
    for (int64_t i = 0; i < count; ++i) {
      Draft d;
      d.type = CrimeType::kViolenceAndSexualOffences;
      d.origin = "homicide";
      std::span<const OffenceCode> codes = HomicideCodes();
      d.code = &codes[rng.Chance(0.8) ? 0 : 1];
      d.lsoa = static_cast<int32_t>(lsoa_by_type_[t].Draw(rng));
      d.minute = DrawMinute(kGroupViolence, day, rng);
      d.weapon = WeaponFromIndex(rng.Pick(d.code->weapon));
      if (rng.Chance(d.code->domestic)) d.victim = SelectDomesticVictim(d.lsoa, day, rng);
      if (d.victim >= 0) {
        Person victim = population_.Get(d.victim);
        d.domestic = true;
        d.point = population_.HomePoint(victim);
        d.abuser = PartnerOf(victim, day);
        if (rng.Chance(0.9)) d.perpetrator = d.abuser;
      } else {
        d.victim = SelectVictim(d.lsoa, AgeProfile::kViolence, d.code, day, rng);
        d.point = population_.RandomPointIn(d.lsoa, rng);
        if (rng.Chance(d.code->suspect_probability)) d.perpetrator = SelectOffender(d.lsoa, day, false, rng);
      }
      HL_RETURN_IF_ERROR(EmitIncident(d, day, rng));
    }
  }

  return SpawnUnknownAttendances(day, rng);
}

// ---- Run ---------------------------------------------------------------------------------

Status Generator::WriteManifest(const SynthReport& report) {
  std::string m = "{\n";
  auto str = [&](std::string_view key, std::string_view value, bool comma = true) {
    m += "  \"" + std::string(key) + "\": \"" + std::string(value) + "\"" + (comma ? ",\n" : "\n");
  };
  auto num = [&](std::string_view key, std::string value) { m += "  \"" + std::string(key) + "\": " + value + ",\n"; };
  str("generator", kSynthVersion);
  num("seed", std::to_string(options_.seed));
  num("years", std::to_string(options_.years));
  {
    // The scale as given, to 6 decimals, without locale or libm.
    std::string s;
    AppendMicroDegrees(&s, MicroDegrees(options_.scale));
    num("scale", s);
  }
  std::string start;
  AppendDate(&start, start_day_);
  std::string last;
  AppendDate(&last, end_day_ - 1);
  str("first_day", start);
  str("last_day", last);
  str("prng", "xoshiro256** 1.0 seeded by splitmix64; per-entity attributes by the splitmix64 finaliser (Mix64) of (seed, tag, id)");
  str("rate_source", std::string(kPoliceUkRatesSet));
  num("rate_source_months", std::to_string(rates_.months));
  num("rate_source_rows_used", std::to_string(rates_.rows_used));
  str("population_source", "reference/population_mid2018_lsoa11_llr.csv");
  num("residents", std::to_string(report.residents));
  num("incidents", std::to_string(report.incidents));
  num("involvements", std::to_string(report.involvements));
  num("attendances", std::to_string(report.attendances));
  num("attendances_unknown_to_police", std::to_string(report.attendances_unknown_to_police));
  num("agency_records", std::to_string(report.agency_records));
  m += "  \"files\": [\n";
  for (size_t i = 0; i < report.files.size(); ++i) {
    m += "    {\"path\": \"" + report.files[i].path + "\", \"rows\": " + std::to_string(report.files[i].rows) + "}";
    m += i + 1 < report.files.size() ? ",\n" : "\n";
  }
  m += "  ]\n}\n";
  return env_->WriteFile(options_.out_dir + "/manifest.json", m);
}

Status Generator::Run(SynthReport* report) {
  BuildTables();
  PlantHotspots();
  HL_RETURN_IF_ERROR(OpenFiles());
  HL_RETURN_IF_ERROR(WritePersonsTruth());
  HL_RETURN_IF_ERROR(WriteHotspotsTruth());
  HL_RETURN_IF_ERROR(WriteNearRepeatTruth());
  double began = env_->MonotonicSeconds();
  SynthProgress progress;
  progress.days_total = end_day_ - start_day_;
  for (int64_t day = start_day_; day < end_day_; ++day) {
    HL_RETURN_IF_ERROR(SimulateDay(day));
    if (options_.on_progress && ((day - start_day_) % 7 == 6 || day + 1 == end_day_)) {
      progress.days_done = day - start_day_ + 1;
      progress.incidents = incidents_written_;
      progress.elapsed_seconds = env_->MonotonicSeconds() - began;
      options_.on_progress(progress);
    }
  }
  report->residents = population_.size();
  report->incidents = incidents_written_;
  report->involvements = involvements_written_;
  report->attendances = attendance_serial_;
  report->attendances_unknown_to_police = unknown_attendances_;
  std::vector<CsvOut*> all = {incidents_.get(), persons_.get(), istv_.get()};
  for (auto& a : agency_) {
    all.push_back(a.get());
    report->agency_records += a->rows();
  }
  for (CsvOut* t : {truth_persons_.get(), truth_incidents_.get(), truth_police_persons_.get(), truth_istv_.get(),
                    truth_agency_.get(), police_nominals_.get(), truth_police_nominals_.get()}) {
    all.push_back(t);
  }
  for (CsvOut* out : all) {
    HL_RETURN_IF_ERROR(out->Close());
    report->files.push_back({out->path().substr(options_.out_dir.size() + 1), out->rows()});
  }
  report->files.push_back({"truth/hotspots.csv", static_cast<int64_t>(hotspots_.size())});
  report->files.push_back({"truth/near_repeat.csv", 10});
  return WriteManifest(*report);
}

}  // namespace

Result<SynthReport> GenerateSyntheticLlr(Env* env, const SynthOptions& options) {
  if (options.years < 1 || options.years > 100) {
    return Status::InvalidArgument("--years must be 1 to 100, not " + std::to_string(options.years));
  }
  // Below a thousandth of LLR (about 1,100 residents) most LSOAs would be empty.
  if (!(options.scale >= 0.001) || options.scale > 1000) {
    return Status::InvalidArgument("--scale must be from 0.001 to 1000");
  }
  if (options.start_month < 1 || options.start_month > 12 || options.start_year < 1900 || options.start_year > 2150) {
    return Status::InvalidArgument("--start must be a month YYYY-MM from 1900-01 to 2150-12");
  }
  if (options.out_dir.empty()) return Status::InvalidArgument("--out must name a folder");
  double began = env->MonotonicSeconds();
  HL_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceGeography> geography,
                      ReferenceGeography::Load(env, options.data_dir + "/reference"));
  HL_ASSIGN_OR_RETURN(PoliceUkRates rates,
                      ComputePoliceUkRates(env, options.data_dir + "/" + std::string(kPoliceUkRatesSet), *geography));
  HL_ASSIGN_OR_RETURN(std::unique_ptr<const NameTables> names, LoadNameTables(env, options.data_dir + "/synth"));
  auto generator = std::make_unique<Generator>(env, options, *geography, *names, rates);
  SynthReport report;
  HL_RETURN_IF_ERROR(generator->Run(&report));
  report.seconds = env->MonotonicSeconds() - began;
  return report;
}

}  // namespace harmlens::synth
