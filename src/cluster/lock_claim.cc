#include "cluster/lock_claim.h"

#include "base/check.h"

namespace tandem::cluster {

void LockClaim::start_try() {
  TANDEM_CHECK(phase_ == Phase::kFree);
  phase_ = Phase::kPending;
}

void LockClaim::on_result(LockState state) {
  switch (state) {
    case LockState::kHeld:
      phase_ = Phase::kHeld;
      return;
    // A contended answer ends a pending request; it says nothing of a lock already held.
    case LockState::kContended:
      phase_ = phase_ == Phase::kHeld ? Phase::kHeld : Phase::kFree;
      return;
    case LockState::kLost:
      phase_ = Phase::kFree;
      return;
  }
}

bool LockClaim::give_up() {
  const bool was_held = phase_ == Phase::kHeld;
  phase_ = Phase::kFree;
  return was_held;
}

}  // namespace tandem::cluster
