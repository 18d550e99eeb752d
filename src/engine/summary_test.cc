#include "engine/summary.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "model/behaviour_rules.h"
#include "model/geography.h"
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

constexpr char kLeicester[] = "E06000016";
constexpr char kRutland[] = "E06000017";
constexpr char kBlaby[] = "E07000129";
constexpr char kCharnwood[] = "E07000130";

// Days since 1970-01-01, from GNU date (echo $(( $(date -u -d 2022-03-31 +%s) / 86400 ))).
constexpr int64_t kDay20220131 = 19023;
constexpr int64_t kDay20220331 = 19082;
constexpr int64_t kDay20220401 = 19083;

OccurredTime Month(int year, int month) { return OccurredTime::Month({year, month}); }
OccurredTime Minute(int64_t day, int hour, int minute) {
  return {day * 1440 + hour * 60 + minute, TimePrecision::kMinute};
}

struct Place {
  std::string csp_area;
  std::string lsoa_reported;
};
const Place kNoLocation{"", ""};
Place In(const char* csp, const char* lsoa) { return {csp, lsoa}; }
// Rushcliffe 015E: a real LSOA outside LLR that police.uk rows carry (2022-10 line 9221).
const Place kOutside{"", "E01028410"};

Incident MakeIncident(int serial, OccurredTime when, CrimeType type, const Place& place,
                      Weapon weapon = Weapon::kUnknown) {
  Incident inc;
  inc.source.agency = Agency::kPoliceExtract;
  inc.source.file = "hand-made";
  inc.source.line = serial + 1;
  inc.source_id = "case-" + std::to_string(serial);
  inc.occurred = when;
  inc.crime_type = type;
  inc.weapon = weapon;
  inc.location.csp_area = place.csp_area;
  inc.location.lsoa_reported = place.lsoa_reported;
  inc.behaviours = TagBehaviours(inc);
  return inc;
}

constexpr CrimeType kViolence = CrimeType::kViolenceAndSexualOffences;
constexpr CrimeType kBurglary = CrimeType::kBurglary;
constexpr CrimeType kDrugs = CrimeType::kDrugs;
constexpr CrimeType kRobbery = CrimeType::kRobbery;
constexpr CrimeType kPublicOrder = CrimeType::kPublicOrder;
constexpr CrimeType kShoplifting = CrimeType::kShoplifting;

// Sixteen incidents, written in two batches (so the summary reads two segments). The
// expected tables in the tests below are counted by hand from this list.
std::vector<std::vector<Incident>> HandMadeBatches() {
  int n = 0;
  std::vector<Incident> first = {
      MakeIncident(++n, Month(2021, 12), kViolence, In(kLeicester, "E01013600")),
      MakeIncident(++n, Month(2022, 1), kViolence, In(kLeicester, "E01013600")),
      MakeIncident(++n, Month(2022, 1), kViolence, In(kLeicester, "E01013601")),
      // A burglary with a knife: serious violence by weapon, not by crime type.
      MakeIncident(++n, Month(2022, 1), kBurglary, In(kLeicester, "E01013601"), Weapon::kKnifeOrSharp),
      MakeIncident(++n, Month(2022, 2), kViolence, In(kLeicester, "E01013600")),
      // The last minute of March and the first minute of April.
      MakeIncident(++n, Minute(kDay20220331, 23, 59), kPublicOrder, In(kLeicester, "E01013600")),
      MakeIncident(++n, Minute(kDay20220401, 0, 0), kViolence, In(kLeicester, "E01013600")),
      MakeIncident(++n, Month(2022, 2), kBurglary, In(kRutland, "E01013790")),
  };
  std::vector<Incident> second = {
      MakeIncident(++n, Minute(kDay20220131, 23, 59), kViolence, In(kBlaby, "E01025631")),
      MakeIncident(++n, Month(2022, 1), kDrugs, In(kCharnwood, "E01025720")),
      MakeIncident(++n, Month(2022, 3), kRobbery, In(kCharnwood, "E01025720")),
      MakeIncident(++n, Month(2022, 3), kRobbery, In(kCharnwood, "E01025710")),
      MakeIncident(++n, Month(2022, 2), kViolence, kOutside),
      MakeIncident(++n, Month(2022, 3), kShoplifting, kNoLocation),
      MakeIncident(++n, Month(2022, 3), kShoplifting, kNoLocation),
      MakeIncident(++n, Month(2022, 1), kDrugs, kNoLocation),
  };
  return {first, second};
}

