// False failovers: with nothing failing but the machine loaded, does any public IP move,
// or does any daemon take a peer or its leader for dead?
//
// For `duration` under LoadProcesses (load.h) it watches three witnesses: the prober (a
// change of who answers an IP), the kernel (where each IP is, before and after), and the
// daemons' logs (daemon_log.h: a lost leader, a step-down, a lapsed lease, a new leader, a
// lost lock, a ban). Attempts with no answer are counted apart: under load the prober
// itself may miss its 100 ms limit without any IP moving.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "base/result.h"
#include "failover/daemon_log.h"
#include "failover/load.h"
#include "lab/lab.h"

namespace tandem::bench {

struct PlaceChange {
  std::int64_t t_ms = 0;  // since the load started
  std::string ip;
  std::string from;
  std::string to;
};

struct FalseFailoverResult {
  double seconds = 0;
  LoadSpec load;
  std::vector<PlaceChange> place_changes;  // the prober saw another node or NIC answer
  int failed_attempts = 0;                 // prober attempts with no answer, all IPs
  bool is_kernel_unchanged = true;         // every IP on the same interface at both ends
  LogEvents log;

  bool is_free() const { return place_changes.empty() && is_kernel_unchanged && log.false_failover_lines() == 0; }
};

// The changes of answer in `changes` (the prober's, in order) that finished in
// [from_ms, to_ms), starting from `answers` (the answer per IP at from_ms). A change to
// no answer is not a move; the next answer is compared with the last one. Pure.
std::vector<PlaceChange> place_changes(const std::vector<lab::ProbeResult>& changes,
                                       std::map<IpAddress, std::string> answers, std::int64_t from_ms,
                                       std::int64_t to_ms);

Result<FalseFailoverResult> measure_false_failovers(const lab::Lab& lab, const lab::ProbeSession& session,
                                                    const LoadSpec& load, std::chrono::seconds duration,
                                                    std::ostream& progress);

}  // namespace tandem::bench
