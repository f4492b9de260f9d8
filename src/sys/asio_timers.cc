#include "sys/asio_timers.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace tandem::sys {

TimePoint steady_now() {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

AsioTimers::AsioTimers(asio::io_context& context, Wake wake) : timer_(context), wake_(std::move(wake)) {}

AsioTimers::~AsioTimers() = default;

void AsioTimers::wake_at(TimePoint when) {
  std::uint64_t generation = ++generation_;
  timer_.cancel();
  if (when == TimePoint::max()) return;
  using Steady = std::chrono::steady_clock;
  // Both count nanoseconds since the same epoch (steady_now()), so this is exact; an instant
  // beyond what steady_clock can hold is clamped (it is centuries away).
  auto since_epoch = std::chrono::duration_cast<Steady::duration>(
      std::min(when.time_since_epoch(), std::chrono::duration_cast<Duration>(Steady::duration::max())));
  timer_.expires_at(Steady::time_point(since_epoch));
  std::weak_ptr<char> token = alive_;
  timer_.async_wait([this, token, generation](const asio::error_code& error) {
    if (error || token.expired() || generation != generation_) return;
    wake_();
  });
}

}  // namespace tandem::sys
