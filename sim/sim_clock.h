// SimClock: one node's local monotonic clock as a function of the world's real time.
//
//   local = offset + real × (1 + drift)
//
// Nodes get LOCAL time in Node::handle() and ask for wake-ups in local time; the world runs
// on real time. A bounded drift (±1% by default) is what the protocol's lease margin must
// absorb, so the simulator makes every node's clock wrong by a different, fixed amount.
#pragma once

#include "base/time.h"

namespace tandem::sim {

class SimClock {
 public:
  SimClock() = default;
  SimClock(Duration offset, double drift) : offset_(offset), drift_(drift) {}

  TimePoint local(TimePoint real) const;
  // The earliest real instant whose local time is at or after `local_time`.
  TimePoint real_at(TimePoint local_time) const;

  double drift() const { return drift_; }

 private:
  Duration offset_{0};
  double drift_ = 0.0;  // within ±WorldOptions::drift_max
};

}  // namespace tandem::sim
