#include "linkage/event_linkage.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace harmlens::linkage {
namespace {

constexpr double kMetresPerDegreeLatitude = 111'250;
constexpr double kPi = 3.14159265358979323846;

double DistanceMetres(const GeoPoint& a, const GeoPoint& b) {
  const double mean_latitude = (a.latitude + b.latitude) / 2 * kPi / 180;
  const double dx = (a.longitude - b.longitude) * kMetresPerDegreeLatitude * std::cos(mean_latitude);
  const double dy = (a.latitude - b.latitude) * kMetresPerDegreeLatitude;
  return std::sqrt(dx * dx + dy * dy);
}

// The minutes an attendance's assault may have been at: a day spans the whole day.
std::pair<int64_t, int64_t> Span(const OccurredTime& t) {
  switch (t.precision) {
    case TimePrecision::kDay:
      return {t.local_minute, t.local_minute + 1439};
    case TimePrecision::kWindow:
      return {t.local_minute, t.end_minute()};
    case TimePrecision::kMonth:
      return {t.local_minute, t.local_minute + 31 * 1440 - 1};
    case TimePrecision::kMinute:
      break;
  }
  return {t.local_minute, t.local_minute};
}

int64_t Gap(std::pair<int64_t, int64_t> x, std::pair<int64_t, int64_t> y) {
  if (x.second < y.first) return y.first - x.second;
  if (y.second < x.first) return x.first - y.second;
  return 0;
}

bool IsAssaultLike(const Incident& p) {
  return p.crime_type == CrimeType::kViolenceAndSexualOffences || p.crime_type == CrimeType::kRobbery;
}

// +1 agreeing, -3 contradicting, 0 when either side does not say.
double WeaponEvidence(AssaultMethod method, Weapon weapon) {
  if (method == AssaultMethod::kUnknown || weapon == Weapon::kUnknown) return 0;
  const bool agree = (method == AssaultMethod::kKnifeOrSharp && weapon == Weapon::kKnifeOrSharp) ||
                     (method == AssaultMethod::kFirearm && weapon == Weapon::kFirearm) ||
                     (method == AssaultMethod::kBodyPart && weapon == Weapon::kNone) ||
                     ((method == AssaultMethod::kBluntObject || method == AssaultMethod::kOther) &&
                      weapon == Weapon::kOther);
  return agree ? 1.5 : -3;
}

}  // namespace

std::optional<EventEvidence> CompareEvent(const Incident& a, const Incident& p,
                                          const EventLinkOptions& options) {
  if (!IsAssaultLike(p)) return std::nullopt;
  const Involvement* patient = nullptr;
  for (const Involvement& v : a.involvements) {
    if (v.role == Role::kVictim) patient = &v;
  }
  std::vector<const Involvement*> victims;
  for (const Involvement& v : p.involvements) {
    if (v.role == Role::kVictim) victims.push_back(&v);
  }
  if (victims.empty()) return std::nullopt;
  EventEvidence e;
  const bool arrival_only = a.occurred_note == TimeNote::kArrivalNotAssault;
  const int64_t gap = Gap(Span(a.occurred), Span(p.occurred));
  if (gap > (arrival_only ? options.max_gap_arrival_minutes : options.max_gap_minutes)) return std::nullopt;
  // The same minute on both sides is strong evidence (a few violent incidents a day in a
  // district, 1,440 minutes); a day or an arrival time says much less.
  const bool both_minutes =
      a.occurred.precision == TimePrecision::kMinute && p.occurred.precision == TimePrecision::kMinute;
  if (arrival_only) {
    e.time = 0.5 - static_cast<double>(gap) / (12 * 60);
  } else if (both_minutes) {
    e.time = gap == 0 ? 8.0 : 2.0 - static_cast<double>(gap) / 30.0;
  } else {
    e.time = gap == 0 ? 1.0 : -static_cast<double>(gap) / 120.0;
  }
  if (a.location.point && p.location.point) {
    const double beyond =
        std::max(0.0, DistanceMetres(*a.location.point, *p.location.point) -
                          a.location.radius_metres.value_or(0) - p.location.radius_metres.value_or(0));
    if (beyond > options.max_distance_metres) return std::nullopt;
    e.place = a.location.confidence * (2.0 - beyond / 500.0);
  }
  if (!a.location.csp_area.empty() && !p.location.csp_area.empty() &&
      a.location.csp_area != p.location.csp_area && !a.location.point) {
    e.place -= 1;
  }
  e.weapon = WeaponEvidence(a.attendance.method, p.weapon);
  if (patient != nullptr) {
    double best_age = -4, best_sex = -3;
    bool age_known = false, sex_known = false;
    for (const Involvement* v : victims) {
      if (patient->age && v->age) {
        age_known = true;
        const bool overlap =
            v->age->min_years <= patient->age->max_years && patient->age->min_years <= v->age->max_years;
        best_age = std::max(best_age, overlap ? 2.0 : -4.0);
      }
      if (patient->sex != Sex::kUnknown && v->sex != Sex::kUnknown) {
        sex_known = true;
        best_sex = std::max(best_sex, patient->sex == v->sex ? 0.8 : -3.0);
      }
    }
    e.age = age_known ? best_age : 0;
    e.sex = sex_known ? best_sex : 0;
  }
  return e;
}

