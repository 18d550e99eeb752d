// Known answers for the generator's randomness. Expected values come from a separate
// Python implementation of splitmix64 and xoshiro256** 1.0 written from Vigna's
// reference C (prng.di.unimi.it), not from this code; 0xE220A8397B1DCDAF is splitmix64's
// well-known first output for state 0.
#include "synth/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace harmlens::synth {
namespace {

TEST(Random, mix64_is_splitmix64_output_function) {
  EXPECT_EQ(Mix64(0), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(Mix64(1), 0x910A2DEC89025CC1ULL);
}

TEST(Random, xoshiro256starstar_matches_reference_sequence) {
  Rng rng(42);
  EXPECT_EQ(rng.Next(), 0x15780B2E0C2EC716ULL);
  EXPECT_EQ(rng.Next(), 0x6104D9866D113A7EULL);
  EXPECT_EQ(rng.Next(), 0xAE17533239E499A1ULL);
  EXPECT_EQ(rng.Next(), 0xECB8AD4703B360A1ULL);
}

TEST(Random, deterministic_exp_agrees_with_libm_to_double_precision) {
  for (double x = 0; x > -50; x -= 0.37) {
    double expected = std::exp(x);
    EXPECT_NEAR(DeterministicExpNegative(x), expected, expected * 1e-12) << "x = " << x;
  }
  EXPECT_EQ(DeterministicExpNegative(0), 1.0);
  EXPECT_EQ(DeterministicExpNegative(-800), 0.0);
}

TEST(Random, below_stays_in_range_and_covers_it) {
  Rng rng(7);
  std::vector<int> seen(7, 0);
  for (int i = 0; i < 7000; ++i) {
    uint64_t v = rng.Below(7);
    ASSERT_LT(v, 7u);
    ++seen[v];
  }
  for (int count : seen) EXPECT_NEAR(count, 1000, 150);
}

// Poisson mean and variance both equal the parameter; 4 standard errors of tolerance.
TEST(Random, poisson_has_the_right_mean_and_variance) {
  for (double mean : {0.3, 3.0, 40.0, 250.0}) {
    Rng rng(static_cast<uint64_t>(mean * 1000));
    const int n = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      auto v = static_cast<double>(rng.Poisson(mean));
      sum += v;
      sum2 += v * v;
    }
    double m = sum / n;
    double var = sum2 / n - m * m;
    EXPECT_NEAR(m, mean, 4 * std::sqrt(mean / n)) << "mean " << mean;
    EXPECT_NEAR(var, mean, 4 * mean * std::sqrt(2.0 / n) + 0.01) << "mean " << mean;
  }
}

TEST(Random, alias_table_draws_in_proportion_to_weights) {
  const std::vector<double> weights = {1, 0, 3, 6};
  AliasTable table(weights);
  Rng rng(3);
  std::vector<int> counts(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[table.Draw(rng)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0], 0.1 * n, 500);
  EXPECT_NEAR(counts[2], 0.3 * n, 700);
  EXPECT_NEAR(counts[3], 0.6 * n, 700);
}

TEST(Random, same_seed_same_stream_different_seed_different_stream) {
  Rng a(99), b(99), c(100);
  for (int i = 0; i < 100; ++i) {
    uint64_t va = a.Next();
    EXPECT_EQ(va, b.Next());
    EXPECT_NE(va, c.Next());
  }
}

}  // namespace
}  // namespace harmlens::synth
