// The engine against plain SQL: generated incidents (seeded) are written to a SQLite
// store, the incidents are copied out of their columnar segments into a plain table
// beside the store's own involvements and persons tables, and many generated queries
// are answered by both RunQuery and a SQL statement written from the definitions in
// docs/analysis.md. Every answer must be identical, on one thread and on two.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>

#include "engine/harm_weights.h"
#include "engine/query.h"
#include "engine/test_store.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

const char* const kOffences[] = {"8N", "105A", "5D", "34B", "28E", "58C", "1", "92E", "46", "9A"};

std::vector<Incident> Generate(uint64_t seed, int n, const ReferenceGeography& geography) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint64_t>(k)); };
  const int64_t start = DaysFromCivil(2022, 1, 1) * 1440;
  const int64_t span = (DaysFromCivil(2024, 7, 1) - DaysFromCivil(2022, 1, 1)) * 1440;
  std::vector<Incident> out;
  for (int i = 0; i < n; ++i) {
    Incident inc;
    inc.source_id = "g-" + std::to_string(i);
    inc.source.file = "generated";
    inc.source.line = i + 2;
    int64_t minute = start + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
    int kind = pick(10);
    inc.crime_type = AllCrimeTypes()[static_cast<size_t>(pick(kCrimeTypeCount))];
    if (kind < 3) {
      inc.source.agency = Agency::kPoliceUk;
      CivilDate d = CivilDate::FromDays(minute / 1440);
      inc.occurred = OccurredTime::Month({d.year, d.month});
    } else if (kind < 9) {
      inc.source.agency = Agency::kPoliceExtract;
      int precision = pick(10);
      if (precision < 7) {
        inc.occurred = {minute, TimePrecision::kMinute};
      } else if (precision < 8) {
        inc.occurred = {minute / 1440 * 1440, TimePrecision::kDay};
      } else {
        inc.occurred = OccurredTime::Window(minute, minute + 1 + pick(3000));
      }
      inc.offence_code = kOffences[pick(10)];
      inc.weapon = static_cast<Weapon>(pick(5));
      int domestic = pick(3);
      if (domestic) inc.domestic = domestic == 2;
      if (pick(3) == 0) inc.behaviours.Add(static_cast<HarmfulBehaviour>(pick(kHarmfulBehaviourCount)));
      if (pick(4) == 0) inc.behaviours.Add(static_cast<HarmfulBehaviour>(pick(kHarmfulBehaviourCount)));
      std::set<std::string> used;
      for (int p = pick(4); p > 0; --p) {
        Involvement inv;
        inv.person_key = "P" + std::to_string(pick(300));
        inv.role = static_cast<Role>(pick(3));
        if (!used.insert(inv.person_key + "/" + std::to_string(static_cast<int>(inv.role))).second) continue;
        if (pick(10) > 0) inv.age = AgeRange::Exact(5 + pick(70));
        inv.sex = static_cast<Sex>(pick(4));
        inc.involvements.push_back(inv);
      }
    } else {
      inc.source.agency = Agency::kEmergencyDepartment;
      inc.occurred = {minute, TimePrecision::kMinute};
      inc.attendance.method = static_cast<AssaultMethod>(pick(6));
      static const AgeRange kBands[] = {{15, 17}, {18, 24}, {20, 29}, {25, 34}, {65, kOldestAgeYears}};
      inc.involvements.push_back({"", Role::kVictim, kBands[pick(5)], static_cast<Sex>(pick(4))});
    }
    int place = pick(20);
    if (place < 17) {
      const Lsoa& lsoa =
          geography.lsoas()[static_cast<size_t>(pick(static_cast<int>(geography.lsoas().size())))];
      inc.location.lsoa_reported = lsoa.code;
      inc.location.csp_area = lsoa.csp_area;
    } else if (place < 18) {
      inc.location.lsoa_reported = "E01028410";  // Rushcliffe: outside LLR
    }
    out.push_back(std::move(inc));
  }
  return out;
}

// A generated query and the SQL that answers it.
struct Pair {
  std::vector<std::string> args;
  std::string sql;
};