std::unique_ptr<Store> StoreWith(const ScratchDir& dir, const std::vector<std::vector<Incident>>& batches) {
  auto store = OpenSqliteStore(dir.File("harmlens.db"));
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return nullptr;
  auto load_id = (*store)->BeginLoad({"police-extract", "hand-made", 0, std::string(kBehaviourRulesVersion)});
  EXPECT_TRUE(load_id.ok()) << load_id.status().ToString();
  int64_t batch_no = 0;
  for (const std::vector<Incident>& incidents : batches) {
    IncidentBatch batch;
    batch.load_id = *load_id;
    batch.batch_no = batch_no++;
    batch.incidents = incidents;
    auto counts = (*store)->WriteBatch(batch);
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    if (counts.ok()) {
      EXPECT_EQ(counts->rows.stored, static_cast<int64_t>(incidents.size()));
    }
  }
  EXPECT_TRUE((*store)->FinishLoad(*load_id, "").ok());
  return std::move(store).value();
}

// One line per row: "csp_area csp_code month crime_type count", compared as text so a
// failure shows the whole table.
std::string Table(const std::vector<SummaryRow>& rows) {
  std::ostringstream out;
  for (const SummaryRow& r : rows) {
    out << r.csp_area << " | " << (r.csp_code.empty() ? "-" : r.csp_code) << " | " << r.month.ToString()
        << " | " << CrimeTypeName(r.crime_type) << " | " << r.incidents << "\n";
  }
  return out.str();
}

class SummaryOverHandMadeIncidents : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = StoreWith(dir_, HandMadeBatches());
    ASSERT_NE(store_, nullptr);
    auto n = store_->CountIncidents();
    ASSERT_TRUE(n.ok());
    ASSERT_EQ(*n, 16);
  }
  std::string Run(const SummaryQuery& query) {
    auto rows = Summarise(store_.get(), query);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? Table(*rows) : "(error) " + rows.status().ToString();
  }

  ScratchDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SummaryOverHandMadeIncidents, groups_every_incident_by_csp_month_and_crime_type) {
  // LLR areas in code order, then the two labels; within each, month then type id.
  EXPECT_EQ(Run({}),
            "Leicester | E06000016 | 2021-12 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-01 | Burglary | 1\n"
            "Leicester | E06000016 | 2022-01 | Violence and sexual offences | 2\n"
            "Leicester | E06000016 | 2022-02 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-03 | Public order | 1\n"
            "Leicester | E06000016 | 2022-04 | Violence and sexual offences | 1\n"
            "Rutland | E06000017 | 2022-02 | Burglary | 1\n"
            "Blaby | E07000129 | 2022-01 | Violence and sexual offences | 1\n"
            "Charnwood | E07000130 | 2022-01 | Drugs | 1\n"
            "Charnwood | E07000130 | 2022-03 | Robbery | 2\n"
            "(outside LLR) | - | 2022-02 | Violence and sexual offences | 1\n"
            "(no location) | - | 2022-01 | Drugs | 1\n"
            "(no location) | - | 2022-03 | Shoplifting | 2\n");
}

TEST_F(SummaryOverHandMadeIncidents, counts_add_up_to_every_stored_incident) {
  auto rows = Summarise(store_.get(), {});
  ASSERT_TRUE(rows.ok());
  int64_t total = 0;
  for (const SummaryRow& r : *rows) total += r.incidents;
  EXPECT_EQ(total, 16);
}

