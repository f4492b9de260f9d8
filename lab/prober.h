// Prober: measures, from a client, who answers on each public IP, every few milliseconds.
//
// Every `interval` it starts a new non-blocking TCP connect to each address (attempts
// overlap: a slow one does not delay the next), reads the one line the node's listener
// sends ("n1 eth2"), and reports every finished attempt: its answer, or why there was none
// (no connection within `timeout`, connected but no line within it, refused, unreachable). Going through the client's
// real neighbour cache, it sees what a storage client sees, announcements included (lab/README.md, "Facts the lab is
// built on").
//
// It runs in the calling thread's network namespace (the client's: see netns.h and
// ProbeSession) until `stop` is set. Times are CLOCK_MONOTONIC milliseconds (netns.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "model/ip_address.h"

namespace tandem::lab {

// The error of an attempt whose connection was made (the handshake finished: the network
// path to the address worked) but whose listener sent no line within the timeout: the
// node's user space was slow, not the network.
inline constexpr const char* kLateAnswer = "late answer";

struct ProbeOptions {
  std::uint16_t port = 7000;
  std::chrono::milliseconds interval{10};
  std::chrono::milliseconds timeout{100};
};

struct ProbeResult {
  IpAddress address;
  std::optional<std::string> answer;  // the listener's line, e.g. "n1 eth2"
  std::string error;                  // without an answer: "timeout", kLateAnswer, "refused", "unreachable", ...
  std::int64_t attempt_start_ms = 0;
  std::int64_t t_ms = 0;  // when the attempt finished

  // What counts as "who answered" when looking for changes: the answer, or "!" + error.
  std::string outcome() const { return answer ? *answer : "!" + error; }
  friend bool operator==(const ProbeResult&, const ProbeResult&) = default;
};

// One JSON line (without newline): {"t_ms":..,"ip":..,"answer":"n1 eth2" or null,
// "attempt_start_ms":..} and, with no answer, "error":"timeout".
std::string probe_result_json(const ProbeResult& result);

// Picks the changes of "who answered" out of results that arrive in finishing order.
// Attempts overlap, so a late timeout of an old attempt may arrive after a newer success:
// only a result from an attempt started later than every one seen before for its address
// may count as a change, and it does when its outcome differs from the last.
class ChangeFilter {
 public:
  bool is_change(const ProbeResult& result);

 private:
  struct Last {
    std::int64_t attempt_start_ms = 0;
    std::string outcome;
  };
  std::map<IpAddress, Last> last_;
};

class Prober {
 public:
  Prober(std::vector<IpAddress> addresses, ProbeOptions options);

  // Probes until `stop` is set, calling `on_result` on this thread for every finished
  // attempt. An error only when it cannot run at all (no epoll instance).
  Result<void> run(const std::atomic<bool>& stop, const std::function<void(const ProbeResult&)>& on_result) const;

 private:
  std::vector<IpAddress> addresses_;
  ProbeOptions options_;
};

}  // namespace tandem::lab
