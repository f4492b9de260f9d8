// SimLock: the cluster lock service (a lock file on a simulated cluster filesystem).
//
// One holder at a time. The world asks it on behalf of a node when a try_acquire's answer
// arrives, so the answer reflects the lock at that instant. `holding` numbers each period
// of one holder, so a delayed "free the dead holder's lock" cannot free a later holding.
#pragma once

#include <cstdint>
#include <optional>

#include "cluster/event.h"
#include "sim/sim_event.h"

namespace tandem::sim {

class SimLock {
 public:
  // kHeld when the lock is free or already this node's; kContended otherwise.
  cluster::LockState acquire(NodeIndex node);
  void release(NodeIndex node);
  void free();
  // The holder lost power: the lock stays taken (by nobody alive) until free().
  void orphan() { holder_ = kNobody; }

  std::optional<NodeIndex> holder() const { return holder_ == kNobody ? std::nullopt : holder_; }
  std::uint64_t holding() const { return holding_; }

 private:
  static constexpr NodeIndex kNobody = 0xFFFFFFFFu;

  std::optional<NodeIndex> holder_;
  std::uint64_t holding_ = 0;
};

}  // namespace tandem::sim