TEST_F(SummaryOverHandMadeIncidents, from_and_to_are_inclusive_month_bounds) {
  SummaryQuery query;
  query.from = YearMonth{2022, 1};
  query.to = YearMonth{2022, 3};
  // Drops only Leicester 2021-12 and the 2022-04-01 00:00 incident.
  EXPECT_EQ(Run(query),
            "Leicester | E06000016 | 2022-01 | Burglary | 1\n"
            "Leicester | E06000016 | 2022-01 | Violence and sexual offences | 2\n"
            "Leicester | E06000016 | 2022-02 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-03 | Public order | 1\n"
            "Rutland | E06000017 | 2022-02 | Burglary | 1\n"
            "Blaby | E07000129 | 2022-01 | Violence and sexual offences | 1\n"
            "Charnwood | E07000130 | 2022-01 | Drugs | 1\n"
            "Charnwood | E07000130 | 2022-03 | Robbery | 2\n"
            "(outside LLR) | - | 2022-02 | Violence and sexual offences | 1\n"
            "(no location) | - | 2022-01 | Drugs | 1\n"
            "(no location) | - | 2022-03 | Shoplifting | 2\n");
}

TEST_F(SummaryOverHandMadeIncidents, a_single_month_keeps_its_last_minute_and_drops_the_next_first_minute) {
  SummaryQuery query;
  query.from = YearMonth{2022, 3};
  query.to = YearMonth{2022, 3};
  EXPECT_EQ(Run(query),
            "Leicester | E06000016 | 2022-03 | Public order | 1\n"
            "Charnwood | E07000130 | 2022-03 | Robbery | 2\n"
            "(no location) | - | 2022-03 | Shoplifting | 2\n");
  query.from = YearMonth{2022, 4};
  query.to = YearMonth{2022, 4};
  EXPECT_EQ(Run(query), "Leicester | E06000016 | 2022-04 | Violence and sexual offences | 1\n");
}

TEST_F(SummaryOverHandMadeIncidents, a_period_starting_on_a_month_keeps_that_months_first_incidents) {
  SummaryQuery query;
  query.from = YearMonth{2022, 2};
  query.to = YearMonth{2022, 2};
  EXPECT_EQ(Run(query),
            "Leicester | E06000016 | 2022-02 | Violence and sexual offences | 1\n"
            "Rutland | E06000017 | 2022-02 | Burglary | 1\n"
            "(outside LLR) | - | 2022-02 | Violence and sexual offences | 1\n");
}

TEST_F(SummaryOverHandMadeIncidents, an_open_ended_period_runs_to_the_first_or_last_incident) {
  SummaryQuery from_only;
  from_only.from = YearMonth{2022, 3};
  EXPECT_EQ(Run(from_only),
            "Leicester | E06000016 | 2022-03 | Public order | 1\n"
            "Leicester | E06000016 | 2022-04 | Violence and sexual offences | 1\n"
            "Charnwood | E07000130 | 2022-03 | Robbery | 2\n"
            "(no location) | - | 2022-03 | Shoplifting | 2\n");
  SummaryQuery to_only;
  to_only.to = YearMonth{2022, 1};
  EXPECT_EQ(Run(to_only),
            "Leicester | E06000016 | 2021-12 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-01 | Burglary | 1\n"
            "Leicester | E06000016 | 2022-01 | Violence and sexual offences | 2\n"
            "Blaby | E07000129 | 2022-01 | Violence and sexual offences | 1\n"
            "Charnwood | E07000130 | 2022-01 | Drugs | 1\n"
            "(no location) | - | 2022-01 | Drugs | 1\n");
}

TEST_F(SummaryOverHandMadeIncidents, a_period_with_no_incidents_gives_no_rows) {
  SummaryQuery query;
  query.from = YearMonth{2019, 1};
  query.to = YearMonth{2019, 2};
  EXPECT_EQ(Run(query), "");
}

