// The hub's linkage engine, the same in both modes (docs/linkage.md): blocking into
// candidate pairs, per-field comparison into agreement levels, Fellegi-Sunter match
// weights trained without labels (u from random pairs, m and the match share by EM),
// a threshold, clustering into persons that resists chaining, and the explanation of
// any pair's score. Functions are pure over their inputs; Link uses `threads` threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "linkage/records.h"
#include "linkage/schema.h"

namespace harmlens::linkage {

struct CandidatePairs {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;  // first < second, sorted, unique
  int64_t blocks = 0;
  int64_t oversized_blocks = 0;  // blocks larger than the cap, skipped (counted, never silent)
  int64_t oversized_records = 0;
};
// Every pair of records sharing a blocking token, blocks over `max_block` records skipped.
CandidatePairs BlockRecords(const RecordSet& set, int max_block = 5000);

// Agreement level per field: 0 = most similar, levels.size() = least, -1 = missing.
struct Comparison {
  std::vector<int> levels;
  std::vector<double> similarity;  // -1 when missing
};
Comparison Compare(const LinkageSchema& schema, const RecordSet& set, uint32_t a, uint32_t b);

struct FieldWeights {
  std::vector<double> m;  // P(level | match), per level
  std::vector<double> u;  // P(level | non-match)
};
struct MatchModel {
  double match_share = 0.0;  // share of candidate pairs that are matches (EM's lambda)
  std::vector<FieldWeights> fields;
  int iterations = 0;
  int64_t random_pairs = 0;  // used to estimate u
};
// Unsupervised: u from `random_pairs` random pairs (nearly all non-matches), then EM over
// the candidates' agreement patterns for m and the match share (and u too if train_u).
MatchModel TrainMatchModel(const LinkageSchema& schema, const RecordSet& set,
                           const CandidatePairs& candidates, bool train_u = false,
                           int64_t random_pairs = 200'000, uint64_t seed = 1);

// log2 Bayes factor of one field's level (0 when missing), and the pair's total with the prior.
double FieldWeight(const MatchModel& model, size_t field, int level);
double MatchWeight(const MatchModel& model, const Comparison& comparison);
double MatchProbability(double match_weight);

enum class Clustering {
  kConnectedComponents,  // every pair above the threshold joins two persons (chains)
  kAverageLinkage,       // two clusters join only if their records agree on average
};
const char* ClusteringName(Clustering clustering);

struct LinkOptions {
  Clustering clustering = Clustering::kAverageLinkage;
  int threads = 2;
  bool train_u = false;  // true: classic EM over all candidates for m and u
  int max_block = 5000;
};

struct LinkResult {
  CandidatePairs candidates;
  MatchModel model;
  int64_t matched_pairs = 0;      // candidate pairs above the threshold
  std::vector<uint32_t> cluster;  // per record, a cluster number (0..clusters-1)
  int64_t clusters = 0;
};
LinkResult Link(const LinkageSchema& schema, const RecordSet& set, const LinkOptions& options);

// The waterfall: each field's level, similarity, m, u and weight, from the prior to the total.
std::string ExplainPair(const LinkageSchema& schema, const RecordSet& set, const MatchModel& model,
                        uint32_t a, uint32_t b);

// Stable person ids. `previous` maps record keys to ids from earlier runs: those records
// keep their ids; a new record takes the id most common among the earlier records of its
// cluster (smallest on a tie); a cluster of new records only gets the next unused id.
std::vector<int64_t> AssignPersonIds(const std::vector<std::string>& keys,
                                     const std::vector<uint32_t>& cluster,
                                     const std::map<std::string, int64_t>& previous);

// Pairwise accuracy of a clustering against the truth (both labels per record).
struct PairAccuracy {
  int64_t predicted_pairs = 0;
  int64_t true_pairs = 0;
  int64_t true_positives = 0;
  double precision() const { return predicted_pairs ? double(true_positives) / predicted_pairs : 1.0; }
  double recall() const { return true_pairs ? double(true_positives) / true_pairs : 1.0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};
PairAccuracy EvaluateClusters(const std::vector<uint32_t>& predicted, const std::vector<uint64_t>& truth);

}  // namespace harmlens::linkage
