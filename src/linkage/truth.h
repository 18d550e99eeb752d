// Ground truth for evaluating linkage: who is really behind each record, from the FEBRL
// record ids ("rec-N-org", "rec-N-dup-M": record N) or from the synthetic LLR's
// truth/agency_records.csv. Read only by evaluations, never by a normal run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace harmlens::linkage {

// One label per key ("source/record_key", as RecordSet::keys); FEBRL ids carry it.
Result<std::vector<uint64_t>> FebrlTruth(const std::vector<std::string>& keys);

// Labels from truth/agency_records.csv (agency,record_id,person_id,...); a key that is not
// in the truth file is an error naming it.
Result<std::vector<uint64_t>> SyntheticAgencyTruth(const std::string& file, std::string_view bytes,
                                                   const std::vector<std::string>& keys);

// The number of true pairs in a FEBRL *_true_duplicate_pairs.csv (to check the labels).
int64_t CountTruePairs(std::string_view bytes);

}  // namespace harmlens::linkage
