#include "sim/sim_rng.h"

namespace tandem::sim {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

__extension__ using Uint128 = unsigned __int128;  // GCC and Clang; -Wpedantic needs the marker

std::uint64_t rotate_left(std::uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }

}  // namespace

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t salt) {
  std::uint64_t state = seed ^ rotate_left(salt, 17) ^ 0x5851F42D4C957F2Dull;
  splitmix64(state);
  return splitmix64(state);
}

SimRng::SimRng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : state_) word = splitmix64(state);
}

std::uint64_t SimRng::next() {
  const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotate_left(state_[3], 45);
  return result;
}

std::uint64_t SimRng::below(std::uint64_t bound) {
  // Lemire's multiply-shift; the tiny bias for huge bounds does not matter to a simulator.
  const Uint128 product = static_cast<Uint128>(next()) * bound;
  return static_cast<std::uint64_t>(product >> 64);
}

std::int64_t SimRng::between(std::int64_t low, std::int64_t high) {
  const auto span = static_cast<std::uint64_t>(high - low) + 1;
  if (span == 0) return static_cast<std::int64_t>(next());  // the whole range
  return low + static_cast<std::int64_t>(below(span));
}

Duration SimRng::between(Duration low, Duration high) { return Duration(between(low.count(), high.count())); }

double SimRng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool SimRng::chance(double probability) { return unit() < probability; }

SimRng SimRng::fork() { return SimRng(next()); }

}  // namespace tandem::sim
