// Violation: one broken invariant, when, and the facts that show it.
#pragma once

#include <string>

#include "base/time.h"

namespace tandem::sim {

// The invariants' names, as printed after "violation: ".
inline constexpr const char* kDuplicateIp = "duplicate-ip";              // 1: an address on two nodes
inline constexpr const char* kSplitGroup = "split-group";                // 2: a group on two nodes
inline constexpr const char* kConvergence = "convergence";               // 3: not settled in the bound
inline constexpr const char* kEpoch = "epoch";                           // 4: epochs shrank, stale order obeyed
inline constexpr const char* kWire = "wire";                             // a message did not survive encode/decode
inline constexpr const char* kStaleAnnouncement = "stale-announcement";  // 5: announced what it does not hold there
inline constexpr const char* kStaleTickle = "stale-tickle";  // 6: tickled connections of an address it does not hold

struct Violation {
  TimePoint at;
  std::string invariant;  // one of the names above
  std::string details;
};

}  // namespace tandem::sim
