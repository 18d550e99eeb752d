#include "engine/people.h"

#include <algorithm>
#include <map>
#include <set>

namespace harmlens {
namespace {

bool InPart(uint8_t role, Part part) {
  if (part == Part::kVictim) return role == static_cast<uint8_t>(Role::kVictim);
  return role == static_cast<uint8_t>(Role::kSuspect) || role == static_cast<uint8_t>(Role::kOffender);
}

std::string Day(int32_t minute) {
  int64_t m = minute;
  int64_t day = m / 1440 - (m % 1440 < 0 ? 1 : 0);
  return CivilDate::FromDays(day).ToString();
}

// (person code, incident row) for every named person of the part in the matched rows,
// one pair per person and incident, sorted by person then start.
struct Appearance {
  uint32_t person;
  uint32_t incident;
  int32_t start;
};

Result<std::vector<Appearance>> Appearances(const IncidentTable& table, const Query& query, Part part,
                                            int64_t* unnamed) {
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> rows, MatchingIncidents(table, query));
  const IncidentColumns& c = table.incidents();
  const PersonColumns& p = table.persons();
  std::vector<Appearance> out;
  for (uint32_t i : rows) {
    for (uint32_t r = c.person_begin[i]; r < c.person_begin[i + 1]; ++r) {
      if (!InPart(p.role[r], part)) continue;
      if (p.person[r] == 0) {
        if (unnamed) ++*unnamed;
        continue;
      }
      out.push_back({p.person[r], i, c.first_minute[i]});
    }
  }
  std::sort(out.begin(), out.end(), [](const Appearance& a, const Appearance& b) {
    if (a.person != b.person) return a.person < b.person;
    if (a.start != b.start) return a.start < b.start;
    return a.incident < b.incident;
  });
  // A person who is both suspect and offender in one incident appears once.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Appearance& a, const Appearance& b) {
                          return a.person == b.person && a.incident == b.incident;
                        }),
            out.end());
  return out;
}

void SortTop(std::vector<PersonSummary>* top, int top_n) {
  std::sort(top->begin(), top->end(), [](const PersonSummary& a, const PersonSummary& b) {
    if (a.incidents != b.incidents) return a.incidents > b.incidents;
    return a.person_id < b.person_id;
  });
  if (top_n >= 0 && top->size() > static_cast<size_t>(top_n)) top->resize(static_cast<size_t>(top_n));
}

}  // namespace

Result<RepeatReport> FindRepeats(const IncidentTable& table, const Query& query, Part part, int window_days,
                                 int top_n) {
  if (window_days < 1 || window_days > 3650) {
    return Status::InvalidArgument("the repeat window must be 1 to 3650 days");
  }
  RepeatReport report;
  report.window_days = window_days;
  HL_ASSIGN_OR_RETURN(std::vector<Appearance> seen,
                      Appearances(table, query, part, &report.unnamed_involvements));
  const int64_t window = int64_t{window_days} * 1440;
  std::set<uint32_t> repeat_incidents;
  for (size_t a = 0; a < seen.size();) {
    size_t b = a;
    bool repeat = false;
    while (b < seen.size() && seen[b].person == seen[a].person) {
      if (b > a && int64_t{seen[b].start} - seen[b - 1].start <= window) repeat = true;
      ++b;
    }
    ++report.persons;
    if (repeat) {
      ++report.repeat_persons;
      for (size_t k = a; k < b; ++k) repeat_incidents.insert(seen[k].incident);
      report.top.push_back({table.person_ids()[seen[a].person], static_cast<int64_t>(b - a),
                            Day(seen[a].start), Day(seen[b - 1].start)});
    }
    a = b;
  }
  report.incidents_with_repeat_persons = static_cast<int64_t>(repeat_incidents.size());
  SortTop(&report.top, top_n);
  return report;
}

Result<OverlapReport> VictimOffenderOverlap(const IncidentTable& table, const Query& query, int top_n) {
  HL_ASSIGN_OR_RETURN(std::vector<Appearance> victims, Appearances(table, query, Part::kVictim, nullptr));
  HL_ASSIGN_OR_RETURN(std::vector<Appearance> perpetrators,
                      Appearances(table, query, Part::kPerpetrator, nullptr));
  std::map<uint32_t, std::pair<std::vector<int32_t>, int64_t>> as_victim, as_perpetrator;  // starts, count
  for (const Appearance& a : victims) {
    auto& entry = as_victim[a.person];
    entry.first.push_back(a.start);
    ++entry.second;
  }
  for (const Appearance& a : perpetrators) {
    auto& entry = as_perpetrator[a.person];
    entry.first.push_back(a.start);
    ++entry.second;
  }
  OverlapReport report;
  report.victims = static_cast<int64_t>(as_victim.size());
  report.perpetrators = static_cast<int64_t>(as_perpetrator.size());
  for (const auto& [person, v] : as_victim) {
    auto it = as_perpetrator.find(person);
    if (it == as_perpetrator.end()) continue;
    ++report.both;
    std::vector<int32_t> starts = v.first;
    starts.insert(starts.end(), it->second.first.begin(), it->second.first.end());
    std::sort(starts.begin(), starts.end());
    report.top.push_back(
        {table.person_ids()[person], v.second + it->second.second, Day(starts.front()), Day(starts.back())});
  }
  SortTop(&report.top, top_n);
  return report;
}

Result<std::vector<CohortRow>> Under25Cohorts(const IncidentTable& table, const Query& query) {
  std::vector<CohortRow> rows = {{"0-9", 0, 0}, {"10-17", 0, 0}, {"18-24", 0, 0}};
  HL_ASSIGN_OR_RETURN(std::vector<uint32_t> matched, MatchingIncidents(table, query));
  const IncidentColumns& c = table.incidents();
  const PersonColumns& p = table.persons();
  for (Part part : {Part::kVictim, Part::kPerpetrator}) {
    // The first matched incident of each person (by start, then row) gives the band.
    std::map<uint32_t, std::pair<int32_t, uint32_t>> first;  // person -> (start, person row)
    for (uint32_t i : matched) {
      for (uint32_t r = c.person_begin[i]; r < c.person_begin[i + 1]; ++r) {
        if (!InPart(p.role[r], part) || p.person[r] == 0) continue;
        auto [it, added] = first.emplace(p.person[r], std::pair{c.first_minute[i], r});
        if (!added && c.first_minute[i] < it->second.first) it->second = {c.first_minute[i], r};
      }
    }
    for (const auto& [person, at] : first) {
      uint32_t r = at.second;
      if (p.age_min[r] == kUnknownAge) continue;
      int band = p.age_max[r] <= 9                            ? 0
                 : (p.age_min[r] >= 10 && p.age_max[r] <= 17) ? 1
                 : (p.age_min[r] >= 18 && p.age_max[r] <= 24) ? 2
                                                              : -1;
      if (band < 0) continue;
      (part == Part::kVictim ? rows[band].victims : rows[band].perpetrators) += 1;
    }
  }
  return rows;
}

}  // namespace harmlens
