// ChaosRun: carries a ChaosSchedule (chaos_schedule.h) out against a running lab, with the
// client's ARP watcher (arp_watcher.h) and prober (probe_session.h) on throughout, and
// judges it. `tandem-lab chaos` and tests/integration/chaos_test.cc run it.
//
// What fails a run (ChaosReport::is_clean):
//  - an instant with one IP answered from two nodes: an ARP round with replies for one
//    IP from two nodes (ArpWatcher::conflicts);
//  - a group split: an ARP round in which the IPs of one group were answered from
//    different nodes;
//  - no convergence within `convergence_limit` of the final heal: every group whole on one
//    node, every IP answered to the prober from there and, on the wire, from there alone;
//  - a fault the lab could not carry out (a daemon that died by itself shows here).
// A one-IP-on-two-nodes or split seen during the settle time after convergence counts too.
//
// Each fault is printed to `out` as it is carried out, with its time from the start, and
// each violation when it is first seen. Runs on the calling thread for the schedule's
// duration plus convergence and settle time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "lab/arp_watcher.h"
#include "lab/chaos_schedule.h"

namespace tandem::lab {

class Lab;

struct ChaosRunOptions {
  ChaosOptions schedule;
  std::chrono::milliseconds ready_limit{30000};       // for the lab to settle before the first fault
  std::chrono::milliseconds convergence_limit{5000};  // after the final heal
  std::chrono::milliseconds settle{2000};             // watched after convergence
  std::string lab_program;                            // tandem-lab, for the verbs Lab has no method for
};

// One fault as carried out.
struct ChaosFaultRecord {
  Fault fault;
  std::int64_t done_ms = 0;  // from the start, when the lab's verb returned
  std::string text;          // as carried out: "deladdr #3 198.51.100.11 from n1 eth2"
  std::string error;         // empty: done
};

struct GroupSplit {
  std::string group;
  std::uint64_t round = 0;
  std::int64_t t_ms = 0;         // from the start, when it was found (within a poll of the round)
  std::set<std::string> owners;  // who answered the group's IPs in that round
};

struct ChaosReport {
  std::uint64_t seed = 0;
  std::int64_t duration_ms = 0;
  std::vector<ChaosFaultRecord> faults;
  std::vector<ArpConflict> conflicts;  // t_ms from the start
  std::vector<GroupSplit> splits;
  std::optional<std::int64_t> convergence_ms;  // after the final heal; none: not within the limit
  std::int64_t convergence_limit_ms = 0;
  std::string unconverged;  // without convergence: what the client saw last
  std::uint64_t arp_rounds = 0;
  std::uint64_t arp_replies = 0;

  int failed_fault_count() const;
  bool is_clean() const {
    return conflicts.empty() && splits.empty() && convergence_ms.has_value() && failed_fault_count() == 0;
  }
};

// Runs `schedule` (made from options.schedule) against `lab`.
Result<ChaosReport> run_chaos(const Lab& lab, const std::vector<Fault>& schedule, const ChaosRunOptions& options,
                              std::ostream& out);

// The IPs of one group in one ARP round: the set of nodes that answered any of them, when
// that is two or more (a split), else nothing. `owners` has one entry per IP of the group.
std::optional<std::set<std::string>> split_owners(const std::vector<std::set<std::string>>& owners);

// The summary: faults by kind, violations, convergence time.
std::string chaos_summary_text(const ChaosReport& report);
// The whole report as JSON (one object), for --json and bench/chaos.
std::string chaos_report_json(const ChaosReport& report);

}  // namespace tandem::lab
