#include "synth/tables.h"

#include <charconv>
#include <map>
#include <memory>

#include "base/csv.h"

namespace harmlens::synth {
namespace {

struct Rows {
  std::string path;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
};

Result<Rows> ReadCsv(Env* env, const std::string& path, const std::vector<std::string>& header) {
  HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
  Rows out;
  out.path = path;
  CsvReader reader(file->bytes());
  CsvRecord record;
  bool first = true;
  while (reader.Next(&record)) {
    if (record.blank) continue;
    if (!record.error.empty()) return Status::RejectedInput(record.error, {path, record.line, ""});
    std::vector<std::string> fields(record.fields.begin(), record.fields.end());
    if (first) {
      if (fields != header) {
        std::string expected;
        for (const std::string& h : header) expected += (expected.empty() ? "" : ",") + h;
        return Status::RejectedInput("unexpected header (expected " + expected + ")", {path, record.line, ""});
      }
      first = false;
      continue;
    }
    if (fields.size() != header.size()) {
      return Status::RejectedInput("expected " + std::to_string(header.size()) + " fields, found " +
                                       std::to_string(fields.size()),
                                   {path, record.line, ""});
    }
    out.rows.push_back(std::move(fields));
    out.lines.push_back(record.line);
  }
  if (first) return Status::RejectedInput("the file is empty", {path, 0, ""});
  return out;
}

Result<double> ReadNumber(const Rows& rows, size_t r, size_t c, const std::string& column) {
  const std::string& text = rows.rows[r][c];
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Status::RejectedInput("cannot read \"" + text + "\" as a number", {rows.path, rows.lines[r], column});
  }
  return value;
}

}  // namespace

Result<std::unique_ptr<const NameTables>> LoadNameTables(Env* env, const std::string& dir) {
  auto tables = std::make_unique<NameTables>();

  HL_ASSIGN_OR_RETURN(Rows given, ReadCsv(env, dir + "/given_names.csv",
                                          {"name", "sex", "weight_born_before_1970", "weight_born_1970_1994",
                                           "weight_born_1995_on"}));
  std::vector<double> weights[2][kBirthEraCount];
  std::map<std::string, uint32_t> given_by_name;
  for (size_t r = 0; r < given.rows.size(); ++r) {
    const std::string& sex = given.rows[r][1];
    if (sex != "F" && sex != "M") {
      return Status::RejectedInput("sex must be F or M, not \"" + sex + "\"", {given.path, given.lines[r], "sex"});
    }
    int s = sex == "F" ? 0 : 1;
    auto index = static_cast<uint32_t>(tables->given_names.size());
    tables->given_names.push_back(given.rows[r][0]);
    given_by_name[given.rows[r][0]] = index;
    for (int era = 0; era < kBirthEraCount; ++era) {
      HL_ASSIGN_OR_RETURN(double w, ReadNumber(given, r, 2 + era, "weight"));
      weights[s][era].push_back(w);
      tables->given_index[s].resize(kBirthEraCount);
      tables->given_index[s][era].push_back(index);
    }
  }
  for (int s = 0; s < 2; ++s) {
    for (int era = 0; era < kBirthEraCount; ++era) tables->given[s][era] = AliasTable(weights[s][era]);
  }
  tables->variants.resize(tables->given_names.size());

  HL_ASSIGN_OR_RETURN(Rows variants, ReadCsv(env, dir + "/name_variants.csv", {"name", "variant", "kind"}));
  for (size_t r = 0; r < variants.rows.size(); ++r) {
    auto it = given_by_name.find(variants.rows[r][0]);
    if (it == given_by_name.end()) {
      return Status::RejectedInput("\"" + variants.rows[r][0] + "\" is not in given_names.csv",
                                   {variants.path, variants.lines[r], "name"});
    }
    const std::string& kind = variants.rows[r][2];
    if (kind != "nickname" && kind != "spelling") {
      return Status::RejectedInput("kind must be nickname or spelling", {variants.path, variants.lines[r], "kind"});
    }
    tables->variants[it->second].push_back({variants.rows[r][1], kind == "nickname"});
  }

  HL_ASSIGN_OR_RETURN(Rows surnames, ReadCsv(env, dir + "/surnames.csv", {"surname", "weight"}));
  std::vector<double> surname_weights;
  for (size_t r = 0; r < surnames.rows.size(); ++r) {
    tables->surnames.push_back(surnames.rows[r][0]);
    HL_ASSIGN_OR_RETURN(double w, ReadNumber(surnames, r, 1, "weight"));
    surname_weights.push_back(w);
  }
  tables->surname = AliasTable(surname_weights);

  HL_ASSIGN_OR_RETURN(Rows places, ReadCsv(env, dir + "/places.csv",
                                           {"name", "kind", "csp_area", "longitude", "latitude", "weight"}));
  for (size_t r = 0; r < places.rows.size(); ++r) {
    Place place;
    place.name = places.rows[r][0];
    const std::string& kind = places.rows[r][1];
    if (kind == "nte_street") {
      place.kind = PlaceKind::kNteStreet;
    } else if (kind == "town_centre") {
      place.kind = PlaceKind::kTownCentre;
    } else if (kind == "suburb") {
      place.kind = PlaceKind::kSuburb;
    } else {
      return Status::RejectedInput("kind must be nte_street, town_centre or suburb", {places.path, places.lines[r], "kind"});
    }
    place.csp_area = places.rows[r][2];
    HL_ASSIGN_OR_RETURN(place.point.longitude, ReadNumber(places, r, 3, "longitude"));
    HL_ASSIGN_OR_RETURN(place.point.latitude, ReadNumber(places, r, 4, "latitude"));
    HL_ASSIGN_OR_RETURN(place.weight, ReadNumber(places, r, 5, "weight"));
    tables->places.push_back(std::move(place));
  }
  if (tables->given_names.empty() || tables->surnames.empty()) {
    return Status::RejectedInput("the name lists are empty", {dir, 0, ""});
  }
  return std::unique_ptr<const NameTables>(std::move(tables));
}

}  // namespace harmlens::synth