// Whether involvement row `alias` repeats, written from the definition in docs/analysis.md
// (the same named person in the same part of another incident that began in the 365 days
// before, or at the same minute and stored earlier), not from the engine's sorted scan.
std::string RepeatExpr(const std::string& alias) {
  const std::string part = "(CASE WHEN %.role = 0 THEN 0 WHEN %.role IN (1, 2) THEN 1 ELSE 2 END)";
  auto part_of = [&](const std::string& a) {
    std::string out = part;
    for (size_t at; (at = out.find('%')) != std::string::npos;) out.replace(at, 1, a);
    return out;
  };
  return "EXISTS (SELECT 1 FROM store.involvements r2 JOIN inc j2 ON j2.id = r2.incident_id "
         "JOIN inc j1 ON j1.id = " +
         alias + ".incident_id WHERE r2.person_id = " + alias + ".person_id AND " + part_of("r2") + " = " +
         part_of(alias) + " AND r2.incident_id <> " + alias + ".incident_id AND (j2.first < j1.first OR " +
         "(j2.first = j1.first AND r2.id < " + alias + ".id)) AND j1.first - j2.first <= 365 * 1440)";
}

std::string PersonCond(const std::string& alias, bool victim, const std::string& age, const std::string& sex,
                       const std::string& repeat = "") {
  std::string cond = victim ? alias + ".role = 0" : alias + ".role IN (1, 2)";
  if (!repeat.empty()) {
    cond +=
        " AND " + alias + ".person_id IS NOT NULL AND " + (repeat == "yes" ? "" : "NOT ") + RepeatExpr(alias);
  }
  if (!age.empty()) {
    if (age == "unknown") {
      cond += " AND " + alias + ".age_min IS NULL";
    } else {
      size_t dash = age.find('-');
      std::string lo = age.rfind("under-", 0) == 0 ? "0" : age.substr(0, dash);
      std::string hi =
          age.rfind("under-", 0) == 0 ? std::to_string(std::stoi(age.substr(6)) - 1) : age.substr(dash + 1);
      cond += " AND " + alias + ".age_min >= " + lo + " AND " + alias + ".age_max <= " + hi;
    }
  }
  if (!sex.empty()) cond += " AND " + alias + ".sex = " + sex;
  return cond;
}

std::string SexCode(const std::string& name) {
  return name == "female" ? "1" : name == "male" ? "2" : name == "other" ? "3" : "0";
}

