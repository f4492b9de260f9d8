// FaultSchedule: random faults for one seed, for the sweep.
//
// Faults arrive at random (exponential gaps of mean `mean_gap`), each drawn from the faults
// the simulator models (docs/design/cluster.md): power loss and restart (one in four with
// the disk wiped: the node comes back fresh), daemon crash, symmetric and one-way
// partitions, a degraded network (delay, loss, duplication, reordering), link down/up and
// flapping (with WorldOptions::probes, half of them dead paths behind a live carrier), lock holder loss, a failing
// monitor, an address removed behind a daemon's back, and admin commands (disable/enable, moveip, movegroup), planned
// stops (SIGTERM, then a restart), stalled daemons (SIGSTOP for 0.3-3 s) and daemons killed with no clean-up after them
// (started again 1-4 s later). Each temporary fault is undone after a random duration. At most a minority of nodes is
// powered off at once, so the cluster keeps a quorum to fail over to. heal_all() ends every fault at once: after it,
// the cluster must converge (invariant 3).
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "sim/sim_world.h"

namespace tandem::sim {

class FaultSchedule {
 public:
  // Without `planned_stops` or `stalls`, the schedule is the one from before those faults
  // existed, seed for seed.
  FaultSchedule(SimWorld& world, std::uint64_t seed, Duration mean_gap, bool planned_stops = true, bool stalls = true);

  // Runs the world to `until`, injecting faults from `from` on (stops early on a violation
  // when the world stops at the first one).
  void run(TimePoint from, TimePoint until);
  void heal_all();

 private:
  struct Undo {
    TimePoint at;
    std::function<void()> action;
  };

  using Fault = void (FaultSchedule::*)();
  static const std::array<Fault, 12> kFirstFaults;

  void inject();
  void later(Duration after, std::function<void()> action);
  void run_due_undos();
  Duration next_gap();
  NodeIndex any_node();
  std::optional<NodeIndex> any_running_node();
  std::size_t powered_off_count() const;
  std::size_t not_running_count() const;

  void power_loss();
  void crash();
  void lose_lock();
  void partition();
  void one_way_cut();
  void degrade_network();
  void link_down();
  void link_flap();
  void monitor_failure();
  void disable_for_a_while();
  void move_something();
  void planned_stop();
  void take_address();
  void stall();
  void kill_for_a_while();

  SimWorld& world_;
  SimRng rng_;
  SimRng disk_rng_;  // which power losses also wipe the disk; apart, so the schedule stays seed for seed
  Duration mean_gap_;
  std::vector<Fault> faults_;  // what inject() draws from: kFirstFaults, then the later ones asked for
  std::vector<Undo> undos_;    // in the order of their time (stable for equal times)
  std::vector<NodeIndex> disabled_;
};

}  // namespace tandem::sim
