// UnprovenGate: what connections that have not proven themselves may cost the daemon.
//
// Anyone who can reach the peer port can open connections; before a valid hello nothing
// says they are a node. A flood of them (tens of thousands a second) once cost the leader
// most of a core and megabytes of log a second: a challenge (a random nonce and an HMAC)
// and a log line each. The gate bounds both:
//  - accepting: a token bucket of kUnprovenAcceptBurst connections, refilled at
//    kUnprovenAcceptsPerSecond; a connection beyond it is closed at once, before any
//    challenge, and the transport pauses accepting until the next token (the kernel's
//    listen backlog and SYN cookies take the rest of the flood);
//  - logging: at most kUnprovenLogLinesMax lines per kUnprovenLogInterval about
//    unproven connections; past that, lines are counted, and one summary line per interval
//    says how many were held back and how many connections were refused.
// Nodes reconnect at most every kReconnectDelayStart (50 ms), so a cluster's own
// connections stay far below these limits.
//
// Pure: time is an argument (the transport passes steady_now(); tests pass what they like).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"

namespace tandem::sys {

inline constexpr std::size_t kUnprovenAcceptBurst = 64;
inline constexpr std::size_t kUnprovenAcceptsPerSecond = 200;
inline constexpr std::size_t kUnprovenLogLinesMax = 10;
inline constexpr Duration kUnprovenLogInterval = std::chrono::seconds(1);

class UnprovenGate {
 public:
  UnprovenGate() = default;

  // Whether to accept a connection that arrives at `now`; each refusal is counted.
  bool admit(TimePoint now);
  // How long from `now` until admit() will say yes again (zero when it would now).
  Duration wait_for_token(TimePoint now) const;

  // Whether a line about an unproven connection may be logged at `now`; each line held
  // back is counted.
  bool may_log(TimePoint now);

  // Once an interval in which lines were held back or connections refused has ended: the
  // summary line for it, e.g. "held back 1998 log lines about connections without a valid
  // hello and refused 25000 connections in the last 1000 ms". Then the counts start again.
  std::optional<std::string> summary(TimePoint now);
  // When the summary of the current interval is due, if anything is to be summarised.
  std::optional<TimePoint> summary_due() const;

 private:
  void refill(TimePoint now);
  void start_interval_if_over(TimePoint now);

  // The token bucket, in thousandths of a token so that refills are exact integers.
  std::uint64_t tokens_milli_ = kUnprovenAcceptBurst * 1000;
  std::optional<TimePoint> refilled_at_;
  // The current logging interval.
  std::optional<TimePoint> interval_start_;
  std::size_t lines_logged_ = 0;
  std::uint64_t lines_held_back_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace tandem::sys
