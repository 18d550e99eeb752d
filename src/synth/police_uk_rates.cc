#include "synth/police_uk_rates.h"

#include <map>
#include <memory>
#include <set>

#include "base/csv.h"
#include "model/time.h"

namespace harmlens::synth {
namespace {
constexpr std::string_view kHeader =
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context";
constexpr size_t kMonthColumn = 1, kLsoaColumn = 7, kTypeColumn = 9, kColumns = 12;
}  // namespace

Result<PoliceUkRates> ComputePoliceUkRates(Env* env, const std::string& folder, const ReferenceGeography& geography) {
  HL_ASSIGN_OR_RETURN(std::vector<std::string> files, env->ListFilesRecursively(folder));
  PoliceUkRates rates;
  const auto& lsoas = geography.lsoas();
  std::map<std::string_view, size_t> lsoa_index;
  for (size_t i = 0; i < lsoas.size(); ++i) lsoa_index[lsoas[i].code] = i;
  rates.per_month.assign(lsoas.size(), {});
  std::set<int> months_seen;
  std::array<std::array<double, 12>, kCrimeTypeCount> by_calendar_month{};
  for (const std::string& path : files) {
    if (path.size() < 4 || path.compare(path.size() - 4, 4, ".csv") != 0) continue;
    HL_ASSIGN_OR_RETURN(std::unique_ptr<FileContents> file, env->ReadFile(path));
    CsvReader reader(file->bytes());
    CsvRecord record;
    bool first = true;
    while (reader.Next(&record)) {
      if (first) {
        if (record.raw != kHeader) {
          return Status::RejectedInput("not a police.uk street-level file (expected header " + std::string(kHeader) + ")",
                                       {path, record.line, ""});
        }
        first = false;
        continue;
      }
      if (record.blank) continue;
      if (!record.error.empty() || record.fields.size() != kColumns) {
        return Status::RejectedInput("malformed row in the rate source", {path, record.line, ""});
      }
      ++rates.rows_read;
      std::optional<YearMonth> month = ParseYearMonth(record.fields[kMonthColumn]);
      std::optional<CrimeType> type = CrimeTypeFromName(record.fields[kTypeColumn]);
      if (!month || !type) {
        return Status::RejectedInput("unreadable month or crime type in the rate source", {path, record.line, ""});
      }
      months_seen.insert(month->Index());
      auto it = lsoa_index.find(record.fields[kLsoaColumn]);
      if (it == lsoa_index.end()) continue;
      ++rates.rows_used;
      int t = static_cast<int>(*type) - 1;
      rates.per_month[it->second][t] += 1;
      by_calendar_month[t][month->month - 1] += 1;
    }
  }
  if (months_seen.empty()) return Status::NotFound(folder + ": no police.uk rows to compute rates from");
  rates.months = static_cast<int>(months_seen.size());
  std::array<int, 12> occurrences{};
  for (int index : months_seen) ++occurrences[YearMonth::FromIndex(index).month - 1];
  for (auto& row : rates.per_month) {
    for (double& count : row) count /= rates.months;
  }
  for (int t = 0; t < kCrimeTypeCount; ++t) {
    double sum = 0;
    int present = 0;
    std::array<double, 12> mean{};
    for (int m = 0; m < 12; ++m) {
      if (occurrences[m] == 0) continue;
      mean[m] = by_calendar_month[t][m] / occurrences[m];
      sum += mean[m];
      ++present;
    }
    double overall = present > 0 ? sum / present : 0;
    for (int m = 0; m < 12; ++m) {
      // A calendar month the source lacks takes the overall mean.
      rates.seasonality[t][m] = (overall > 0 && occurrences[m] > 0) ? mean[m] / overall : 1.0;
    }
  }
  return rates;
}

}  // namespace harmlens::synth
