#include "synth/random.h"

namespace harmlens::synth {

double DeterministicExpNegative(double x) {
  if (x >= 0) return 1.0;
  if (x < -745) return 0.0;
  // Halve until |x| <= 1/16, where eight Taylor terms reach double precision.
  int halvings = 0;
  while (x < -0.0625) {
    x *= 0.5;  // exact
    ++halvings;
  }
  double term = 1.0;
  double sum = 1.0;
  for (int k = 1; k <= 10; ++k) {
    term = term * x / k;
    sum += term;
  }
  for (int i = 0; i < halvings; ++i) sum *= sum;
  return sum;
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) {
    state += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    word = z ^ (z >> 31);
  }
}

namespace {
constexpr uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t Rng::Next() {
  uint64_t result = RotateLeft(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = RotateLeft(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t n) {
  unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Rng::Poisson(double mean) {
  constexpr double kChunk = 16.0;
  int64_t count = 0;
  while (mean > 0) {
    double part = mean > kChunk ? kChunk : mean;
    mean -= part;
    double limit = DeterministicExpNegative(-part);
    double product = Uniform();
    while (product >= limit) {
      ++count;
      product *= Uniform();
    }
  }
  return count;
}

size_t Rng::Pick(std::span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  double target = Uniform() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (target < weights[i]) return i;
    target -= weights[i];
  }
  // Rounding left a sliver past the last weight: the last positive one.
  for (size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return i;
  }
  return 0;
}

AliasTable::AliasTable(std::span<const double> weights) {
  size_t n = weights.size();
  probability_.assign(n, 0.0);
  alias_.assign(n, 0);
  for (double w : weights) total_ += w;
  if (n == 0 || total_ <= 0) return;
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total_;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    uint32_t s = small.back();
    small.pop_back();
    uint32_t l = large.back();
    probability_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (uint32_t i : large) {
    probability_[i] = 1.0;
    alias_[i] = i;
  }
  for (uint32_t i : small) {  // only rounding leaves these
    probability_[i] = 1.0;
    alias_[i] = i;
  }
}

size_t AliasTable::Draw(Rng& rng) const {
  size_t column = rng.Below(probability_.size());
  return rng.Uniform() < probability_[column] ? column : alias_[column];
}

}  // namespace harmlens::synth
