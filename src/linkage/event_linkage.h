// Event linkage (docs/linkage.md, "A&E attendances and police incidents"): which A&E
// assault attendance (ISTV, anonymised at source: no person to link) is the same event
// as a police-recorded incident, from time, place (with the geocode's radius), weapon
// against assault method, and the victim's age and sex; then, per CSP area and month,
// the share of A&E assault attendances the police never knew of. Pure functions over
// model values; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/incident.h"

namespace harmlens::linkage {

struct EventLinkOptions {
  int64_t max_gap_minutes = 6 * 60;           // assault time to the incident's window
  int64_t max_gap_arrival_minutes = 72 * 60;  // when A&E recorded only the arrival
  double max_distance_metres = 3000;          // beyond the geocode's radius
  double min_score = 5.0;                     // evidence needed to link (about log2 odds)
};

// One candidate pairing's evidence, in log2 units (positive: the same event is likelier).
struct EventEvidence {
  double time = 0, place = 0, weapon = 0, age = 0, sex = 0;
  double total() const { return time + place + weapon + age + sex; }
};

// Evidence that attendance `a` and police incident `p` are one event; nullopt when they
// cannot be (time gap or distance too large, a victim-less incident, not violence).
std::optional<EventEvidence> CompareEvent(const Incident& a, const Incident& p,
                                          const EventLinkOptions& options);

// Links each attendance to at most one incident and each incident to at most one
// attendance, strongest evidence first. Returns, per attendance, the incident index or -1.
std::vector<int64_t> LinkAttendances(const std::vector<Incident>& attendances,
                                     const std::vector<Incident>& incidents, const EventLinkOptions& options);

// Per "CSP code|YYYY-MM": attendances and those linked to no police incident. The CSP is
// the attendance's (geocoded) or, failing that, its linked incident's; else "(unknown)".
struct UnknownShare {
  int64_t attendances = 0;
  int64_t unknown_to_police = 0;
};
std::map<std::string, UnknownShare> UnknownToPoliceByCspMonth(const std::vector<Incident>& attendances,
                                                              const std::vector<Incident>& incidents,
                                                              const std::vector<int64_t>& links);

}  // namespace harmlens::linkage
