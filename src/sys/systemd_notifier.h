// SystemdNotifier: tandemd's side of systemd's notify protocol (sd_notify(3)).
//
// READY=1 once the daemon serves, STATUS= lines a human reads in `systemctl status`,
// STOPPING=1 on the way out, and WATCHDOG=1 at half the interval systemd asks for, from
// the event loop itself, so a loop that hangs is restarted. Outside systemd
// (NOTIFY_SOCKET unset) every call does nothing.
#pragma once

#include <asio.hpp>

#include <memory>
#include <string>

namespace tandem::sys {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(asio::io_context& context);
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  void ready();
  void status(const std::string& line);
  void stopping();

  // Starts the WATCHDOG=1 pings when systemd asked for them (WATCHDOG_USEC).
  void start_watchdog();

 private:
  void ping_after(std::chrono::microseconds interval);

  asio::steady_timer watchdog_;
};

}  // namespace tandem::sys
