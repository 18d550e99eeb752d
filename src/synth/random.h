// Deterministic randomness for the synthetic LLR: the same seed gives the same numbers on
// every platform and library version. Generators are xoshiro256** seeded through
// splitmix64 (Blackman and Vigna); per-entity attributes (a person's age, a household's
// point) come from a counter-based hash, Mix64, so any entity can be recomputed on demand
// without storing it. Only integer arithmetic and IEEE +, -, *, /, sqrt are used:
// no std:: distributions and no libm, whose results may differ between versions.
// Values of these types are not shared between threads; each thread owns its streams.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace harmlens::synth {

// The splitmix64 output function: a bijection on 64-bit integers with good avalanche.
constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A hash of several words, order-sensitive: Hash(seed, kTagAge, person).
constexpr uint64_t Hash(uint64_t a, uint64_t b) { return Mix64(Mix64(a) ^ (b + 0x632BE59BD9B4E019ULL)); }
constexpr uint64_t Hash(uint64_t a, uint64_t b, uint64_t c) { return Hash(Hash(a, b), c); }
constexpr uint64_t Hash(uint64_t a, uint64_t b, uint64_t c, uint64_t d) { return Hash(Hash(a, b, c), d); }

// [0, 1) with 53 random bits.
constexpr double UnitFromBits(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// e^x for x <= 0, to about 1e-13 relative for x >= -50 (the error doubles with each
// squaring), by halving into [-1/16, 0], a Taylor series
// and repeated squaring; exact IEEE arithmetic only, so identical everywhere.
double DeterministicExpNegative(double x);

// xoshiro256** 1.0, seeded by four splitmix64 outputs of `seed`.
class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t Next();
  double Uniform() { return UnitFromBits(Next()); }                  // [0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). n > 0.
  uint64_t Below(uint64_t n);
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  bool Chance(double p) { return Uniform() < p; }
  // Poisson(mean) by Knuth's product method in chunks of at most 16, so the cost is
  // proportional to the result and no precision is lost for large means.
  int64_t Poisson(double mean);
  // An index drawn with probability proportional to weights[i] (sum > 0).
  size_t Pick(std::span<const double> weights);

 private:
  uint64_t s_[4];
};

// Walker's alias method over fixed weights: O(1) draws from a discrete distribution.
// Built with exact arithmetic in a fixed order, so identical everywhere.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(std::span<const double> weights);
  size_t Draw(Rng& rng) const;
  size_t size() const { return probability_.size(); }
  double total() const { return total_; }

 private:
  std::vector<double> probability_;
  std::vector<uint32_t> alias_;
  double total_ = 0;
};

}  // namespace harmlens::synth
