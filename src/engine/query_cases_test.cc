// Runs every case file under tests/cases/engine: incidents and persons as CSV, a query
// as field=value lines (or JSON), and the expected result table or error text. The
// format is described in tests/cases/engine/README.md; adding a case needs no C++.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/csv.h"
#include "engine/query.h"
#include "model/behaviour_rules.h"
#include "store/sqlite_store.h"
#include "support/testing.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

std::shared_ptr<const ReferenceGeography> Geography() {
  static std::shared_ptr<const ReferenceGeography> geography = [] {
    auto loaded = ReferenceGeography::Load(Env::Default(), testing::DataDir() + "/reference");
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return loaded.ok() ? *loaded : nullptr;
  }();
  return geography;
}

struct CaseFile {
  std::map<std::string, std::string> sections;  // name -> text
};

CaseFile ReadCase(const std::string& path) {
  std::ifstream in(path);
  CaseFile file;
  std::string line, current;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > 2 && line.front() == '[' && line.back() == ']') {
      current = line.substr(1, line.size() - 2);
      file.sections[current];
      continue;
    }
    if (current.empty() || (!line.empty() && line[0] == '#')) continue;
    file.sections[current] += line + "\n";
  }
  return file;
}

std::vector<std::vector<std::string>> Rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(text);
  CsvRecord record;
  while (reader.Next(&record)) {
    if (record.blank) continue;
    rows.emplace_back(record.fields.begin(), record.fields.end());
  }
  return rows;
}

// "2023-01", "2023-01-05", "2023-01-05T22:30" or "<start>/<end>" (a window).
OccurredTime ReadOccurred(const std::string& text) {
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    return OccurredTime::Window(*ParseLocalDateTime(text.substr(0, slash)),
                                *ParseLocalDateTime(text.substr(slash + 1)));
  }
  if (auto ym = ParseYearMonth(text)) return OccurredTime::Month(*ym);
  if (auto date = ParseCivilDate(text)) return {date->DaysSinceEpoch() * 1440, TimePrecision::kDay};
  auto minute = ParseLocalDateTime(text);
  EXPECT_TRUE(minute.has_value()) << "bad occurred value " << text;
  return {minute.value_or(0), TimePrecision::kMinute};
}

std::string Slug(std::string_view name) {
  std::string out;
  for (char ch : name)
    out += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::tolower(ch)) : '-';
  return out;
}

std::vector<Incident> ReadIncidents(const CaseFile& file) {
  std::vector<Incident> incidents;
  auto rows = Rows(file.sections.at("incidents"));
  const auto header = rows.at(0);
  auto col = [&](const std::vector<std::string>& row, const std::string& name) -> std::string {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << "case incidents lack column " << name;
    size_t k = static_cast<size_t>(it - header.begin());
    return k < row.size() ? row[k] : "";
  };
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    Incident inc;
    EXPECT_EQ(col(row, "id"), std::to_string(r)) << "case incident ids must be 1, 2, 3, ...";
    std::string source = col(row, "source");
    inc.source.agency = source == "police-uk"              ? Agency::kPoliceUk
                        : source == "emergency-department" ? Agency::kEmergencyDepartment
                                                           : Agency::kPoliceExtract;
    inc.source.file = "case";
    inc.source.line = static_cast<int64_t>(r + 1);
    inc.source_id = "case-" + col(row, "id");
    inc.occurred = ReadOccurred(col(row, "occurred"));
    for (CrimeType t : AllCrimeTypes()) {
      if (Slug(CrimeTypeName(t)) == col(row, "category")) inc.crime_type = t;
    }
    inc.offence_code = col(row, "offence");
    std::string weapon = col(row, "weapon");
    for (Weapon w :
         {Weapon::kUnknown, Weapon::kNone, Weapon::kKnifeOrSharp, Weapon::kFirearm, Weapon::kOther}) {
      if (weapon == WeaponName(w)) inc.weapon = w;
    }
    std::string domestic = col(row, "domestic");
    if (domestic == "yes") inc.domestic = true;
    if (domestic == "no") inc.domestic = false;
    std::stringstream behaviours(col(row, "behaviours"));
    std::string slug;
    while (std::getline(behaviours, slug, ';')) {
      auto b = HarmfulBehaviourFromSlug(slug);
      EXPECT_TRUE(b.has_value()) << "bad behaviour " << slug;
      if (b) inc.behaviours.Add(*b);
    }
    inc.location.csp_area = col(row, "csp");
    inc.location.lsoa_reported = col(row, "lsoa");
    if (!col(row, "lon").empty()) {
      inc.location.point = GeoPoint{std::stod(col(row, "lon")), std::stod(col(row, "lat"))};
    }
    inc.location.description = col(row, "street");
    incidents.push_back(std::move(inc));
  }
  if (file.sections.count("persons")) {
    auto persons = Rows(file.sections.at("persons"));
    for (size_t r = 1; r < persons.size(); ++r) {
      const auto& p = persons[r];
      size_t incident = std::stoul(p.at(0)) - 1;
      Involvement inv;
      inv.person_key = p.at(1);
      const std::string& role = p.at(2);
      inv.role = role == "victim"     ? Role::kVictim
                 : role == "suspect"  ? Role::kSuspect
                 : role == "offender" ? Role::kOffender
                                      : Role::kWitness;
      const std::string& age = p.at(3);
      if (!age.empty()) {
        size_t dash = age.find('-');
        if (age.back() == '+') {
          inv.age = AgeRange{std::stoi(age), kOldestAgeYears};
        } else if (dash == std::string::npos) {
          inv.age = AgeRange::Exact(std::stoi(age));
        } else {
          inv.age = AgeRange{std::stoi(age.substr(0, dash)), std::stoi(age.substr(dash + 1))};
        }
      }
      const std::string& sex = p.at(4);
      inv.sex = sex == "female"  ? Sex::kFemale
                : sex == "male"  ? Sex::kMale
                : sex == "other" ? Sex::kOther
                                 : Sex::kUnknown;
      incidents.at(incident).involvements.push_back(inv);
    }
  }
  return incidents;
}

