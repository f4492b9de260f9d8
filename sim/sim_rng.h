// SimRng: the simulator's only source of randomness, a seeded xoshiro256** generator.
//
// Every random choice of a run (delays, losses, clock drift, faults) is drawn from a SimRng
// derived from the run's seed, so one seed always gives one trace. std::random_device and
// the standard distributions are not used: the distributions' output is not specified by
// the standard and could differ between library versions, which would break replays.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tandem::sim {

class SimRng {
 public:
  explicit SimRng(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, bound); bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [low, high], inclusive; low <= high.
  std::int64_t between(std::int64_t low, std::int64_t high);
  Duration between(Duration low, Duration high);
  // Uniform in [0, 1).
  double unit();
  // True with probability `probability`. Always draws, so a setting of 0 and one of 0.1 keep
  // the later draws of a run aligned.
  bool chance(double probability);
  // An independent generator for a sub-system, so that adding draws in one place does not
  // shift every later draw of another.
  SimRng fork();

 private:
  std::uint64_t state_[4];
};

// splitmix64: mixes a seed and a salt into a well-spread 64-bit value.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t salt);

}  // namespace tandem::sim
