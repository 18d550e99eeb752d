#include "spatial/plain_csv.h"

#include <gtest/gtest.h>

namespace harmlens {
namespace {

TEST(ReadPlainPoints, reads_columns_by_name_with_optional_weights) {
  auto p = ReadPlainPoints("y,x,weight,note\n304000,458000,2,a\r\n304100.5,458200,0.5,\"b,c\"\n", "pts.csv");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->points.size(), 2u);
  EXPECT_EQ(p->points[1].x, 458200);
  EXPECT_EQ(p->points[1].y, 304100.5);
  EXPECT_EQ(p->weights, (std::vector<double>{2, 0.5}));
  auto plain = ReadPlainPoints("x,y\n1,2\n", "pts.csv");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->weights.empty());
}

TEST(ReadPlainPoints, names_the_file_line_and_column_of_a_bad_value) {
  auto p = ReadPlainPoints("x,y\n1,2\n3,north\n", "pts.csv");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().where().line, 3);
  EXPECT_EQ(p.status().where().column, "y");
  EXPECT_EQ(p.status().message(),
            "cannot read \"north\" as a number (expected British National Grid northing in metres)");
  auto missing = ReadPlainPoints("east,north\n1,2\n", "pts.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "no column \"x\" in the header (expected x,y and optionally weight)");
  auto negative = ReadPlainPoints("x,y,weight\n1,2,-1\n", "pts.csv");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().where().column, "weight");
  auto ragged = ReadPlainPoints("x,y\n1,2,3\n", "pts.csv");
  ASSERT_FALSE(ragged.ok());
  EXPECT_EQ(ragged.status().message(), "expected 2 fields, found 3");
  EXPECT_FALSE(ReadPlainPoints("", "pts.csv").ok());
  EXPECT_FALSE(ReadPlainPoints("x,y\n", "pts.csv").ok());
  EXPECT_FALSE(ReadPlainPoints("x,y\nnan,1\n", "pts.csv").ok());
}

TEST(ReadPlainZones, reads_id_x_y_value) {
  auto z = ReadPlainZones("id,x,y,value\nA,0,0,1\nB,100,0,2\nC,0,100,3\n", "zones.csv");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->ids, (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(z->values[2], 3);
  EXPECT_FALSE(ReadPlainZones("id,x,y\nA,0,0\n", "zones.csv").ok());
}

TEST(ReadPlainEvents, takes_days_from_dates_and_months_from_months) {
  auto d = ReadPlainEvents("x,y,date\n1,2,1970-01-03\n", "ev.csv");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->unit, KnoxTimeUnit::kDay);
  EXPECT_EQ(d->events[0].time, 2);
  auto m = ReadPlainEvents("x,y,month\n1,2,2022-03\n", "ev.csv");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->unit, KnoxTimeUnit::kMonth);
  EXPECT_EQ(m->events[0].time, 2022 * 12 + 2);
  auto bad = ReadPlainEvents("x,y,date\n1,2,2022-02-30\n", "ev.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "cannot read \"2022-02-30\" as a date (expected YYYY-MM-DD)");
  EXPECT_FALSE(ReadPlainEvents("x,y,date,month\n1,2,2022-01-01,2022-01\n", "ev.csv").ok());
}

}  // namespace
}  // namespace harmlens
