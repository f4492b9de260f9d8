// PlannedStop: where this node is in a planned stop (Event Shutdown), as one phase. PURE.
//
//   kRunning --begin()--> kWaitingForOrders --release_started()--> kReleasing
//       |                          |                                   |
//       |                          |                      released()   v
//       |                          +-------- finish() ----------- kReleased
//       +--------------- finish() (not started: nothing to release) ---+--> kDone
//
// kWaitingForOrders: orders under way finish first (their hooks), so the stop's
// releasegroup hooks never run beside a takeip of the same group. kReleasing: the stop's
// own release order runs. kReleased: the final report went out; a leader waits for its
// last run and steps down, then the node lingers until a leader has that report.
// finish() may also cut any phase short (EventScriptTimeoutMs). The rest of the stop is in
// planned_stop.cc; docs/design/cluster.md, "Planned stop", gives the safety argument.
#pragma once

#include <cstdint>
#include <map>

#include "base/time.h"
#include "proto/message.h"

namespace tandem::cluster {

class PlannedStop {
 public:
  enum class Phase : std::uint8_t { kRunning, kWaitingForOrders, kReleasing, kReleased, kDone };

  Phase phase() const { return phase_; }
  // A Shutdown came (ShutdownDone may have too): takes nothing, may not lead, STOPPED.
  bool is_stopping() const { return phase_ != Phase::kRunning; }
  bool is_under_way() const { return is_stopping() && phase_ != Phase::kDone; }
  bool is_released() const { return phase_ == Phase::kReleased; }
  bool is_done() const { return phase_ == Phase::kDone; }

  // The Shutdown; the stop must end by `deadline`.
  void begin(TimePoint deadline);
  void release_started();
  void released();
  void finish();  // ShutdownDone is emitted

  TimePoint deadline() const { return deadline_; }
  // How long a node that no longer leads waits, at most, for a leader to have its report.
  TimePoint linger_until() const { return linger_until_; }
  void linger_until(TimePoint when) { linger_until_ = when; }
  // Our latest report to a leader since the Shutdown.
  TimePoint reported_at() const { return reported_at_; }
  void reported(TimePoint now) { reported_at_ = now; }
  // When the stop wants to be looked at again (never once done).
  TimePoint wakeup() const;

  // Addresses removed since the Shutdown whose releaseip hooks still run, by hook id.
  // Reports list them as held until then: a removal the kernel refused is heard
  // (AddressFailed) only after the batch that asked for it, and a hook always ends in a
  // later event; so a report of a stopping node never lists less than the node may hold.
  void releasing(std::uint64_t hook, const proto::HeldAddress& address) { releasing_.emplace(hook, address); }
  void hook_done(std::uint64_t hook) { releasing_.erase(hook); }
  const std::map<std::uint64_t, proto::HeldAddress>& releasing() const { return releasing_; }

 private:
  static constexpr TimePoint kNever = TimePoint::max();

  Phase phase_ = Phase::kRunning;
  TimePoint deadline_ = kNever;  // EventScriptTimeoutMs after the Shutdown
  TimePoint linger_until_ = kNever;
  TimePoint reported_at_ = kNever;
  std::map<std::uint64_t, proto::HeldAddress> releasing_;
};

}  // namespace tandem::cluster
