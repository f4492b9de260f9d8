#include "sim/sim_clock.h"

#include <cmath>

namespace tandem::sim {

TimePoint SimClock::local(TimePoint real) const {
  const auto ticks = real.time_since_epoch().count();
  const auto skew = std::llround(static_cast<double>(ticks) * drift_);
  return TimePoint(offset_ + Duration(ticks + skew));
}

TimePoint SimClock::real_at(TimePoint local_time) const {
  const auto since_offset = (local_time.time_since_epoch() - offset_).count();
  if (since_offset <= 0) return kTimeZero;
  // "Never" (TimePoint::max() and the like) stays never, without overflowing below.
  constexpr Duration::rep kHorizon = Duration::rep{1} << 60;
  if (since_offset >= kHorizon) return TimePoint::max();
  auto ticks = std::llround(static_cast<double>(since_offset) / (1.0 + drift_));
  // Rounding may land one tick either side; settle on the earliest instant that qualifies.
  while (local(TimePoint(Duration(ticks))) < local_time) ++ticks;
  while (ticks > 0 && local(TimePoint(Duration(ticks - 1))) >= local_time) --ticks;
  return TimePoint(Duration(ticks));
}

}  // namespace tandem::sim