TEST_F(SummaryOverHandMadeIncidents, the_csp_filter_keeps_only_that_area) {
  SummaryQuery query;
  query.csp_area = kCharnwood;
  EXPECT_EQ(Run(query),
            "Charnwood | E07000130 | 2022-01 | Drugs | 1\n"
            "Charnwood | E07000130 | 2022-03 | Robbery | 2\n");
  query.csp_area = kRutland;
  EXPECT_EQ(Run(query), "Rutland | E06000017 | 2022-02 | Burglary | 1\n");
}

TEST_F(SummaryOverHandMadeIncidents, the_csp_filter_combines_with_the_period) {
  SummaryQuery query;
  query.csp_area = kLeicester;
  query.from = YearMonth{2022, 2};
  query.to = YearMonth{2022, 3};
  EXPECT_EQ(Run(query),
            "Leicester | E06000016 | 2022-02 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-03 | Public order | 1\n");
}

TEST_F(SummaryOverHandMadeIncidents, an_area_with_no_incidents_gives_no_rows) {
  SummaryQuery query;
  query.csp_area = "E07000133";  // Melton: nothing in the hand-made set
  EXPECT_EQ(Run(query), "");
}

TEST_F(SummaryOverHandMadeIncidents, the_behaviour_filter_uses_the_stored_tags) {
  SummaryQuery query;
  query.behaviour = HarmfulBehaviour::kSeriousViolence;
  // Violence and robbery by type, and the knife burglary by weapon; not public order,
  // drugs or shoplifting.
  EXPECT_EQ(Run(query),
            "Leicester | E06000016 | 2021-12 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-01 | Burglary | 1\n"
            "Leicester | E06000016 | 2022-01 | Violence and sexual offences | 2\n"
            "Leicester | E06000016 | 2022-02 | Violence and sexual offences | 1\n"
            "Leicester | E06000016 | 2022-04 | Violence and sexual offences | 1\n"
            "Blaby | E07000129 | 2022-01 | Violence and sexual offences | 1\n"
            "Charnwood | E07000130 | 2022-03 | Robbery | 2\n"
            "(outside LLR) | - | 2022-02 | Violence and sexual offences | 1\n");
  query.behaviour = HarmfulBehaviour::kSubstanceMisuse;
  EXPECT_EQ(Run(query),
            "Charnwood | E07000130 | 2022-01 | Drugs | 1\n"
            "(no location) | - | 2022-01 | Drugs | 1\n");
  query.behaviour = HarmfulBehaviour::kDomesticAbuse;
  EXPECT_EQ(Run(query), "");
}

TEST_F(SummaryOverHandMadeIncidents, all_three_filters_combine) {
  SummaryQuery query;
  query.behaviour = HarmfulBehaviour::kSeriousViolence;
  query.csp_area = kLeicester;
  query.from = YearMonth{2022, 1};
  query.to = YearMonth{2022, 1};
  EXPECT_EQ(Run(query),
            "Leicester | E06000016 | 2022-01 | Burglary | 1\n"
            "Leicester | E06000016 | 2022-01 | Violence and sexual offences | 2\n");
}

TEST_F(SummaryOverHandMadeIncidents, the_csp_filter_leaves_out_incidents_outside_llr_or_without_location) {
  for (const CspArea& area : LlrCspAreas()) {
    SummaryQuery query;
    query.csp_area = std::string(area.code);
    auto rows = Summarise(store_.get(), query);
    ASSERT_TRUE(rows.ok());
    for (const SummaryRow& r : *rows) EXPECT_EQ(r.csp_code, area.code) << Table(*rows);
  }
}

TEST_F(SummaryOverHandMadeIncidents, to_before_from_is_an_invalid_empty_period) {
  SummaryQuery query;
  query.from = YearMonth{2022, 3};
  query.to = YearMonth{2022, 2};
  auto rows = Summarise(store_.get(), query);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rows.status().message(), "the period is empty: --to 2022-02 is before --from 2022-03");
}