std::string Csv(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t k = 0; k < cells.size(); ++k) {
      bool quote = cells[k].find_first_of(",\"") != std::string::npos;
      out += (k ? "," : "") + (quote ? "\"" + cells[k] + "\"" : cells[k]);
    }
    out += "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::SourceDir() + "/tests/cases/engine")) {
    if (entry.path().extension() == ".case") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class EngineCase : public ::testing::TestWithParam<std::string> {};

TEST_P(EngineCase, gives_the_expected_result) {
  const CaseFile file = ReadCase(GetParam());
  ScratchDir dir;
  auto store = OpenSqliteStore(dir.File("case.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto load = (*store)->BeginLoad({"police-extract", "case", 0, std::string(kBehaviourRulesVersion)});
  ASSERT_TRUE(load.ok());
  IncidentBatch batch;
  batch.load_id = *load;
  batch.incidents = ReadIncidents(file);
  ASSERT_TRUE((*store)->WriteBatch(batch).ok());
  ASSERT_TRUE((*store)->FinishLoad(*load, "").ok());
  auto geography = Geography();
  ASSERT_NE(geography, nullptr);
  auto denominators = LoadDenominators(Env::Default(), testing::DataDir() + "/reference", *geography);
  ASSERT_TRUE(denominators.ok()) << denominators.status().ToString();
  auto table = IncidentTable::Load(store->get(), geography, *denominators);
  ASSERT_TRUE(table.ok()) << table.status().ToString();

  Result<Query> query = Status::Internal("case has no [query] or [query.json]");
  if (file.sections.count("query.json")) {
    query = ParseQueryJson(file.sections.at("query.json"));
  } else if (file.sections.count("query")) {
    std::vector<std::string> args;
    std::stringstream lines(file.sections.at("query"));
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty()) args.push_back(line);
    }
    query = ParseQueryArgs(args);
  }
  Result<QueryResult> result = query.ok() ? RunQuery(**table, *query) : Result<QueryResult>(query.status());
  if (file.sections.count("error")) {
    ASSERT_FALSE(result.ok()) << "expected an error, got a result";
    std::string expected = file.sections.at("error");
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    EXPECT_NE(result.status().message().find(expected), std::string::npos)
        << "error: " << result.status().message() << "\nexpected to contain: " << expected;
    return;
  }
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(Csv(ResultColumnNames(*result), ResultCells(*result)), file.sections.at("expected"));
  if (file.sections.count("notes")) {
    std::string notes;
    for (const std::string& n : result->notes) notes += n + "\n";
    std::stringstream wanted(file.sections.at("notes"));
    std::string line;
    while (std::getline(wanted, line)) {
      if (!line.empty()) {
        EXPECT_NE(notes.find(line), std::string::npos) << "notes: " << notes << "\nlack: " << line;
      }
    }
  }
  // The same answer with two threads.
  if (query.ok()) {
    auto two = RunQuery(**table, *query, QueryOptions{2});
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(ResultCells(*two), ResultCells(*result));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, EngineCase, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = std::filesystem::path(param.param).stem().string();
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace harmlens
