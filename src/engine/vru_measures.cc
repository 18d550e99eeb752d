#include "engine/vru_measures.h"

#include <map>
#include <tuple>

namespace harmlens {
namespace {

const std::vector<VruMeasureDefinition> kDefinitions = {
    {VruMeasure::kKnifeAssaultAttendances, "knife-assault-attendances",
     "A&E attendances for assault with a knife or sharp object",
     "the patient's recorded age band lies under 25"},
    {VruMeasure::kKnifeEnabledSeriousViolence, "knife-enabled-serious-violence",
     "Police-recorded knife-enabled serious violence", "a victim whose recorded age lies under 25"},
    {VruMeasure::kNonDomesticHomicide, "non-domestic-homicide", "Police-recorded non-domestic homicide",
     "a victim whose recorded age lies under 25"},
};

// Home Office offence codes of the serious violence the knife measure counts: homicide
// (1, 4/1), attempted murder (2), assault with intent to cause serious harm (5D),
// assault with injury (8N), robbery (34A, 34B), rape (19C) and sexual assault (17A,
// 20A) — the offences ONS counts as "knife or sharp instrument offences" where a knife
// was used, less threats to kill (not in the extract's code list).
const std::vector<std::string> kSeriousViolenceCodes = {"1",   "4/1", "2",   "5D",  "8N",
                                                        "34A", "34B", "19C", "17A", "20A"};
const std::vector<std::string> kHomicideCodes = {"1", "4/1"};

}  // namespace

const std::vector<VruMeasureDefinition>& VruMeasureDefinitions() { return kDefinitions; }

std::optional<VruMeasure> VruMeasureFromSlug(std::string_view slug) {
  for (const VruMeasureDefinition& d : kDefinitions) {
    if (d.slug == slug) return d.measure;
  }
  return std::nullopt;
}

Query MeasureQuery(VruMeasure measure, const Query& scope, bool under25) {
  Query q;
  q.csp_areas = scope.csp_areas;
  q.lsoas = scope.lsoas;
  q.imd_deciles = scope.imd_deciles;
  q.from_minute = scope.from_minute;
  q.to_minute = scope.to_minute;
  q.months = scope.months;
  const AgeCut kUnder25{0, 24, false};
  switch (measure) {
    case VruMeasure::kKnifeAssaultAttendances:
      q.sources = {Agency::kEmergencyDepartment};
      q.assault_methods = {AssaultMethod::kKnifeOrSharp};
      break;
    case VruMeasure::kKnifeEnabledSeriousViolence:
      q.sources = {Agency::kPoliceExtract};
      q.weapons = {Weapon::kKnifeOrSharp};
      q.offence_codes = kSeriousViolenceCodes;
      break;
    case VruMeasure::kNonDomesticHomicide:
      q.sources = {Agency::kPoliceExtract};
      q.offence_codes = kHomicideCodes;
      q.domestic = {DomesticFlag::kNo, DomesticFlag::kNotSaid};
      break;
  }
  if (under25) q.victim.ages = {kUnder25};
  return q;
}

Result<VruTable> VruMeasures(const IncidentTable& table, const Query& scope, const QueryOptions& options) {
  VruTable out;
  for (const VruMeasureDefinition& def : kDefinitions) {
    // key: (csp label order, month) -> row
    std::map<std::pair<std::string, std::string>, VruRow> rows;
    std::map<std::string, size_t> csp_order;
    auto run = [&](Query q, int64_t VruRow::*field) -> Status {
      q.group_by = {Dimension::kCsp, Dimension::kMonth};
      q.measures = {Measure::kCount};
      auto result = RunQuery(table, q, options);
      if (!result.ok()) {
        // No record to count is not an error for a standing report.
        return result.status();
      }
      for (const std::string& note : result->notes) {
        if (field == &VruRow::count) out.notes.push_back(std::string(def.slug) + ": " + note);
      }
      for (size_t k = 0; k < result->rows.size(); ++k) {
        const ResultRow& r = result->rows[k];
        csp_order.emplace(r.keys[0], csp_order.size());
        VruRow& row = rows[{r.keys[0], r.keys[1]}];
        row.csp = r.keys[0];
        row.month = r.keys[1];
        row.measure = def.measure;
        row.*field = r.count;
      }
      return Status::Ok();
    };
    HL_RETURN_IF_ERROR(run(MeasureQuery(def.measure, scope, false), &VruRow::count));
    HL_RETURN_IF_ERROR(run(MeasureQuery(def.measure, scope, true), &VruRow::under25));
    if (def.measure == VruMeasure::kNonDomesticHomicide) {
      Query knife = MeasureQuery(def.measure, scope, false);
      knife.weapons = {Weapon::kKnifeOrSharp};
      for (auto& [key, row] : rows) row.knife = 0;
      HL_RETURN_IF_ERROR(run(knife, &VruRow::knife));
    }
    // RunQuery's row order is CSP code order then month: keep it.
    std::vector<VruRow> ordered;
    for (auto& [key, row] : rows) ordered.push_back(row);
    std::stable_sort(ordered.begin(), ordered.end(), [&](const VruRow& a, const VruRow& b) {
      if (a.csp != b.csp) return csp_order[a.csp] < csp_order[b.csp];
      return a.month < b.month;
    });
    out.rows.insert(out.rows.end(), ordered.begin(), ordered.end());
  }
  return out;
}

}  // namespace harmlens
