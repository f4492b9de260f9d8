#include "sys/unproven_gate.h"

#include <algorithm>

namespace tandem::sys {

namespace {

constexpr std::uint64_t kBurstMilli = kUnprovenAcceptBurst * 1000;

std::uint64_t milliseconds_between(TimePoint from, TimePoint to) {
  if (to <= from) return 0;
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

}  // namespace

void UnprovenGate::refill(TimePoint now) {
  if (!refilled_at_) {
    refilled_at_ = now;
    return;
  }
  const std::uint64_t elapsed_ms = milliseconds_between(*refilled_at_, now);
  if (elapsed_ms == 0) return;
  // kUnprovenAcceptsPerSecond tokens a second = that many thousandths of a token a millisecond.
  tokens_milli_ = std::min(kBurstMilli, tokens_milli_ + elapsed_ms * kUnprovenAcceptsPerSecond);
  *refilled_at_ += std::chrono::milliseconds(elapsed_ms);
}

bool UnprovenGate::admit(TimePoint now) {
  refill(now);
  start_interval_if_over(now);
  if (tokens_milli_ >= 1000) {
    tokens_milli_ -= 1000;
    return true;
  }
  ++refused_;
  return false;
}

Duration UnprovenGate::wait_for_token(TimePoint now) const {
  if (tokens_milli_ >= 1000) return Duration::zero();
  const std::uint64_t missing_milli = 1000 - tokens_milli_;
  const std::uint64_t wait_ms = (missing_milli + kUnprovenAcceptsPerSecond - 1) / kUnprovenAcceptsPerSecond;
  const TimePoint ready = (refilled_at_ ? *refilled_at_ : now) + std::chrono::milliseconds(wait_ms);
  return ready > now ? ready - now : Duration::zero();
}

void UnprovenGate::start_interval_if_over(TimePoint now) {
  if (interval_start_ && now - *interval_start_ < kUnprovenLogInterval) return;
  if (interval_start_ && (lines_held_back_ != 0 || refused_ != 0)) return;  // summary() starts the next one
  interval_start_ = now;
  lines_logged_ = 0;
}

bool UnprovenGate::may_log(TimePoint now) {
  start_interval_if_over(now);
  if (lines_logged_ < kUnprovenLogLinesMax) {
    ++lines_logged_;
    return true;
  }
  ++lines_held_back_;
  return false;
}

std::optional<TimePoint> UnprovenGate::summary_due() const {
  if (!interval_start_ || (lines_held_back_ == 0 && refused_ == 0)) return std::nullopt;
  return *interval_start_ + kUnprovenLogInterval;
}

std::optional<std::string> UnprovenGate::summary(TimePoint now) {
  const auto due = summary_due();
  if (!due || now < *due) return std::nullopt;
  const auto span = std::chrono::duration_cast<std::chrono::milliseconds>(now - *interval_start_).count();
  std::string line = "held back " + std::to_string(lines_held_back_) +
                     " log lines about connections without a valid hello and refused " + std::to_string(refused_) +
                     " connections (over " + std::to_string(kUnprovenAcceptsPerSecond) + " a second) in the last " +
                     std::to_string(span) + " ms";
  interval_start_ = now;
  lines_logged_ = 0;
  lines_held_back_ = 0;
  refused_ = 0;
  return line;
}

}  // namespace tandem::sys
