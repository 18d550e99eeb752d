#include "linkage/truth.h"

#include <charconv>
#include <unordered_map>

#include "base/csv.h"

namespace harmlens::linkage {

Result<std::vector<uint64_t>> FebrlTruth(const std::vector<std::string>& keys) {
  std::vector<uint64_t> labels;
  for (const std::string& key : keys) {
    const size_t rec = key.find("rec-");
    uint64_t number = 0;
    const char* begin = key.data() + (rec == std::string::npos ? key.size() : rec + 4);
    const char* end = key.data() + key.size();
    auto [ptr, error] = std::from_chars(begin, end, number);
    if (rec == std::string::npos || error != std::errc() || ptr == begin) {
      return Status::InvalidArgument("FEBRL record id \"" + key + "\" is not rec-N-org or rec-N-dup-M");
    }
    labels.push_back(number);
  }
  return labels;
}

Result<std::vector<uint64_t>> SyntheticAgencyTruth(const std::string& file, std::string_view bytes,
                                                   const std::vector<std::string>& keys) {
  CsvReader reader(bytes);
  CsvRecord csv;
  if (!reader.Next(&csv) || csv.fields.size() < 3 || csv.fields[0] != "agency" ||
      csv.fields[1] != "record_id" || csv.fields[2] != "person_id") {
    return Status::RejectedInput(
        "expected the header agency,record_id,person_id,... (truth/agency_records.csv)", {file, 1, ""});
  }
  std::unordered_map<std::string, uint64_t> person_of;
  while (reader.Next(&csv)) {
    if (csv.blank || csv.fields.size() < 3) continue;
    uint64_t id = 0;
    std::from_chars(csv.fields[2].data(), csv.fields[2].data() + csv.fields[2].size(), id);
    person_of[std::string(csv.fields[0]) + "/" + std::string(csv.fields[1])] = id;
  }
  std::vector<uint64_t> labels;
  for (const std::string& key : keys) {
    auto it = person_of.find(key);
    if (it == person_of.end()) return Status::NotFound("record " + key + " is not in the truth file " + file);
    labels.push_back(it->second);
  }
  return labels;
}

int64_t CountTruePairs(std::string_view bytes) {
  CsvReader reader(bytes);
  CsvRecord csv;
  int64_t pairs = -1;  // the header
  while (reader.Next(&csv)) {
    if (!csv.blank) ++pairs;
  }
  return pairs < 0 ? 0 : pairs;
}

}  // namespace harmlens::linkage
