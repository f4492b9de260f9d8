// run_seed(): one seed of the sweep: a cluster, random faults for the first part of the
// run, then every fault healed, then the convergence check once the settle bound has passed.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/violation.h"
#include "sim/world_options.h"

namespace tandem::sim {

struct SweepOptions {
  WorldOptions world;  // world.seed is replaced by each run's seed
  Duration sim_time = std::chrono::seconds(20);
  // Faults come during [fault_start, fault_fraction × sim_time); then everything heals.
  Duration fault_start = std::chrono::seconds(3);
  double fault_fraction = 0.7;
  Duration mean_fault_gap = std::chrono::milliseconds(1500);
  // Planned stops (SIGTERM, restarted 1-4 s later) among the faults. Off, the schedule is
  // the one from before they existed, seed for seed.
  bool planned_stops = true;
  // Stalled daemons (SIGSTOP) and daemons killed with no clean-up among the faults. Off,
  // with planned_stops as it is, the schedule is the one from before they existed.
  bool stalls = true;
  // Invariant 3's bound after the heal; zero: default_settle_bound(world.tunables).
  Duration settle{0};
};

// The bound within which the cluster must have converged after the last fault:
//   restart of a crashed daemon (clean-up + restart delay)
//   + DeadTimeout (the leader notices a dead node)
//   + 2 × (LeaseTimeout + LeaseMargin) (a new leader waits out leases; twice without a lock)
//   + 2 × TakeoverTimeout (a run that fails on a node that is still coming back, and the next)
//   + (ProbeSuccesses + 1) × ProbeInterval with WorldOptions::probes (a healed path trusted again)
// ≈ 7.4 s at the defaults.
Duration default_settle_bound(const WorldOptions& world);

struct SeedOutcome {
  std::uint64_t seed = 0;
  std::vector<Violation> violations;
  std::vector<std::string> trace_tail;  // the last lines, when there was a violation
  std::vector<Duration> interface_failovers;
  std::vector<Duration> node_failovers;
  std::vector<Duration> stop_failovers;  // planned stops (Shutdown), measured as node failovers
  std::uint64_t messages = 0;
  std::uint64_t spin_ticks = 0;  // SimWorld::spin_ticks()
  std::string first_spin;
};

SeedOutcome run_seed(const SweepOptions& options, std::uint64_t seed, std::ostream* live_trace);

}  // namespace tandem::sim
