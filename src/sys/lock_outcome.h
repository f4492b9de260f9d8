// LockOutcome: what a cluster lock implementation in sys/ reports about the lock.
//
// sys/ must not depend on cluster/, so the lock implementations report this enum through a
// callback and the daemon maps it onto cluster::LockState (one to one, same names).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace tandem::sys {

enum class LockOutcome : std::uint8_t {
  kHeld,       // this node holds the cluster lock
  kContended,  // not acquired (someone else holds it, or the attempt failed): try again later
  kLost,       // it was held and is no longer: the leader must step down at once
};

// Called from an Asio handler, never from inside try_acquire() or release(); it must not
// destroy the lock that calls it.
using LockReport = std::function<void(LockOutcome outcome)>;

constexpr std::string_view to_string(LockOutcome outcome) {
  switch (outcome) {
    case LockOutcome::kHeld:
      return "held";
    case LockOutcome::kContended:
      return "contended";
    case LockOutcome::kLost:
      return "lost";
  }
  return "unknown";
}

}  // namespace tandem::sys
