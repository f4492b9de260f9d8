// Time as the pure layers see it: a monotonic instant and a duration, both as inputs.
//
// Nothing in base, model, alloc, config, proto, cluster or node reads a clock. TimePoint
// belongs to MonotonicTime, a clock with no now(): the daemon's event loop (sys) or the
// simulator's world (sim) says what time it is.
#pragma once

#include <chrono>
#include <cstdint>

namespace tandem {

struct MonotonicTime {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<MonotonicTime>;
  static constexpr bool is_steady = true;
};

using Duration = std::chrono::nanoseconds;
using TimePoint = MonotonicTime::time_point;

inline constexpr TimePoint kTimeZero{};

constexpr Duration milliseconds(std::int64_t count) { return std::chrono::milliseconds(count); }

}  // namespace tandem
