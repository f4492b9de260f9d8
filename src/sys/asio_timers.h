// AsioTimers: the node's one wake-up (io::Timers) on an Asio steady timer; and the clock.
//
// sys/ is the only layer that reads a clock. The daemon's now-values come from steady_now():
// std::chrono::steady_clock read as a tandem TimePoint (the same count since the same epoch),
// so that a TimePoint handed to wake_at() maps back to a steady_clock instant exactly.
//
// Contract: wake_at() replaces any earlier wake-up, including one that has already expired
// but whose callback has not run yet (that callback is dropped); TimePoint::max() means no
// wake-up at all. An instant already past wakes at once, from a handler: the callback never
// runs from inside wake_at(). Single-threaded (the io_context's thread). Destroying the timers
// drops any pending wake-up.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "base/time.h"
#include "io/interfaces.h"

namespace tandem::sys {

// std::chrono::steady_clock::now() as a tandem TimePoint.
TimePoint steady_now();

class AsioTimers final : public io::Timers {
 public:
  using Wake = std::function<void()>;

  AsioTimers(asio::io_context& context, Wake wake);
  ~AsioTimers() override;
  AsioTimers(const AsioTimers&) = delete;
  AsioTimers& operator=(const AsioTimers&) = delete;

  void wake_at(TimePoint when) override;

 private:
  asio::steady_timer timer_;
  Wake wake_;
  // Counts wake_at() calls: a handler for an older one does nothing.
  std::uint64_t generation_ = 0;
  // Handlers hold a weak_ptr to this and do nothing once the timers are gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
