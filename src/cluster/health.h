// Health: whether this node is fit to host public IPs, by its own hooks. PURE.
//
// The `startup` hook runs once at start (and again at the monitor's pace while it fails);
// once it passed, `monitor` runs every MonitorIntervalMs. A failed startup or a failing
// monitor makes the node UNHEALTHY, so the leader moves its groups away. At most one of the
// two hooks runs at a time.
#pragma once

#include <cstdint>
#include <limits>

#include "base/time.h"

namespace tandem::cluster {

class Health {
 public:
  enum class Due : std::uint8_t { kNothing, kStartup, kMonitor };
  enum class Outcome : std::uint8_t {
    kNotOurs,  // the hook was neither startup nor monitor
    kStartupPassed,
    kStartupFailed,
    kMonitorChanged,  // monitor_passes() changed
    kMonitorSame,
  };

  bool is_healthy() const { return startup_done_ && monitor_passes_; }
  bool startup_done() const { return startup_done_; }
  bool monitor_passes() const { return monitor_passes_; }
  bool is_hook_running() const { return startup_hook_ != 0 || monitor_hook_ != 0; }

  // Which hook should start now (nothing while one runs or before its time).
  Due due(TimePoint now) const;
  // When a hook is next due, if none runs; never while one runs.
  TimePoint next_check() const;

  void startup_started(std::uint64_t hook);
  void monitor_started(std::uint64_t hook, TimePoint now, Duration interval);
  Outcome on_hook(std::uint64_t hook, bool ok, TimePoint now, Duration interval);

 private:
  static constexpr TimePoint kNever = TimePoint::max();

  bool startup_done_ = false;
  bool monitor_passes_ = true;
  std::uint64_t startup_hook_ = 0;  // running, or 0; never both running
  std::uint64_t monitor_hook_ = 0;
  TimePoint next_monitor_ = kNever;
};

}  // namespace tandem::cluster
