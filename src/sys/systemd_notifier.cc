#include "sys/systemd_notifier.h"

#include <systemd/sd-daemon.h>

namespace tandem::sys {

SystemdNotifier::SystemdNotifier(asio::io_context& context) : watchdog_(context) {}

void SystemdNotifier::ready() { sd_notify(0, "READY=1"); }

void SystemdNotifier::status(const std::string& line) { sd_notify(0, ("STATUS=" + line).c_str()); }

void SystemdNotifier::stopping() {
  watchdog_.cancel();
  sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::start_watchdog() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  // Half the interval, as sd_watchdog_enabled(3) advises, so one late ping is not fatal.
  ping_after(std::chrono::microseconds(usec / 2));
}

void SystemdNotifier::ping_after(std::chrono::microseconds interval) {
  watchdog_.expires_after(interval);
  watchdog_.async_wait([this, interval](const asio::error_code& error) {
    if (error) return;
    sd_notify(0, "WATCHDOG=1");
    ping_after(interval);
  });
}

}  // namespace tandem::sys
