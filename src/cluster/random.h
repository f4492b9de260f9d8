// Random: splitmix64, the election jitter's only source, seeded from the configuration.
// PURE: the seed is an input (NodeConfig::random_seed), so a simulated run replays.
#pragma once

#include <algorithm>
#include <cstdint>

#include "base/time.h"

namespace tandem::cluster {

class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // A duration in [0, limit); zero when limit is not positive.
  Duration below(Duration limit) {
    const auto ticks = static_cast<std::uint64_t>(std::max<Duration::rep>(limit.count(), 1));
    return Duration(static_cast<Duration::rep>(next() % ticks));
  }

 private:
  std::uint64_t state_;
};

}  // namespace tandem::cluster
