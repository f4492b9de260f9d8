#include "cluster/health.h"

#include "base/check.h"

namespace tandem::cluster {

Health::Due Health::due(TimePoint now) const {
  if (is_hook_running() || now < next_monitor_) return Due::kNothing;
  return startup_done_ ? Due::kMonitor : Due::kStartup;  // a failed startup is retried
}

TimePoint Health::next_check() const { return is_hook_running() ? kNever : next_monitor_; }

void Health::startup_started(std::uint64_t hook) {
  TANDEM_CHECK(!is_hook_running() && !startup_done_);
  startup_hook_ = hook;
  next_monitor_ = kNever;
}

void Health::monitor_started(std::uint64_t hook, TimePoint now, Duration interval) {
  TANDEM_CHECK(!is_hook_running() && startup_done_);
  monitor_hook_ = hook;
  next_monitor_ = now + interval;
}

Health::Outcome Health::on_hook(std::uint64_t hook, bool ok, TimePoint now, Duration interval) {
  if (hook != 0 && hook == startup_hook_) {
    startup_hook_ = 0;
    startup_done_ = ok;
    next_monitor_ = ok ? now : now + interval;
    return ok ? Outcome::kStartupPassed : Outcome::kStartupFailed;
  }
  if (hook != 0 && hook == monitor_hook_) {
    monitor_hook_ = 0;
    if (monitor_passes_ == ok) return Outcome::kMonitorSame;
    monitor_passes_ = ok;
    return Outcome::kMonitorChanged;
  }
  return Outcome::kNotOurs;
}

}  // namespace tandem::cluster