Pair MakeQuery(std::mt19937_64& rng) {
  auto pick = [&](int k) { return static_cast<int>(rng() % static_cast<uint64_t>(k)); };
  Pair q;
  std::vector<std::string> where = {"1"};
  std::string victim_age, victim_sex, offender_age, offender_sex, victim_repeat, offender_repeat;
  if (pick(4) == 0) {
    int t = 1 + pick(kCrimeTypeCount);
    std::string name(CrimeTypeName(static_cast<CrimeType>(t)));
    q.args.push_back("category=" + name);
    where.push_back("i.crime_type = " + std::to_string(t));
  }
  if (pick(5) == 0) {
    int w = pick(5);
    q.args.push_back(std::string("weapon=") + WeaponName(static_cast<Weapon>(w)));
    where.push_back("i.weapon = " + std::to_string(w));
  }
  if (pick(6) == 0) {
    q.args.push_back("domestic=yes,not-said");
    where.push_back("i.domestic IN (0, 2)");
  }
  if (pick(4) == 0) {
    int a = pick(3);
    q.args.push_back(std::string("source=") + AgencyName(static_cast<Agency>(a)));
    where.push_back("i.agency = " + std::to_string(a));
  }
  if (pick(6) == 0) {
    int b = pick(kHarmfulBehaviourCount);
    q.args.push_back("behaviour=" + std::string(HarmfulBehaviourSlug(static_cast<HarmfulBehaviour>(b))));
    where.push_back("(i.behaviours >> " + std::to_string(b) + ") & 1");
  }
  if (pick(4) == 0) {
    q.args.push_back("csp=Leicester,Charnwood");
    where.push_back("i.csp IN ('E06000016', 'E07000130')");
  }
  if (pick(6) == 0) {
    int lo = 1 + pick(10), hi = lo + pick(11 - lo);
    q.args.push_back("imd_decile=" + std::to_string(lo) + "-" + std::to_string(hi));
    where.push_back("l.imd BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi));
  }
  if (pick(3) == 0) {
    int y = 2022 + pick(2), m = 1 + pick(12), months = pick(14);
    YearMonth from{y, m};
    YearMonth to = YearMonth::FromIndex(from.Index() + months);
    q.args.push_back("from=" + from.ToString());
    q.args.push_back("to=" + to.ToString());
    where.push_back("i.first >= " + std::to_string(OccurredTime::Month(from).local_minute) +
                    " AND i.last < " +
                    std::to_string(OccurredTime::Month(YearMonth::FromIndex(to.Index() + 1)).local_minute));
  }
  if (pick(8) == 0) {
    q.args.push_back("month=2023-03,2023-07");
    where.push_back("i.month_placed IN ('2023-03', '2023-07')");
  }
  if (pick(6) == 0) {
    q.args.push_back("dow=fri-sun");
    where.push_back("i.dow_placed IN (4, 5, 6)");
  }
  if (pick(6) == 0) {
    q.args.push_back("hour=22-3");
    where.push_back("i.hour_placed IN (22, 23, 0, 1, 2, 3)");
  }
  static const char* const kAges[] = {"under-25", "18-24", "10-17", "unknown", "35-120"};
  static const char* const kSexes[] = {"female", "male", "unknown"};
  if (pick(5) == 0) victim_age = kAges[pick(5)];
  if (pick(6) == 0) victim_sex = kSexes[pick(3)];
  if (pick(6) == 0) offender_age = kAges[pick(5)];
  if (pick(7) == 0) offender_sex = kSexes[pick(3)];
  if (pick(6) == 0) victim_repeat = pick(2) ? "yes" : "no";
  if (pick(6) == 0) offender_repeat = pick(2) ? "yes" : "no";
  if (!victim_repeat.empty()) q.args.push_back("victim_repeat=" + victim_repeat);
  if (!offender_repeat.empty()) q.args.push_back("offender_repeat=" + offender_repeat);
  if (!victim_age.empty()) q.args.push_back("victim_age=" + victim_age);
  if (!victim_sex.empty()) q.args.push_back("victim_sex=" + victim_sex);
  if (!offender_age.empty()) q.args.push_back("offender_age=" + offender_age);
  if (!offender_sex.empty()) q.args.push_back("offender_sex=" + offender_sex);
  std::string vsex = victim_sex.empty() ? "" : SexCode(victim_sex);
  std::string osex = offender_sex.empty() ? "" : SexCode(offender_sex);
  const std::string victim_cond = PersonCond("v", true, victim_age, vsex, victim_repeat);
  const std::string offender_cond = PersonCond("v", false, offender_age, osex, offender_repeat);
  if (!victim_age.empty() || !victim_sex.empty() || !victim_repeat.empty()) {
    where.push_back("EXISTS (SELECT 1 FROM store.involvements v WHERE v.incident_id = i.id AND " +
                    victim_cond + ")");
  }
  if (!offender_age.empty() || !offender_sex.empty() || !offender_repeat.empty()) {
    where.push_back("EXISTS (SELECT 1 FROM store.involvements v WHERE v.incident_id = i.id AND " +
                    offender_cond + ")");
  }

  // Group-by: 0 to 3 dimensions, as SQL label expressions (docs/analysis.md labels).
  struct Dim {
    const char* name;
    std::string label;  // over i, l and, for person dimensions, p
    int person = 0;     // 1 victim, 2 suspect/offender
  };
  static const std::vector<Dim> kDims = {
      {"csp",
       "coalesce(c.name, CASE WHEN i.csp <> '' OR i.lsoa <> '' THEN '(outside LLR)' ELSE '(no location)' "
       "END)"},
      {"category", "t.name"},
      {"month", "coalesce(i.month_placed, '(not known to the month)')"},
      {"year",
       "CASE WHEN substr(i.month_placed_y, 1, 4) IS NULL THEN '(not known to the year)' ELSE "
       "i.month_placed_y END"},
      {"dow",
       "CASE WHEN i.dow_placed IS NULL THEN '(not known to the day)' ELSE substr('MonTueWedThuFriSatSun', 1 "
       "+ 3 * i.dow_placed, 3) END"},
      {"hour",
       "CASE WHEN i.hour_placed IS NULL THEN '(not known to the hour)' ELSE printf('%02d', i.hour_placed) "
       "END"},
      {"weapon", "w.name"},
      {"source", "a.name"},
      {"imd_decile", "coalesce(CAST(l.imd AS TEXT), '(no LLR LSOA)')"},
      {"victim_sex", "coalesce(sx.name, '(no victim recorded)')", 1},
      {"offender_repeat",
       "CASE WHEN p.id IS NULL THEN '(no suspect or offender recorded)' WHEN p.person_id IS NULL THEN "
       "'(not identified)' WHEN " +
           RepeatExpr("p") + " THEN 'repeat' ELSE 'first' END",
       2},
      {"offender_age",
       "coalesce(CASE WHEN p.id IS NULL THEN NULL WHEN p.age_min IS NULL THEN '(age not known)' "
       "WHEN p.age_max <= 9 THEN '0-9' WHEN p.age_min >= 10 AND p.age_max <= 17 THEN '10-17' "
       "WHEN p.age_min >= 18 AND p.age_max <= 24 THEN '18-24' WHEN p.age_min >= 25 AND p.age_max <= 34 THEN "
       "'25-34' "
       "WHEN p.age_min >= 35 AND p.age_max <= 44 THEN '35-44' WHEN p.age_min >= 45 AND p.age_max <= 54 THEN "
       "'45-54' "
       "WHEN p.age_min >= 55 AND p.age_max <= 64 THEN '55-64' WHEN p.age_min >= 65 THEN '65+' "
       "ELSE '(age not in one band)' END, '(no suspect or offender recorded)')",
       2},
  };
  std::vector<Dim> dims;
  int ndims = pick(4);  // up to three-way groupings
  while (static_cast<int>(dims.size()) < ndims) {
    const Dim& d = kDims[static_cast<size_t>(pick(static_cast<int>(kDims.size())))];
    bool dup = false;
    for (const Dim& have : dims) dup |= std::string(have.name) == d.name || (have.person && d.person);
    if (!dup) dims.push_back(d);
  }
  std::string by, labels, join;
  for (const Dim& d : dims) {
    by += (by.empty() ? "" : ",") + std::string(d.name);
    labels += d.label + ", ";
    if (d.person) {
      // Persons of that part passing the query's cut on it; none -> the "(no ...)" label.
      join = " LEFT JOIN store.involvements p ON p.incident_id = i.id AND " +
             PersonCond("p", d.person == 1, d.person == 1 ? victim_age : offender_age,
                        d.person == 1 ? vsex : osex, d.person == 1 ? victim_repeat : offender_repeat) +
             " LEFT JOIN sexes sx ON sx.code = p.sex";
    }
  }
  if (!by.empty()) q.args.push_back("by=" + by);
  q.args.push_back("measures=count,harm");
  std::string cond;
  for (const std::string& w : where) cond += (cond.empty() ? "" : " AND ") + w;
  // Each (group, incident) once, then counted and its harm weights summed.
  std::string outer;
  for (size_t k = 0; k < dims.size(); ++k) outer += "g" + std::to_string(k) + ", ";
  std::string inner;
  for (size_t k = 0; k < dims.size(); ++k) inner += dims[k].label + " AS g" + std::to_string(k) + ", ";
  labels = inner;
  q.sql = "SELECT " + outer + "count(*), printf('%.2f', sum(h) / 100.0) FROM (SELECT DISTINCT " + labels +
          "i.id AS id, i.harm_centidays AS h FROM inc i LEFT JOIN lsoa l ON l.code = i.lsoa " +
          "LEFT JOIN csps c ON c.code = i.csp JOIN types t ON t.code = i.crime_type JOIN weapons w ON w.code "
          "= i.weapon " +
          "JOIN agencies a ON a.code = i.agency" + join + " WHERE " + cond + ")";
  if (!dims.empty()) {
    std::string group;
    for (size_t k = 0; k < dims.size(); ++k) group += (k ? ", " : "") + std::to_string(k + 1);
    q.sql += " GROUP BY " + group;
  }
  return q;
}

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "") << "\n"
      << sql;
}