std::vector<int64_t> LinkAttendances(const std::vector<Incident>& attendances,
                                     const std::vector<Incident>& incidents,
                                     const EventLinkOptions& options) {
  // Sort incidents by start so each attendance looks only at those near it in time.
  std::vector<size_t> order(incidents.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return incidents[x].occurred.local_minute < incidents[y].occurred.local_minute;
  });
  int64_t longest_window = 0;
  for (const Incident& p : incidents)
    longest_window = std::max(longest_window, Span(p.occurred).second - p.occurred.local_minute);
  struct Candidate {
    double score;
    size_t attendance, incident;
  };
  std::vector<Candidate> candidates;
  const int64_t reach = std::max(options.max_gap_minutes, options.max_gap_arrival_minutes) + 31 * 1440;
  for (size_t a = 0; a < attendances.size(); ++a) {
    const auto span = Span(attendances[a].occurred);
    auto first = std::lower_bound(
        order.begin(), order.end(), span.first - reach - longest_window,
        [&](size_t i, int64_t minute) { return incidents[i].occurred.local_minute < minute; });
    for (auto it = first; it != order.end() && incidents[*it].occurred.local_minute <= span.second + reach;
         ++it) {
      if (auto e = CompareEvent(attendances[a], incidents[*it], options);
          e && e->total() >= options.min_score) {
        candidates.push_back({e->total(), a, *it});
      }
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    return std::tie(y.score, x.attendance, x.incident) < std::tie(x.score, y.attendance, y.incident);
  });
  std::vector<int64_t> link(attendances.size(), -1);
  std::vector<bool> taken(incidents.size(), false);
  for (const Candidate& c : candidates) {
    if (link[c.attendance] >= 0 || taken[c.incident]) continue;
    link[c.attendance] = static_cast<int64_t>(c.incident);
    taken[c.incident] = true;
  }
  return link;
}

std::map<std::string, UnknownShare> UnknownToPoliceByCspMonth(const std::vector<Incident>& attendances,
                                                              const std::vector<Incident>& incidents,
                                                              const std::vector<int64_t>& links) {
  std::map<std::string, UnknownShare> shares;
  for (size_t a = 0; a < attendances.size(); ++a) {
    std::string csp = attendances[a].location.csp_area;
    if (csp.empty() && links[a] >= 0) csp = incidents[links[a]].location.csp_area;
    if (csp.empty()) csp = "(unknown)";
    UnknownShare& s = shares[csp + "|" + attendances[a].occurred.month().ToString()];
    ++s.attendances;
    if (links[a] < 0) ++s.unknown_to_police;
  }
  return shares;
}

}  // namespace harmlens::linkage
