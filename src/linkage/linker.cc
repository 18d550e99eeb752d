#include "linkage/linker.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "linkage/comparators.h"

namespace harmlens::linkage {
namespace {

// Three bits per field: 0 = missing, 1 + level otherwise. Ten fields fit.
constexpr int kBitsPerField = 3;

double Similarity(const LinkageSchema& schema, const RecordSet& set, size_t f, uint32_t a, uint32_t b) {
  if (set.Missing(f, a) || set.Missing(f, b)) return -1.0;
  if (set.mode == LinkMode::kEncoded) {
    const int words = set.words[f];
    return DiceSimilarity(&set.filters[f][size_t{a} * words], &set.filters[f][size_t{b} * words], words,
                          set.popcounts[f][a], set.popcounts[f][b]);
  }
  return PlaintextSimilarity(schema.fields[f].plaintext, set.values[f][a], set.values[f][b]);
}

int LevelOf(const FieldSpec& spec, double similarity) {
  if (similarity < 0) return -1;
  for (size_t l = 0; l < spec.levels.size(); ++l) {
    if (similarity >= spec.levels[l]) return static_cast<int>(l);
  }
  return static_cast<int>(spec.levels.size());
}

uint32_t PatternOf(const LinkageSchema& schema, const RecordSet& set, uint32_t a, uint32_t b) {
  uint32_t pattern = 0;
  for (size_t f = 0; f < schema.fields.size(); ++f) {
    const int level = LevelOf(schema.fields[f], Similarity(schema, set, f, a, b));
    pattern |= static_cast<uint32_t>(level + 1) << (kBitsPerField * f);
  }
  return pattern;
}

int LevelInPattern(uint32_t pattern, size_t f) {
  return static_cast<int>((pattern >> (kBitsPerField * f)) & 7u) - 1;
}

double PatternWeight(const MatchModel& model, uint32_t pattern) {
  double weight = std::log2(model.match_share / (1 - model.match_share));
  for (size_t f = 0; f < model.fields.size(); ++f)
    weight += FieldWeight(model, f, LevelInPattern(pattern, f));
  return weight;
}

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct UnionFind {
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  std::vector<uint32_t> parent;
};

// Parallel map over candidate pairs: fills out[i] = fn(pairs[i]).
template <typename Fn>
void ForEachPair(const std::vector<std::pair<uint32_t, uint32_t>>& pairs, int threads,
                 std::vector<uint32_t>* out, Fn fn) {
  out->resize(pairs.size());
  const size_t n = pairs.size();
  threads = std::max(1, std::min<int>(threads, static_cast<int>(n / 10000) + 1));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t i = n * t / threads; i < n * (t + 1) / threads; ++i) (*out)[i] = fn(pairs[i]);
    });
  }
  for (std::thread& w : workers) w.join();
}

// EM over distinct agreement patterns and their counts; updates the match share, and m
// and u if asked. Returns the iterations run.
int RunEm(const std::unordered_map<uint32_t, double>& counts, int max_iterations, bool update_m,
          bool update_u, MatchModel* model) {
  const size_t fields = model->fields.size();
  int iterations = 0;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    std::vector<std::vector<double>> m_sum(fields), u_sum(fields);
    for (size_t f = 0; f < fields; ++f) {
      m_sum[f].assign(model->fields[f].m.size(), 1e-3);
      u_sum[f].assign(model->fields[f].u.size(), 1e-3);
    }
    double match_total = 0, all_total = 0;
    for (const auto& [pattern, count] : counts) {
      const double p = MatchProbability(PatternWeight(*model, pattern));
      match_total += p * count;
      all_total += count;
      for (size_t f = 0; f < fields; ++f) {
        const int level = LevelInPattern(pattern, f);
        if (level < 0) continue;
        m_sum[f][level] += p * count;
        u_sum[f][level] += (1 - p) * count;
      }
    }
    double change = std::abs(match_total / all_total - model->match_share);
    model->match_share = std::clamp(match_total / all_total, 1e-6, 1 - 1e-6);
    for (size_t f = 0; f < fields; ++f) {
      const double m_total = std::accumulate(m_sum[f].begin(), m_sum[f].end(), 0.0);
      const double u_total = std::accumulate(u_sum[f].begin(), u_sum[f].end(), 0.0);
      for (size_t l = 0; l < m_sum[f].size(); ++l) {
        // Floors keep one rare level from dominating a weight (log2 of a ratio near 0).
        if (update_m) {
          const double m = std::max(m_sum[f][l] / m_total, 1e-5);
          change = std::max(change, std::abs(m - model->fields[f].m[l]));
          model->fields[f].m[l] = m;
        }
        if (update_u) model->fields[f].u[l] = std::max(u_sum[f][l] / u_total, 1e-5);
      }
    }
    iterations = iteration + 1;
    if (change < 1e-6) break;
  }
  return iterations;
}

}  // namespace

