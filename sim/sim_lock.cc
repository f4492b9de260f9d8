#include "sim/sim_lock.h"

namespace tandem::sim {

cluster::LockState SimLock::acquire(NodeIndex node) {
  if (holder_ == node) return cluster::LockState::kHeld;
  if (holder_) return cluster::LockState::kContended;
  holder_ = node;
  ++holding_;
  return cluster::LockState::kHeld;
}

void SimLock::release(NodeIndex node) {
  if (holder_ == node) free();
}

void SimLock::free() {
  holder_.reset();
  ++holding_;
}

}  // namespace tandem::sim
