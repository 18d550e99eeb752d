// The plain CSV files analysts bring to `harmlens hotspots` and `harmlens nearrepeat`,
// in British National Grid metres: points (x,y[,weight]), zones (id,x,y,value) and
// events (x,y and date YYYY-MM-DD or month YYYY-MM). Columns are found by name (any
// order; others ignored). The bytes are untrusted: errors name the file, line and
// column. Pure functions over bytes already read: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "spatial/british_grid.h"
#include "spatial/knox.h"

namespace harmlens {

struct PlainPoints {
  std::vector<GridPoint> points;
  std::vector<double> weights;  // empty when the file has no weight column
};
Result<PlainPoints> ReadPlainPoints(std::string_view bytes, const std::string& file);

struct PlainZones {
  std::vector<std::string> ids;
  std::vector<GridPoint> centres;
  std::vector<double> values;
};
Result<PlainZones> ReadPlainZones(std::string_view bytes, const std::string& file);

struct PlainEvents {
  std::vector<KnoxEvent> events;           // time in days since 1970-01-01, or months since year 0
  KnoxTimeUnit unit = KnoxTimeUnit::kDay;  // kDay with a `date` column, kMonth with `month`
};
Result<PlainEvents> ReadPlainEvents(std::string_view bytes, const std::string& file);

}  // namespace harmlens
