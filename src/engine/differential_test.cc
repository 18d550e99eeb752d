// The engine against plain SQL: generated incidents (seeded) are written to a SQLite
// store, the incidents are copied out of their columnar segments into a plain table
// beside the store's own involvements and persons tables, and many generated queries
// are answered by both RunQuery and a SQL statement written from the definitions in
// docs/analysis.md. Every answer must be identical, on one thread and on two.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "engine/harm_weights.h"
#include "engine/query.h"
#include "engine/test_store.h"

namespace harmlens {
namespace {

using testing::ScratchDir;

const char* const kOffences[] = {"8N", "105A", "5D", "34B", "28E", "58C", "1", "92E", "46", "9A"};

std::vector<Incident> Generate(uint64_t seed, int n, const ReferenceGeography& geography) {
  std::mt19937_64 rng(seed);
  std::mt19937_64 point_rng(seed + 1);  // its own stream, so the other fields stay as they were
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
      // Most located records have a point, drawn inside that LSOA's polygon (rejection
      // sampling in its bounding box), so the point and the LSOA agree.
      const size_t k = static_cast<size_t>(&lsoa - geography.lsoas().data());
      const ZonePolygon& zone = geography.Polygon(k);
      std::uniform_real_distribution<double> unit(0, 1);
      if (point_rng() % 8 != 0) {
        for (int attempt = 0; attempt < 50; ++attempt) {
          GeoPoint p{zone.min_lon + unit(point_rng) * (zone.max_lon - zone.min_lon),
                     zone.min_lat + unit(point_rng) * (zone.max_lat - zone.min_lat)};
          if (ZoneContains(zone, p)) {
            inc.location.point = p;
            break;
          }
        }
      }
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
  // When the query asks for a rate: rows "labels|count" and the rate SQL gives (NULL
  // where no population is known).
  std::string rate_sql;
};

// Whether (lon, lat) is inside `ring` by the crossing number (even-odd): count the edges
// a ray going east from the point crosses, using the sign of a cross product rather than
// the crossing's longitude (so this is not the engine's expression). Edges are half-open
// in latitude, so a ray through a vertex counts it once.
bool InsidePolygon(const std::vector<GeoPoint>& ring, double lon, double lat) {
  int crossings = 0;
  for (size_t k = 0; k < ring.size(); ++k) {
    GeoPoint a = ring[k], b = ring[(k + 1) % ring.size()];
    if ((a.latitude > lat) == (b.latitude > lat)) continue;
    if (a.latitude > b.latitude) std::swap(a, b);  // a below, b above
    // The point is west of the upward edge a->b when (b - a) x (p - a) > 0.
    double cross =
        (b.longitude - a.longitude) * (lat - a.latitude) - (b.latitude - a.latitude) * (lon - a.longitude);
    if (cross > 0) ++crossings;
  }
  return crossings % 2 == 1;
}

// Concave star-shaped polygons over Leicester and the county around it.
std::vector<std::vector<GeoPoint>> MakePolygons() {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::vector<GeoPoint>> out;
  const GeoPoint centres[] = {{-1.1332, 52.6369}, {-1.2, 52.75}, {-1.05, 52.58}};
  for (const GeoPoint& c : centres) {
    std::vector<GeoPoint> ring;
    const int vertices = 9;
    for (int k = 0; k < vertices; ++k) {
      double angle = 2 * 3.14159265358979323846 * k / vertices;
      double reach = (k % 2 ? 0.012 : 0.03) + 0.02 * unit(rng);  // alternate in and out: concave
      ring.push_back({c.longitude + reach * 1.6 * std::cos(angle), c.latitude + reach * std::sin(angle)});
    }
    out.push_back(ring);
  }
  return out;
}

std::string PolygonArg(const std::vector<GeoPoint>& ring) {
  std::string out = "within=";
  char buf[64];
  for (size_t k = 0; k < ring.size(); ++k) {
    std::snprintf(buf, sizeof buf, "%s%.17g %.17g", k ? ";" : "", ring[k].longitude, ring[k].latitude);
    out += buf;
  }
  return out;
}

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

Pair MakeQuery(std::mt19937_64& rng, size_t polygon_count) {
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
  std::string csp_cut, imd_cut;  // over an LSOA row "%", for the rate's population
  if (pick(4) == 0) {
    q.args.push_back("csp=Leicester,Charnwood");
    where.push_back("i.csp IN ('E06000016', 'E07000130')");
    csp_cut = " AND %.csp IN ('E06000016', 'E07000130')";
  }
  if (pick(6) == 0) {
    int lo = 1 + pick(10), hi = lo + pick(11 - lo);
    q.args.push_back("imd_decile=" + std::to_string(lo) + "-" + std::to_string(hi));
    where.push_back("l.imd BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi));
    imd_cut = " AND %.imd BETWEEN " + std::to_string(lo) + " AND " + std::to_string(hi);
  }
  // Radius: centres on a 1/1024-degree grid, so the decimal text is exact for both
  // parsers; the haversine distance (docs/analysis.md) written in SQL over the stored
  // coordinates as the engine holds them (single precision, see inc.lon/lat).
  bool spatial = false;
  if (pick(8) == 0) {
    const double lon = -1.375 + pick(384) / 1024.0, lat = 52.5 + pick(320) / 1024.0;
    const int metres = 100 + pick(6000);
    char buf[96];
    std::snprintf(buf, sizeof buf, "near=%.10f,%.10f,%d", lon, lat, metres);
    q.args.push_back(buf);
    std::snprintf(buf, sizeof buf, "%.10f", lon);
    const std::string clon = buf;
    std::snprintf(buf, sizeof buf, "%.10f", lat);
    const std::string clat = buf;
    const std::string rad = "(pi() / 180.0)";
    const std::string slat = "sin((i.lat - " + clat + ") * " + rad + " / 2)";
    const std::string slon = "sin((i.lon - " + clon + ") * " + rad + " / 2)";
    where.push_back("2 * 6371008.8 * asin(min(1.0, sqrt(" + slat + " * " + slat + " + cos(" + clat + " * " +
                    rad + ") * cos(i.lat * " + rad + ") * " + slon + " * " + slon +
                    "))) <= " + std::to_string(metres));
    spatial = true;
  }
  // Polygon: membership worked out by the test's own ray casting when the incidents
  // were copied out (inc.in_polygon, bit k for polygon k).
  if (pick(8) == 0) {
    int k = pick(static_cast<int>(polygon_count));
    q.args.push_back("polygon:" + std::to_string(k));  // replaced by the caller
    where.push_back("(i.in_polygon >> " + std::to_string(k) + ") & 1");
    spatial = true;
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
  // Rates: per 1,000 residents, or per 1,000 under-25s when a victim or offender age
  // cut lies wholly under 25. None is asked where the engine gives none by design (a
  // radius or polygon; an under-25 rate by IMD decile).
  auto young = [](const std::string& age) { return age == "under-25" || age == "18-24" || age == "10-17"; };
  const bool under25 = young(victim_age) || young(offender_age);
  bool imd_dim = false;
  for (const Dim& d : dims) imd_dim |= std::string(d.name) == "imd_decile";
  const bool rate = !spatial && !(under25 && (imd_dim || !imd_cut.empty())) && pick(3) == 0;
  q.args.push_back(rate ? "measures=count,harm,rate" : "measures=count,harm");
  std::string cond;
  for (const std::string& w : where) cond += (cond.empty() ? "" : " AND ") + w;
  // Each (group, incident) once, then counted and its harm weights summed.
  std::string outer;
  for (size_t k = 0; k < dims.size(); ++k) outer += "g" + std::to_string(k) + ", ";
  std::string inner;
  for (size_t k = 0; k < dims.size(); ++k) inner += dims[k].label + " AS g" + std::to_string(k) + ", ";
  labels = inner;
  const std::string base =
      "(SELECT DISTINCT " + labels +
      "i.id AS id, i.harm_centidays AS h FROM inc i LEFT JOIN lsoa l ON l.code = i.lsoa " +
      "LEFT JOIN csps c ON c.code = i.csp JOIN types t ON t.code = i.crime_type JOIN "
      "weapons w ON w.code "
      "= i.weapon " +
      "JOIN agencies a ON a.code = i.agency" + join + " WHERE " + cond + ")";
  q.sql = "SELECT " + outer + "count(*), printf('%.2f', sum(h) / 100.0) FROM " + base;
  std::string group;
  for (size_t k = 0; k < dims.size(); ++k) group += (k ? ", " : "") + std::to_string(k + 1);
  if (!dims.empty()) q.sql += " GROUP BY " + group;
  if (rate) {
    // The population: residents of the LSOAs passing the location cuts narrowed by the
    // row's CSP or IMD decile (mid-2018), or under-25s of the CSP areas passing them
    // (Census 2021 summed in SQL, table u25). A row label that names no LLR area finds
    // no population: NULL, as is a division by 0 in SQLite.
    auto over = [](std::string cut, const std::string& alias) {
      for (size_t at; (at = cut.find('%')) != std::string::npos;) cut.replace(at, 1, alias);
      return cut;
    };
    std::string narrow;
    for (size_t k = 0; k < dims.size(); ++k) {
      const std::string g = "g" + std::to_string(k);
      if (std::string(dims[k].name) == "csp")
        narrow += " AND %.csp = (SELECT code FROM csps WHERE name = " + g + ")";
      if (std::string(dims[k].name) == "imd_decile") narrow += " AND CAST(%.imd AS TEXT) = " + g;
    }
    const std::string population =
        under25 ? "(SELECT sum(u.n) FROM u25 u WHERE 1" + over(csp_cut + narrow, "u") + ")"
                : "(SELECT sum(l2.pop) FROM lsoa l2 WHERE 1" + over(csp_cut + imd_cut + narrow, "l2") + ")";
    q.rate_sql = "SELECT " + outer + "n, 1000.0 * n / " + population + " FROM (SELECT " + outer +
                 "count(*) AS n FROM " + base + (dims.empty() ? "" : " GROUP BY " + group) + ")";
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
      "hour_placed INT, lon REAL, lat REAL, in_polygon INT)");
  Exec(db, "CREATE TABLE lsoa(code TEXT PRIMARY KEY, csp TEXT, imd INT, pop INT)");
  Exec(db, "CREATE TABLE csps(code TEXT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE types(code INT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE weapons(code INT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE agencies(code INT PRIMARY KEY, name TEXT)");
  Exec(db, "CREATE TABLE sexes(code INT PRIMARY KEY, name TEXT)");
  std::string fill = "BEGIN;";
  for (const Lsoa& l : geography->lsoas()) {
    fill += "INSERT INTO lsoa VALUES('" + l.code + "','" + l.csp_area + "'," + std::to_string(l.imd_decile) +
            "," + std::to_string(l.population) + ");";
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
  // Under-25s per CSP area, from the bundled Census 2021 file, summed in SQL: each LSOA
  // 2021 row goes to the district its name starts with ("Charnwood 009H"); the ONS best-fit
  // LSOA 2011 -> 2021 -> LAD 2022 lookup (which lacks the 24 LSOAs split in 2021) must
  // agree wherever it has the LSOA.
  Exec(db,
       "CREATE TABLE census(lsoa21 TEXT, name TEXT, age TEXT, n INT); CREATE TABLE lookup(lsoa21 TEXT, lad "
       "TEXT)");
  auto read_csv = [&](const std::string& file, const std::string& into, std::vector<int> columns) {
    std::ifstream in(testing::DataDir() + "/reference/" + file);
    ASSERT_TRUE(in) << file;
    std::string line, sql = "BEGIN;";
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::vector<std::string> fields;
      std::stringstream split(line);
      for (std::string f; std::getline(split, f, ',');) fields.push_back(f);
      sql += "INSERT INTO " + into + " VALUES(";
      for (size_t k = 0; k < columns.size(); ++k) sql += (k ? ",'" : "'") + fields.at(columns[k]) + "'";
      sql += ");";
    }
    Exec(db, sql + "COMMIT;");
  };
  read_csv("census2021_age6_lsoa21_llr.csv", "census", {0, 1, 2, 3});
  read_csv("lsoa11_to_lsoa21_to_lad22_bestfit_llr.csv", "lookup", {3, 5});
  Exec(db,
       "CREATE TABLE census_csp AS SELECT DISTINCT c.lsoa21, d.code AS csp FROM census c JOIN csps d ON "
       "d.name = substr(c.name, 1, length(c.name) - 5)");
  ASSERT_EQ(SqlRows(db, "SELECT count(*), count(*) FROM census_csp", 2),
            SqlRows(db, "SELECT count(DISTINCT lsoa21), count(DISTINCT lsoa21) FROM census", 2));
  ASSERT_TRUE(SqlRows(db,
                      "SELECT count(*), count(*) FROM census_csp c JOIN lookup k ON k.lsoa21 = c.lsoa21 "
                      "WHERE k.lad <> c.csp HAVING count(*) > 0",
                      2)
                  .empty());
  Exec(db,
       "CREATE TABLE u25 AS SELECT k.csp AS csp, sum(c.n) AS n FROM census c JOIN census_csp k ON k.lsoa21 = "
       "c.lsoa21 WHERE c.age IN ('Aged 15 years and under', 'Aged 16 to 24 years') GROUP BY k.csp");
  ASSERT_EQ(
      SqlRows(db, "SELECT count(*), count(*) FROM u25", 2),
      (std::multiset<std::string>{std::to_string(kCspAreaCount) + "|" + std::to_string(kCspAreaCount)}));
  const std::vector<std::vector<GeoPoint>> polygons = MakePolygons();
  // Incidents out of their segments, as the store gives them (raw time and precision);
  // the interval and its placement are computed in SQL, not by the engine.
  Exec(db, "BEGIN");
  sqlite3_stmt* insert = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(
          db,
          "INSERT INTO inc(id, agency, first, last, crime_type, weapon, domestic, behaviours, csp, lsoa, "
          "harm_centidays, lon, lat, in_polygon) "
          "VALUES (?1, ?2, ?3, CASE ?4 WHEN 0 THEN CAST((julianday(date(?3 * 60, 'unixepoch', 'start of "
          "month', '+1 month')) - 2440587.5) * 1440 AS INT) - 1 "
          "WHEN 1 THEN ?3 + 1439 WHEN 2 THEN ?3 ELSE ?3 + ?5 END, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
          "?15)",
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
    // The point as the engine holds it (single precision, incident_table.h), so a point
    // within rounding of a boundary is on the same side for both.
    int in_polygon = 0;
    if (inc.location.point) {
      const double lon = static_cast<float>(inc.location.point->longitude);
      const double lat = static_cast<float>(inc.location.point->latitude);
      sqlite3_bind_double(insert, 13, lon);
      sqlite3_bind_double(insert, 14, lat);
      for (size_t k = 0; k < polygons.size(); ++k) in_polygon |= InsidePolygon(polygons[k], lon, lat) << k;
    } else {
      sqlite3_bind_null(insert, 13);
      sqlite3_bind_null(insert, 14);
    }
    sqlite3_bind_int64(insert, 15, in_polygon);
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
  int compared = 0, refused = 0, nonempty = 0, spatial = 0, spatial_nonempty = 0, rates = 0, young_rates = 0;
  for (int n = 0; n < 360; ++n) {
    Pair pair = MakeQuery(rng, polygons.size());
    for (std::string& a : pair.args) {
      if (a.rfind("polygon:", 0) == 0) a = PolygonArg(polygons[static_cast<size_t>(std::stoi(a.substr(8)))]);
    }
    bool is_spatial = false;
    for (const std::string& a : pair.args)
      is_spatial |= a.rfind("near=", 0) == 0 || a.rfind("within=", 0) == 0;
    spatial += is_spatial;
    std::string shown;
    for (const std::string& a : pair.args) shown += a + " ";
    SCOPED_TRACE(shown + "\n" + pair.sql);
    auto query = ParseQueryArgs(pair.args);
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    auto one = RunQuery(**table, *query, QueryOptions{1});
    const size_t dims = query->group_by.size();
    int columns = static_cast<int>(dims) + 2;
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
      for (size_t k = 0; k < dims + 2; ++k) row += (k ? "|" : "") + cells[k];
      if (cells[dims] != "0") got.insert(row);
    }
    EXPECT_EQ(got, expected);
    if (!pair.rate_sql.empty()) {
      // Rates as doubles: the same count over the same population, to 1e-12 relative.
      std::map<std::string, std::optional<double>> engine_rates, sql_rates;
      for (const ResultRow& row : one->rows) {
        if (row.count == 0) continue;
        std::string key;
        for (const std::string& k : row.keys) key += k + "|";
        engine_rates[key + std::to_string(row.count)] = row.rate_per_1000;
      }
      sqlite3_stmt* st = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(db, pair.rate_sql.c_str(), -1, &st, nullptr), SQLITE_OK)
          << sqlite3_errmsg(db);
      while (sqlite3_step(st) == SQLITE_ROW) {
        std::string key;
        for (size_t k = 0; k <= dims; ++k) {
          const unsigned char* text = sqlite3_column_text(st, static_cast<int>(k));
          key += (k ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
        }
        std::optional<double> value;
        if (sqlite3_column_type(st, static_cast<int>(dims) + 1) != SQLITE_NULL)
          value = sqlite3_column_double(st, static_cast<int>(dims) + 1);
        if (sqlite3_column_int64(st, static_cast<int>(dims)) != 0) sql_rates[key] = value;
      }
      sqlite3_finalize(st);
      ASSERT_EQ(engine_rates.size(), sql_rates.size());
      for (const auto& [key, value] : sql_rates) {
        SCOPED_TRACE(key);
        ASSERT_TRUE(engine_rates.count(key));
        const std::optional<double>& mine = engine_rates[key];
        ASSERT_EQ(mine.has_value(), value.has_value());
        if (value) {
          EXPECT_LE(std::fabs(*mine - *value), 1e-12 * std::fabs(*value));
        }
      }
      ++rates;
      young_rates += one->denominator.find("under 25") != std::string::npos;
    }
    ++compared;
    nonempty += got.empty() ? 0 : 1;
    spatial_nonempty += is_spatial && !got.empty();
  }
  sqlite3_close(db);
  // The generator must exercise both outcomes, mostly with something to count.
  EXPECT_GT(compared, 250);
  EXPECT_GT(nonempty, 200);
  EXPECT_GT(spatial, 40);
  EXPECT_GT(spatial_nonempty, 30);
  EXPECT_GT(rates, 40);
  EXPECT_GT(young_rates, 5);
  std::cout << "compared " << compared << " queries (" << nonempty << " non-empty, " << spatial
            << " by radius or polygon (" << spatial_nonempty << " non-empty), " << rates << " with rates, "
            << young_rates << " per under-25s), " << refused << " refused\n";
}

}  // namespace
}  // namespace harmlens