TEST_F(SummaryOverHandMadeIncidents, to_a_year_before_from_is_refused_even_with_a_later_month_number) {
  SummaryQuery query;
  query.from = YearMonth{2022, 1};
  query.to = YearMonth{2021, 12};
  auto rows = Summarise(store_.get(), query);
  ASSERT_FALSE(rows.ok());
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
}

TEST(Summarise, an_empty_store_gives_no_rows) {
  ScratchDir dir;
  std::unique_ptr<Store> store = StoreWith(dir, {});
  ASSERT_NE(store, nullptr);
  auto rows = Summarise(store.get(), {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(rows->empty());
}

TEST(Summarise, an_lsoa_found_only_by_point_outside_any_csp_is_outside_llr) {
  ScratchDir dir;
  Incident inc = MakeIncident(1, Month(2022, 5), kViolence, kNoLocation);
  inc.location.lsoa_by_point = "E01028410";
  std::unique_ptr<Store> store = StoreWith(dir, {{inc}});
  ASSERT_NE(store, nullptr);
  auto rows = Summarise(store.get(), {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Table(*rows), "(outside LLR) | - | 2022-05 | Violence and sexual offences | 1\n");
}

TEST(Summarise, a_district_code_outside_llr_is_counted_outside_llr_not_as_no_location) {
  // IncidentLocation::csp_area should hold only LLR codes, but a feed may one day carry
  // a neighbouring district's (here Rushcliffe, E07000176). The incident has a location,
  // so it must not be reported as having none.
  ScratchDir dir;
  Incident inc = MakeIncident(1, Month(2022, 5), kViolence, {"E07000176", "E01028410"});
  std::unique_ptr<Store> store = StoreWith(dir, {{inc}});
  ASSERT_NE(store, nullptr);
  auto rows = Summarise(store.get(), {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(Table(*rows), "(outside LLR) | - | 2022-05 | Violence and sexual offences | 1\n");
}

// Two sources in one store: the extract's sixteen incidents and three A&E attendances,
// one of them the same event as an extract incident (the summary cannot tell).
TEST(SummaryOfSources, counts_one_source_when_asked_and_lists_the_sources_it_would_add_up) {
  ScratchDir dir;
  std::vector<std::vector<Incident>> batches = HandMadeBatches();
  std::vector<Incident> attendances;
  for (int i = 0; i < 3; ++i) {
    Incident inc = MakeIncident(100 + i, Month(2022, 1), kViolence, In(kLeicester, "E01013600"));
    inc.source.agency = Agency::kEmergencyDepartment;
    attendances.push_back(inc);
  }
  batches.push_back(attendances);
  std::unique_ptr<Store> store = StoreWith(dir, batches);
  ASSERT_NE(store, nullptr);
  auto count = [&](std::optional<Agency> agency) {
    SummaryQuery query;
    query.agency = agency;
    query.from = YearMonth{2022, 1};
    query.to = YearMonth{2022, 1};
    query.csp_area = "E06000016";
    auto rows = Summarise(store.get(), query);
    EXPECT_TRUE(rows.ok());
    int64_t total = 0;
    for (const SummaryRow& r : *rows) total += r.incidents;
    return total;
  };
  // By hand from HandMadeBatches: Leicester, 2022-01 holds 3 extract incidents.
  EXPECT_EQ(count(Agency::kPoliceExtract), 3);
  EXPECT_EQ(count(Agency::kEmergencyDepartment), 3);
  EXPECT_EQ(count(std::nullopt), 6);
  EXPECT_EQ(count(Agency::kPoliceUk), 0);
  auto sources = SourcesIn(store.get(), {});
  ASSERT_TRUE(sources.ok());
  EXPECT_EQ(*sources, (std::vector<Agency>{Agency::kPoliceExtract, Agency::kEmergencyDepartment}));
  SummaryQuery december;
  december.from = december.to = YearMonth{2021, 12};
  EXPECT_EQ(*SourcesIn(store.get(), december), (std::vector<Agency>{Agency::kPoliceExtract}));
}

}  // namespace
}  // namespace harmlens
