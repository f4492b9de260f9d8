// ServingLimit: what the kernel was last told of this node's lease. PURE.
//
// The lease (lease.h) binds the daemon; a stalled or killed daemon does not act on it.
// So the kernel is told the lease's end too (LimitServing, action.h), and drops what the
// public addresses would serve past it, whatever the daemon does (docs/design/cluster.md,
// "The kernel's bound"). This part decides when the kernel must hear again: when the lease
// ends later than it was told, or when the node's public addresses changed.
//
// Invariant: the kernel's limit never runs past the lease, since it only ever hears the
// lease's own end; a limit already told is never extended by anything else.
#pragma once

#include <optional>
#include <vector>

#include "base/time.h"
#include "cluster/action.h"

namespace tandem::cluster {

class ServingLimit {
 public:
  // What to tell the kernel, if anything, for a lease that runs until `lease_until` on
  // these public addresses. The first call always tells (the kernel knows nothing yet).
  std::optional<LimitServing> renewal(TimePoint lease_until, const std::vector<IpAddress>& addresses);

  // Until when the kernel lets the addresses serve, as last told (kTimeZero before).
  TimePoint until() const { return told_ ? told_->until : kTimeZero; }
  // Whether the kernel was told exactly this.
  bool is_told(TimePoint lease_until, const std::vector<IpAddress>& addresses) const {
    return told_ && told_->until == lease_until && told_->addresses == addresses;
  }

 private:
  std::optional<LimitServing> told_;
};

}  // namespace tandem::cluster