// Rows "label|label|count|harm" sorted, zero counts dropped.
std::multiset<std::string> SqlRows(sqlite3* db, const std::string& sql, int columns) {
  std::multiset<std::string> rows;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db) << "\n"
                                                                              << sql;
  while (st && sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int k = 0; k < columns; ++k) {
      const unsigned char* text = sqlite3_column_text(st, k);
      row += (k ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    if (sqlite3_column_int64(st, columns - 2) != 0) rows.insert(row);
  }
  sqlite3_finalize(st);
  return rows;
}

TEST(Differential, engine_and_plain_sql_give_identical_answers_to_many_generated_queries) {
  auto geography = testing::EngineGeography();
  ASSERT_NE(geography, nullptr);
  ScratchDir dir;
  const std::string path = dir.File("diff.db");
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok());
    auto incidents = Generate(20261123, 6000, *geography);
    // Two loads, so the table also goes through a refresh.
    std::vector<Incident> first(incidents.begin(), incidents.begin() + 2500);
    std::vector<Incident> second(incidents.begin() + 2500, incidents.end());
    testing::WriteLoad(store->get(), first);
  }
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok());
  auto table = testing::LoadEngineTable(store->get());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  {
    auto incidents = Generate(20261123, 6000, *geography);
    testing::WriteLoad(store->get(), std::vector<Incident>(incidents.begin() + 2500, incidents.end()));
  }
  auto added = (*table)->Refresh(store->get());
  ASSERT_TRUE(added.ok());
  ASSERT_EQ(*added, 3500);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  Exec(db, "ATTACH DATABASE '" + path + "' AS store");
  Exec(
      db,
      "CREATE TABLE inc(id INTEGER PRIMARY KEY, agency INT, first INT, last INT, crime_type INT, weapon INT, "
      "domestic INT, behaviours INT, harm_centidays INT, csp TEXT, lsoa TEXT, month_placed TEXT, "
      "month_placed_y TEXT, dow_placed "
      "INT, "
      "hour_placed INT)");
  Exec(db, "CREATE TABLE lsoa(code TEXT PRIMARY KEY, csp TEXT, imd INT)");
  Exec(db, "CREATE TABLE csps(code TEXT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE types(code INT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE weapons(code INT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE agencies(code INT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE sexes(code INT PRIMARY KEY, name TEXT)");
  std::string fill = "BEGIN;";
  for (const Lsoa& l : geography->lsoas()) {
    fill += "INSERT INTO lsoa VALUES('" + l.code + "','" + l.csp_area + "'," + std::to_string(l.imd_decile) +
            ");";
  }
  for (const CspArea& a : LlrCspAreas()) {
    fill += "INSERT INTO csps VALUES('" + std::string(a.code) + "','" + std::string(a.name) + "');";
  }
  for (CrimeType t : AllCrimeTypes()) {
    fill += "INSERT INTO types VALUES(" + std::to_string(static_cast<int>(t)) + ",'" +
            std::string(CrimeTypeName(t)) + "');";
  }
  for (int w = 0; w < 5; ++w)
    fill +=
        "INSERT INTO weapons VALUES(" + std::to_string(w) + ",'" + WeaponName(static_cast<Weapon>(w)) + "');";
  for (int a = 0; a < 4; ++a)
    fill += "INSERT INTO agencies VALUES(" + std::to_string(a) + ",'" + AgencyName(static_cast<Agency>(a)) +
            "');";
  for (int s = 0; s < 4; ++s)
    fill += "INSERT INTO sexes VALUES(" + std::to_string(s) + ",'" + SexName(static_cast<Sex>(s)) + "');";
  Exec(db, fill + "COMMIT;");
  // Incidents out of their segments, as the store gives them (raw time and precision);
  // the interval and its placement are computed in SQL, not by the engine.
  Exec(db, "BEGIN");
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(
          db,
          "INSERT INTO inc(id, agency, first, last, crime_type, weapon, domestic, behaviours, csp, lsoa, "
          "harm_centidays) "
          "VALUES (?1, ?2, ?3, CASE ?4 WHEN 0 THEN CAST((julianday(date(?3 * 60, 'unixepoch', 'start of "
          "month', '+1 month')) - 2440587.5) * 1440 AS INT) - 1 "
          "WHEN 1 THEN ?3 + 1439 WHEN 2 THEN ?3 ELSE ?3 + ?5 END, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
          -1, &insert, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(db);
  Status read = (*store)->ReadIncidents({}, [&](int64_t id, const Incident& inc) {
    sqlite3_bind_int64(insert, 1, id);
    sqlite3_bind_int64(insert, 2, static_cast<int>(inc.source.agency));
    sqlite3_bind_int64(insert, 3, inc.occurred.local_minute);
    sqlite3_bind_int64(insert, 4, static_cast<int>(inc.occurred.precision));
    sqlite3_bind_int64(insert, 5, inc.occurred.window_minutes);
    sqlite3_bind_int64(insert, 6, static_cast<int>(inc.crime_type));
    sqlite3_bind_int64(insert, 7, static_cast<int>(inc.weapon));
    sqlite3_bind_int64(insert, 8, inc.domestic ? (*inc.domestic ? 2 : 1) : 0);
    sqlite3_bind_int64(insert, 9, inc.behaviours.bits());
    sqlite3_bind_text(insert, 10, inc.location.csp_area.c_str(), -1, SQLITE_TRANSIENT);
    const std::string& lsoa =
        inc.location.lsoa_by_point.empty() ? inc.location.lsoa_reported : inc.location.lsoa_by_point;
    sqlite3_bind_text(insert, 11, lsoa.c_str(), -1, SQLITE_TRANSIENT);
    // The weight looked up in the versioned table (harm_weights.h), in hundredths of a
    // day; the summing per group is SQL's.
    sqlite3_bind_int64(insert, 12, std::lround(HarmWeightDays(inc.offence_code, inc.crime_type) * 100));
    EXPECT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_reset(insert);
  });
  sqlite3_finalize(insert);
  ASSERT_TRUE(read.ok());
  // Placement: the whole interval in one month, day, hour (day numbers via integer division;
  // all generated times are after 1970, so no negative rounding).
  Exec(db,
       "UPDATE inc SET "
       "month_placed = CASE WHEN strftime('%Y-%m', first * 60, 'unixepoch') = strftime('%Y-%m', last * 60, "
       "'unixepoch') "
       "THEN strftime('%Y-%m', first * 60, 'unixepoch') END, "
       "month_placed_y = CASE WHEN strftime('%Y', first * 60, 'unixepoch') = strftime('%Y', last * 60, "
       "'unixepoch') "
       "THEN strftime('%Y', first * 60, 'unixepoch') END, "
       "dow_placed = CASE WHEN first / 1440 = last / 1440 THEN (CAST(strftime('%w', first * 60, 'unixepoch') "
       "AS INT) + 6) % 7 END, "
       "hour_placed = CASE WHEN first / 60 = last / 60 THEN (first / 60) % 24 END");
  Exec(db, "COMMIT");

  std::mt19937_64 rng(7);
  int compared = 0, refused = 0, nonempty = 0;
  for (int n = 0; n < 300; ++n) {
    Pair pair = MakeQuery(rng);
    std::string shown;
    for (const std::string& a : pair.args) shown += a + " ";
    SCOPED_TRACE(shown + "\n" + pair.sql);
    auto query = ParseQueryArgs(pair.args);
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    auto one = RunQuery(**table, *query, QueryOptions{1});
    int columns = static_cast<int>(query->group_by.size()) + 2;
    std::multiset<std::string> expected = SqlRows(db, pair.sql, columns);
    if (!one.ok()) {
      // An impossible cut: SQL must find nothing either. An impossible grouping: SQL
      // must place no incident on that time dimension (every row "(not known to ...)").
      ASSERT_EQ(one.status().code(), StatusCode::kInvalidArgument) << one.status().ToString();
      const std::string why = one.status().ToString();
      if (why.find("cannot group by") != std::string::npos) {
        for (const std::string& row : expected)
          EXPECT_NE(row.find("(not known to the"), std::string::npos) << why << "\n" << row;
      } else {
        EXPECT_TRUE(expected.empty()) << why;
      }
      ++refused;
      continue;
    }
    auto two = RunQuery(**table, *query, QueryOptions{2});
    ASSERT_TRUE(two.ok());
    EXPECT_EQ(ResultCells(*one), ResultCells(*two));
    std::multiset<std::string> got;
    for (const auto& cells : ResultCells(*one)) {
      std::string row;
      for (size_t k = 0; k < cells.size(); ++k) row += (k ? "|" : "") + cells[k];
      if (cells[cells.size() - 2] != "0") got.insert(row);
    }
    EXPECT_EQ(got, expected);
    ++compared;
    nonempty += got.empty() ? 0 : 1;
  }
  sqlite3_close(db);
  // The generator must exercise both outcomes, mostly with something to count.
  EXPECT_GT(compared, 250);
  EXPECT_GT(nonempty, 200);
  std::cout << "compared " << compared << " queries (" << nonempty << " non-empty), " << refused
            << " refused\n";
}

}  // namespace
}  // namespace harmlens
