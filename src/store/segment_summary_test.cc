#include "store/segment_summary.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>

namespace harmlens {
namespace {

Incident MakeIncident(CrimeType type, YearMonth month, const std::string& csp, bool lsoa) {
  Incident inc;
  inc.crime_type = type;
  inc.occurred = OccurredTime::Month(month);
  inc.location.csp_area = csp;
  if (lsoa) inc.location.lsoa_reported = "E01025635";
  return inc;
}

using CellKey = std::tuple<int, int, std::string, bool>;  // crime type, month index, area, LSOA known

std::map<CellKey, int64_t> Cells(const SegmentSummary& summary) {
  std::map<CellKey, int64_t> cells;
  Status status = summary.ForEachCell([&](const IncidentCount& c) {
    cells[{static_cast<int>(c.crime_type), c.month.Index(), std::string(c.csp_area), c.has_lsoa}] += c.incidents;
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok());
  return cells;
}

TEST(SegmentSummary, counts_each_cell_and_the_span_of_times_and_people) {
  const YearMonth jan{2022, 1}, mar{2022, 3};
  std::vector<Incident> incidents = {
      MakeIncident(CrimeType::kBurglary, jan, "E06000016", true),
      MakeIncident(CrimeType::kBurglary, jan, "E06000016", true),
      MakeIncident(CrimeType::kBurglary, jan, "E06000016", false),
      MakeIncident(CrimeType::kBurglary, mar, "E07000129", true),
      MakeIncident(CrimeType::kAntiSocialBehaviour, mar, "", false),
  };
  incidents[3].involvements.resize(2);
  incidents[4].involvements.resize(1);
  SegmentSummary summary;
  for (const Incident& inc : incidents) summary.Add(inc);

  EXPECT_EQ(summary.rows(), 5);
  EXPECT_EQ(summary.involvements(), 3);
  EXPECT_EQ(summary.min_minute(), OccurredTime::Month(jan).local_minute);
  EXPECT_EQ(summary.max_minute(), OccurredTime::Month(mar).local_minute);
  const int burglary = static_cast<int>(CrimeType::kBurglary), asb = static_cast<int>(CrimeType::kAntiSocialBehaviour);
  std::map<CellKey, int64_t> expected = {
      {{burglary, jan.Index(), "E06000016", true}, 2},
      {{burglary, jan.Index(), "E06000016", false}, 1},
      {{burglary, mar.Index(), "E07000129", true}, 1},
      {{asb, mar.Index(), "", false}, 1},
  };
  EXPECT_EQ(Cells(summary), expected);

  summary.Clear();
  EXPECT_EQ(summary.rows(), 0);
  EXPECT_EQ(summary.involvements(), 0);
  EXPECT_TRUE(Cells(summary).empty());
  summary.Add(incidents[3]);
  EXPECT_EQ(summary.min_minute(), summary.max_minute());
  EXPECT_EQ(Cells(summary), (std::map<CellKey, int64_t>{{{burglary, mar.Index(), "E07000129", true}, 1}}));
}

}  // namespace
}  // namespace harmlens
