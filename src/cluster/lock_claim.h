// LockClaim: this node's claim on the cluster lock, as one three-state value. PURE.
//
//   free --start_try()--> pending --on_result(kHeld)--> held --give_up()/kLost--> free
//                             \--on_result(kContended/kLost)--> free
//
// The lock itself is io::ClusterLock (an fcntl lock or a helper); this is what the machine
// knows of it. Asking while a request is pending or the lock is held is a bug (a failed
// TANDEM_CHECK): the machine asks only from free, after retry_at.
#pragma once

#include <cstdint>

#include "base/time.h"
#include "cluster/event.h"

namespace tandem::cluster {

class LockClaim {
 public:
  enum class Phase : std::uint8_t { kFree, kPending, kHeld };

  Phase phase() const { return phase_; }
  bool is_held() const { return phase_ == Phase::kHeld; }
  // Free, and the back-off after the last attempt is over.
  bool may_try(TimePoint now) const { return phase_ == Phase::kFree && now >= retry_at_; }

  void start_try();                 // TryLock was sent
  void on_result(LockState state);  // LockChanged came
  // The node lets the lock go; true when it held it (a ReleaseLock is due).
  bool give_up();
  void retry_after(TimePoint when) { retry_at_ = when; }

 private:
  Phase phase_ = Phase::kFree;
  TimePoint retry_at_ = kTimeZero;
};

}  // namespace tandem::cluster
