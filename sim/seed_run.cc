#include "sim/seed_run.h"

#include <algorithm>

#include "sim/fault_schedule.h"
#include "sim/sim_world.h"

namespace tandem::sim {

Duration default_settle_bound(const WorldOptions& world) {
  const Tunables& t = world.tunables;
  // With probes, a healed path is trusted again after ProbeSuccesses answered rounds.
  const Duration probes = world.probes ? (t.probe_successes + 1) * milliseconds(t.probe_interval_ms) : Duration(0);
  return world.stop_cleanup_delay + world.restart_delay + milliseconds(t.dead_timeout_ms) +
         2 * milliseconds(t.lease_timeout_ms + t.lease_margin_ms) + 2 * milliseconds(t.takeover_timeout_ms) + probes;
}

SeedOutcome run_seed(const SweepOptions& options, std::uint64_t seed, std::ostream* live_trace) {
  WorldOptions world_options = options.world;
  world_options.seed = seed;
  auto created = SimWorld::create(world_options, live_trace);
  TANDEM_CHECK(created.ok());  // the caller validated the shape
  SimWorld& world = **created;

  const Duration settle = options.settle.count() > 0 ? options.settle : default_settle_bound(world_options);
  const auto fault_span = std::chrono::duration_cast<Duration>(options.sim_time * options.fault_fraction);
  const TimePoint heal_at = kTimeZero + std::max(fault_span, options.fault_start);
  FaultSchedule schedule(world, seed, options.mean_fault_gap, options.planned_stops, options.stalls);
  schedule.run(kTimeZero + options.fault_start, heal_at);
  const TimePoint check_at = heal_at + settle;
  if (!world.has_stopped()) {
    schedule.heal_all();
    world.run_until(check_at);
  }
  if (!world.has_stopped()) {
    world.note("convergence check (settle bound reached)");
    world.check_convergence();
  }
  const TimePoint end = kTimeZero + options.sim_time;
  if (!world.has_stopped() && end > check_at) {
    world.run_until(end);
    if (!world.has_stopped()) world.check_convergence();
  }

  SeedOutcome outcome;
  outcome.seed = seed;
  outcome.violations = world.violations();
  if (!outcome.violations.empty()) outcome.trace_tail = world.trace_tail();
  outcome.interface_failovers = world.meter().interface_samples();
  outcome.node_failovers = world.meter().node_samples();
  outcome.stop_failovers = world.meter().stop_samples();
  outcome.messages = world.network().sent();
  outcome.spin_ticks = world.spin_ticks();
  outcome.first_spin = world.first_spin();
  return outcome;
}

}  // namespace tandem::sim
