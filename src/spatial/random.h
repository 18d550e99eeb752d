// The Monte Carlo generator of the spatial statistics: the same seed gives the same
// draws on every platform and compiler (std:: distributions are not portable). One
// object per thread.
#pragma once

#include <cstdint>

namespace harmlens {

class SeededRandom {
 public:
  // A stream for (seed, stream): e.g. one stream per zone, so results do not depend on
  // the order in which zones are processed.
  explicit SeededRandom(uint64_t seed, uint64_t stream = 0);
  uint64_t Next();  // xoshiro256**
  // Uniform on [0, bound), bound > 0, without modulo bias (Lemire's method).
  uint64_t Below(uint64_t bound);

 private:
  uint64_t s_[4];
};

}  // namespace harmlens
