// WorldOptions: everything that shapes one simulated run besides its fault schedule.
#pragma once

#include <cstdint>

#include "base/time.h"
#include "model/tunables.h"
#include "sim/cluster_layout.h"
#include "sim/sim_network.h"

namespace tandem::sim {

struct WorldOptions {
  std::uint64_t seed = 1;
  ClusterShape shape;
  bool has_cluster_lock = true;
  Tunables tunables;

  // Clocks: every node's clock runs at 1 + drift, |drift| <= drift_max, from a random offset.
  double drift_max = 0.01;
  Duration clock_offset_max = std::chrono::seconds(1000);
  // Daemons start at random instants in [0, start_spread].
  Duration start_spread = std::chrono::milliseconds(50);

  NetworkSettings network;
  bool check_wire = true;  // every message through proto::encode/decode

  Duration hook_min = std::chrono::microseconds(200);
  Duration hook_max = std::chrono::milliseconds(3);
  // How long a slow hook (HookFault::kSlow) runs before it succeeds.
  Duration slow_hook = std::chrono::milliseconds(2500);
  Duration lock_answer_min = std::chrono::microseconds(200);
  Duration lock_answer_max = std::chrono::milliseconds(2);
  // A cluster filesystem frees a powered-off holder's lock after this long. A crashed
  // daemon's lock goes at once (the lock dies with the process holding it).
  Duration lock_free_after_power_loss = std::chrono::milliseconds(500);
  // After a daemon crash: systemd's ExecStopPost clean-up, then the restart. The clean-up
  // must come well within LeaseTimeout: a dead daemon cannot release on lease expiry.
  Duration stop_cleanup_delay = std::chrono::milliseconds(100);
  Duration restart_delay = std::chrono::milliseconds(500);

  // TEST ONLY, a deliberately broken world: address removals take effect this much later
  // than reported, i.e. "take before release". The invariants must catch it.
  Duration late_removal{0};
  // TEST ONLY, a deliberately broken world: kernels ignore LimitServing (as with no
  // serving limit at all), so a stalled daemon's addresses keep serving. The invariants
  // must catch it.
  bool ignores_serving_limit = false;

  // As tandemd's address watch does: after every event that changed a node's kernel
  // addresses, the daemon is told what its kernel holds (cluster::AddressesSeen), its own
  // changes included. Its own changes must never be "repaired" (address_audit.h).
  bool echo_address_changes = false;

  // Reachability probes (src/cluster/reachability.h): every public interface probes one
  // target, its network's gateway, which answers each probe within probe_answer_max unless
  // the link is down or silent (SimWorld::silence_link: carrier up, nothing forwarded).
  // Off: carrier alone, as without [reachability]; the fault schedule then makes no silent links.
  bool probes = false;
  Duration probe_answer_max = std::chrono::milliseconds(2);

  bool stop_at_first_violation = true;
  std::size_t trace_lines = 200;
};

}  // namespace tandem::sim
