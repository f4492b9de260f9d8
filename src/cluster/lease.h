// Lease: until when this node may serve public IPs, as its leader last renewed it. PURE.
//
// Each leader heartbeat that acknowledges one of our own heartbeats extends the lease to
// LeaseTimeout after we *sent* that heartbeat (docs/design/cluster.md, "Leases"). A lease
// only grows: an older acknowledgement arriving late never shortens it.
#pragma once

#include <algorithm>

#include "base/time.h"

namespace tandem::cluster {

class Lease {
 public:
  // Runs until `until`, unless it already runs longer.
  void extend_to(TimePoint until) { until_ = std::max(until_, until); }

  bool is_valid(TimePoint now) const { return now < until_; }
  TimePoint until() const { return until_; }

 private:
  TimePoint until_ = kTimeZero;  // invariant: never decreases
};

}  // namespace tandem::cluster