CandidatePairs BlockRecords(const RecordSet& set, int max_block) {
  CandidatePairs result;
  std::vector<std::pair<uint64_t, uint32_t>> postings;
  for (uint32_t r = 0; r < set.size(); ++r) {
    for (uint64_t t : set.tokens[r]) {
      if (t != 0) postings.emplace_back(t, r);
    }
  }
  std::sort(postings.begin(), postings.end());
  std::vector<uint64_t> codes;
  for (size_t begin = 0; begin < postings.size();) {
    size_t end = begin;
    while (end < postings.size() && postings[end].first == postings[begin].first) ++end;
    const size_t size = end - begin;
    ++result.blocks;
    if (size > static_cast<size_t>(max_block)) {
      ++result.oversized_blocks;
      result.oversized_records += static_cast<int64_t>(size);
    } else {
      for (size_t i = begin; i < end; ++i) {
        for (size_t j = i + 1; j < end; ++j) {
          codes.push_back((uint64_t{postings[i].second} << 32) | postings[j].second);
        }
      }
    }
    begin = end;
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  result.pairs.reserve(codes.size());
  for (uint64_t c : codes)
    result.pairs.emplace_back(static_cast<uint32_t>(c >> 32), static_cast<uint32_t>(c));
  return result;
}

Comparison Compare(const LinkageSchema& schema, const RecordSet& set, uint32_t a, uint32_t b) {
  Comparison c;
  for (size_t f = 0; f < schema.fields.size(); ++f) {
    c.similarity.push_back(Similarity(schema, set, f, a, b));
    c.levels.push_back(LevelOf(schema.fields[f], c.similarity.back()));
  }
  return c;
}

double FieldWeight(const MatchModel& model, size_t field, int level) {
  if (level < 0) return 0.0;
  return std::log2(model.fields[field].m[level] / model.fields[field].u[level]);
}

double MatchWeight(const MatchModel& model, const Comparison& comparison) {
  double weight = std::log2(model.match_share / (1 - model.match_share));
  for (size_t f = 0; f < model.fields.size(); ++f) weight += FieldWeight(model, f, comparison.levels[f]);
  return weight;
}

double MatchProbability(double match_weight) {
  const double odds = std::exp2(match_weight);
  return odds / (1 + odds);
}

namespace {

MatchModel TrainOnPatterns(const LinkageSchema& schema, const RecordSet& set,
                           const CandidatePairs& candidates, const std::vector<uint32_t>& patterns,
                           bool train_u, int64_t random_pairs, uint64_t seed) {
  const size_t fields = schema.fields.size();
  MatchModel model;
  model.fields.resize(fields);
  // u: agreement among random pairs, which are almost all non-matches.
  std::vector<std::vector<double>> u_counts(fields);
  for (size_t f = 0; f < fields; ++f) u_counts[f].assign(schema.fields[f].levels.size() + 1, 0.5);
  uint64_t state = seed;
  const uint64_t n = set.size();
  if (n >= 2) {
    for (int64_t i = 0; i < random_pairs; ++i) {
      const auto a = static_cast<uint32_t>(SplitMix(&state) % n);
      const auto b = static_cast<uint32_t>(SplitMix(&state) % n);
      if (a == b) continue;
      const uint32_t pattern = PatternOf(schema, set, a, b);
      for (size_t f = 0; f < fields; ++f) {
        const int level = LevelInPattern(pattern, f);
        if (level >= 0) u_counts[f][level] += 1;
      }
      ++model.random_pairs;
    }
  }
  for (size_t f = 0; f < fields; ++f) {
    const double total = std::accumulate(u_counts[f].begin(), u_counts[f].end(), 0.0);
    for (double c : u_counts[f]) model.fields[f].u.push_back(c / total);
    // m starts confident in agreement: 0.8 at the top level, the rest shared.
    const size_t levels = u_counts[f].size();
    model.fields[f].m.assign(levels, 0.2 / static_cast<double>(levels - 1));
    model.fields[f].m[0] = 0.8;
  }
  model.match_share = 0.1;
  if (patterns.empty()) return model;
  if (train_u) {
    // Classic EM: m, u and the match share from the candidates alone.
    std::unordered_map<uint32_t, double> counts;
    for (uint32_t p : patterns) counts[p] += 1;
    model.iterations = RunEm(counts, schema.em_iterations, true, true, &model);
    return model;
  }
  // As Splink does: for each blocking rule, EM over the pairs that rule made, with the
  // rule's own fields left out (its pairs agree on them by construction, so they say
  // nothing about m) and u held at the random-pair estimate; each field's m is the mean
  // over the rules that did not use it. Then the match share among all candidates.
  const MatchModel start = model;
  std::vector<std::vector<double>> m_sum(fields);
  std::vector<int> m_rules(fields, 0);
  for (size_t f = 0; f < fields; ++f) m_sum[f].assign(model.fields[f].m.size(), 0.0);
  for (size_t r = 0; r < schema.blocking.size(); ++r) {
    uint32_t keep = 0xFFFFFFFFu;
    std::vector<bool> used(fields, false);
    for (const BlockingPart& part : schema.blocking[r]) {
      used[part.field] = true;
      keep &= ~(7u << (kBitsPerField * part.field));
    }
    std::unordered_map<uint32_t, double> counts;
    for (size_t i = 0; i < patterns.size(); ++i) {
      const auto [a, b] = candidates.pairs[i];
      if (set.tokens[a][r] != 0 && set.tokens[a][r] == set.tokens[b][r]) counts[patterns[i] & keep] += 1;
    }
    if (counts.empty()) continue;
    MatchModel rule_model = start;
    model.iterations += RunEm(counts, schema.em_iterations, true, false, &rule_model);
    for (size_t f = 0; f < fields; ++f) {
      if (used[f]) continue;
      for (size_t l = 0; l < m_sum[f].size(); ++l) m_sum[f][l] += rule_model.fields[f].m[l];
      ++m_rules[f];
    }
  }
  for (size_t f = 0; f < fields; ++f) {
    if (m_rules[f] == 0) continue;
    for (size_t l = 0; l < m_sum[f].size(); ++l) model.fields[f].m[l] = m_sum[f][l] / m_rules[f];
  }
  std::unordered_map<uint32_t, double> counts;
  for (uint32_t p : patterns) counts[p] += 1;
  model.iterations += RunEm(counts, schema.em_iterations, false, true, &model);
  return model;
}

}  // namespace

MatchModel TrainMatchModel(const LinkageSchema& schema, const RecordSet& set,
                           const CandidatePairs& candidates, bool train_u, int64_t random_pairs,
                           uint64_t seed) {
  std::vector<uint32_t> patterns;
  ForEachPair(candidates.pairs, 2, &patterns, [&](const std::pair<uint32_t, uint32_t>& p) {
    return PatternOf(schema, set, p.first, p.second);
  });
  return TrainOnPatterns(schema, set, candidates, patterns, train_u, random_pairs, seed);
}

const char* ClusteringName(Clustering clustering) {
  return clustering == Clustering::kConnectedComponents ? "connected-components" : "average-linkage";
}

LinkResult Link(const LinkageSchema& schema, const RecordSet& set, const LinkOptions& options) {
  LinkResult result;
  result.candidates = BlockRecords(set, options.max_block);
  std::vector<uint32_t> patterns;
  ForEachPair(
      result.candidates.pairs, options.threads, &patterns,
      [&](const std::pair<uint32_t, uint32_t>& p) { return PatternOf(schema, set, p.first, p.second); });
  result.model = TrainOnPatterns(schema, set, result.candidates, patterns, options.train_u, 200'000, 1);
  const MatchModel& model = result.model;
  std::unordered_map<uint32_t, double> weight_of;
  auto weight = [&](uint32_t pattern) {
    auto it = weight_of.find(pattern);
    if (it == weight_of.end()) it = weight_of.emplace(pattern, PatternWeight(model, pattern)).first;
    return it->second;
  };
  const double threshold_weight = std::log2(schema.match_threshold / (1 - schema.match_threshold));
  struct Edge {
    double weight;
    uint32_t a, b;
  };
  std::vector<Edge> edges;
  for (size_t i = 0; i < patterns.size(); ++i) {
    const double w = weight(patterns[i]);
    if (w >= threshold_weight)
      edges.push_back({w, result.candidates.pairs[i].first, result.candidates.pairs[i].second});
  }
  result.matched_pairs = static_cast<int64_t>(edges.size());
  // Strongest evidence first, ties by record order, so runs are reproducible.
  std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
    if (x.weight != y.weight) return x.weight > y.weight;
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  UnionFind persons(set.size());
  std::vector<std::vector<uint32_t>> members(set.size());
  for (uint32_t r = 0; r < set.size(); ++r) members[r] = {r};
  const double cluster_weight = std::log2(schema.cluster_threshold / (1 - schema.cluster_threshold));
  for (const Edge& e : edges) {
    uint32_t x = persons.Find(e.a), y = persons.Find(e.b);
    if (x == y) continue;
    if (options.clustering == Clustering::kAverageLinkage && members[x].size() * members[y].size() > 1) {
      // Would the two clusters' records agree on average? A chain of single good links
      // (a nickname here, a shared surname and year there) fails this.
      double total = 0;
      int64_t count = 0;
      for (uint32_t i : members[x]) {
        for (uint32_t j : members[y]) {
          total += MatchProbability(weight(PatternOf(schema, set, std::min(i, j), std::max(i, j))));
          ++count;
        }
      }
      if (total / static_cast<double>(count) < MatchProbability(cluster_weight)) continue;
    }
    if (members[x].size() < members[y].size()) std::swap(x, y);
    persons.parent[y] = x;
    members[x].insert(members[x].end(), members[y].begin(), members[y].end());
    members[y].clear();
    members[y].shrink_to_fit();
  }
  std::vector<uint32_t> number(set.size(), UINT32_MAX);
  result.cluster.resize(set.size());
  for (uint32_t r = 0; r < set.size(); ++r) {
    const uint32_t root = persons.Find(r);
    if (number[root] == UINT32_MAX) number[root] = static_cast<uint32_t>(result.clusters++);
    result.cluster[r] = number[root];
  }
  return result;
}

std::string ExplainPair(const LinkageSchema& schema, const RecordSet& set, const MatchModel& model,
                        uint32_t a, uint32_t b) {
  const Comparison c = Compare(schema, set, a, b);
  std::string out;
  char line[256];
  double running = std::log2(model.match_share / (1 - model.match_share));
  std::snprintf(line, sizeof line, "%-16s %-9s %10s %8s %8s %9s %10s\n", "step", "level", "similarity", "m",
                "u", "weight", "cumulative");
  out += line;
  std::snprintf(line, sizeof line, "%-16s %-9s %10s %8s %8s %+9.3f %+10.3f\n", "prior (lambda)", "", "", "",
                "", running, running);
  out += line;
  for (size_t f = 0; f < schema.fields.size(); ++f) {
    const int level = c.levels[f];
    if (level < 0) {
      std::snprintf(line, sizeof line, "%-16s %-9s %10s %8s %8s %+9.3f %+10.3f\n",
                    schema.fields[f].name.c_str(), "missing", "", "", "", 0.0, running);
    } else {
      const double w = FieldWeight(model, f, level);
      running += w;
      std::snprintf(line, sizeof line, "%-16s %-9d %10.3f %8.4f %8.4f %+9.3f %+10.3f\n",
                    schema.fields[f].name.c_str(), level, c.similarity[f], model.fields[f].m[level],
                    model.fields[f].u[level], w, running);
    }
    out += line;
  }
  std::snprintf(line, sizeof line, "match weight %+.3f, probability %.4f (threshold %.2f): %s\n", running,
                MatchProbability(running), schema.match_threshold,
                MatchProbability(running) >= schema.match_threshold ? "match" : "no match");
  out += line;
  return out;
}

std::vector<int64_t> AssignPersonIds(const std::vector<std::string>& keys,
                                     const std::vector<uint32_t>& cluster,
                                     const std::map<std::string, int64_t>& previous) {
  int64_t next = 1;
  for (const auto& [key, id] : previous) next = std::max(next, id + 1);
  std::vector<int64_t> ids(keys.size(), 0);
  // Per cluster: how often each earlier id occurs.
  std::unordered_map<uint32_t, std::map<int64_t, int64_t>> earlier;
  for (size_t r = 0; r < keys.size(); ++r) {
    auto it = previous.find(keys[r]);
    if (it == previous.end()) continue;
    ids[r] = it->second;
    ++earlier[cluster[r]][it->second];
  }
  std::unordered_map<uint32_t, int64_t> chosen;
  for (size_t r = 0; r < keys.size(); ++r) {
    if (ids[r] != 0) continue;
    auto c = chosen.find(cluster[r]);
    if (c == chosen.end()) {
      int64_t id = 0;
      auto e = earlier.find(cluster[r]);
      if (e != earlier.end()) {
        int64_t best = -1;
        for (const auto& [candidate, count] : e->second) {
          if (count > best) best = count, id = candidate;  // map order: smallest id wins a tie
        }
      } else {
        id = next++;
      }
      c = chosen.emplace(cluster[r], id).first;
    }
    ids[r] = c->second;
  }
  return ids;
}

PairAccuracy EvaluateClusters(const std::vector<uint32_t>& predicted, const std::vector<uint64_t>& truth) {
  auto pairs = [](int64_t n) { return n * (n - 1) / 2; };
  std::unordered_map<uint64_t, int64_t> predicted_sizes, true_sizes, joint;
  for (size_t r = 0; r < predicted.size(); ++r) {
    ++predicted_sizes[predicted[r]];
    ++true_sizes[truth[r]];
    // Truth labels are below 2^40 (asserted by callers' data: record numbers or person ids).
    ++joint[(uint64_t{predicted[r]} << 40) ^ truth[r]];
  }
  PairAccuracy accuracy;
  for (const auto& [label, n] : predicted_sizes) accuracy.predicted_pairs += pairs(n);
  for (const auto& [label, n] : true_sizes) accuracy.true_pairs += pairs(n);
  for (const auto& [label, n] : joint) accuracy.true_positives += pairs(n);
  return accuracy;
}

}  // namespace harmlens::linkage
