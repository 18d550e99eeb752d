#include "spatial/plain_csv.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "base/csv.h"
#include "model/time.h"

namespace harmlens {

namespace {

// A header row and the index of each named column; `required` columns must be there.
class Columns {
 public:
  static Result<Columns> Read(CsvReader& reader, const std::string& file,
                              std::vector<std::string_view> required, const char* expected) {
    CsvRecord header;
    if (!reader.Next(&header) || header.blank) {
      return Status::RejectedInput("the file is empty (expected a header: " + std::string(expected) + ")",
                                   {file, 1, ""});
    }
    Columns c;
    for (std::string_view f : header.fields) c.names_.emplace_back(f);
    for (std::string_view r : required) {
      if (c.Find(r) < 0) {
        return Status::RejectedInput(
            "no column \"" + std::string(r) + "\" in the header (expected " + expected + ")", {file, 1, ""});
      }
    }
    return c;
  }
  int Find(std::string_view name) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i] == name) return static_cast<int>(i);
    }
    return -1;
  }
  size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
};

Status CheckRecord(const CsvRecord& rec, const Columns& cols, const std::string& file) {
  if (!rec.error.empty()) return Status::RejectedInput(rec.error, {file, rec.line, ""});
  if (rec.fields.size() != cols.size()) {
    return Status::RejectedInput(
        "expected " + std::to_string(cols.size()) + " fields, found " + std::to_string(rec.fields.size()),
        {file, rec.line, ""});
  }
  return Status::Ok();
}

Result<double> Number(const CsvRecord& rec, int col, const char* name, const std::string& file,
                      const char* what) {
  std::string_view text = rec.fields[col];
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return Status::RejectedInput(
        "cannot read \"" + std::string(text) + "\" as a number (expected " + what + ")",
        {file, rec.line, name});
  }
  return v;
}

}  // namespace

Result<PlainPoints> ReadPlainPoints(std::string_view bytes, const std::string& file) {
  CsvReader reader(bytes);
  HL_ASSIGN_OR_RETURN(Columns cols, Columns::Read(reader, file, {"x", "y"}, "x,y and optionally weight"));
  const int x = cols.Find("x"), y = cols.Find("y"), w = cols.Find("weight");
  PlainPoints out;
  CsvRecord rec;
  while (reader.Next(&rec)) {
    if (rec.blank) continue;
    HL_RETURN_IF_ERROR(CheckRecord(rec, cols, file));
    HL_ASSIGN_OR_RETURN(double vx, Number(rec, x, "x", file, "British National Grid easting in metres"));
    HL_ASSIGN_OR_RETURN(double vy, Number(rec, y, "y", file, "British National Grid northing in metres"));
    out.points.push_back({vx, vy});
    if (w >= 0) {
      HL_ASSIGN_OR_RETURN(double vw, Number(rec, w, "weight", file, "a weight of zero or more"));
      if (vw < 0) {
        return Status::RejectedInput("a weight cannot be negative, got " + std::string(rec.fields[w]),
                                     {file, rec.line, "weight"});
      }
      out.weights.push_back(vw);
    }
  }
  if (out.points.empty()) return Status::RejectedInput("no points after the header", {file, 0, ""});
  return out;
}

Result<PlainZones> ReadPlainZones(std::string_view bytes, const std::string& file) {
  CsvReader reader(bytes);
  HL_ASSIGN_OR_RETURN(Columns cols, Columns::Read(reader, file, {"id", "x", "y", "value"}, "id,x,y,value"));
  const int id = cols.Find("id"), x = cols.Find("x"), y = cols.Find("y"), v = cols.Find("value");
  PlainZones out;
  CsvRecord rec;
  while (reader.Next(&rec)) {
    if (rec.blank) continue;
    HL_RETURN_IF_ERROR(CheckRecord(rec, cols, file));
    HL_ASSIGN_OR_RETURN(double vx, Number(rec, x, "x", file, "British National Grid easting in metres"));
    HL_ASSIGN_OR_RETURN(double vy, Number(rec, y, "y", file, "British National Grid northing in metres"));
    HL_ASSIGN_OR_RETURN(double vv, Number(rec, v, "value", file, "a number"));
    out.ids.emplace_back(rec.fields[id]);
    out.centres.push_back({vx, vy});
    out.values.push_back(vv);
  }
  if (out.ids.size() < 3)
    return Status::RejectedInput("needs at least three zones after the header", {file, 0, ""});
  return out;
}

Result<PlainEvents> ReadPlainEvents(std::string_view bytes, const std::string& file) {
  CsvReader reader(bytes);
  HL_ASSIGN_OR_RETURN(
      Columns cols, Columns::Read(reader, file, {"x", "y"}, "x,y and date (YYYY-MM-DD) or month (YYYY-MM)"));
  const int x = cols.Find("x"), y = cols.Find("y"), date = cols.Find("date"), month = cols.Find("month");
  if ((date < 0) == (month < 0)) {
    return Status::RejectedInput(
        "expected exactly one time column: \"date\" (YYYY-MM-DD, day bands) or \"month\" (YYYY-MM, month "
        "bands)",
        {file, 1, ""});
  }
  PlainEvents out;
  out.unit = date >= 0 ? KnoxTimeUnit::kDay : KnoxTimeUnit::kMonth;
  CsvRecord rec;
  while (reader.Next(&rec)) {
    if (rec.blank) continue;
    HL_RETURN_IF_ERROR(CheckRecord(rec, cols, file));
    HL_ASSIGN_OR_RETURN(double vx, Number(rec, x, "x", file, "British National Grid easting in metres"));
    HL_ASSIGN_OR_RETURN(double vy, Number(rec, y, "y", file, "British National Grid northing in metres"));
    int64_t t = 0;
    if (date >= 0) {
      std::optional<CivilDate> d = ParseCivilDate(rec.fields[date]);
      if (!d) {
        return Status::RejectedInput(
            "cannot read \"" + std::string(rec.fields[date]) + "\" as a date (expected YYYY-MM-DD)",
            {file, rec.line, "date"});
      }
      t = d->DaysSinceEpoch();
    } else {
      std::optional<YearMonth> m = ParseYearMonth(rec.fields[month]);
      if (!m) {
        return Status::RejectedInput(
            "cannot read \"" + std::string(rec.fields[month]) + "\" as a month (expected YYYY-MM)",
            {file, rec.line, "month"});
      }
      t = m->Index();
    }
    out.events.push_back({{vx, vy}, t});
  }
  if (out.events.empty()) return Status::RejectedInput("no events after the header", {file, 0, ""});
  return out;
}

}  // namespace harmlens
