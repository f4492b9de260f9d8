// Counters: what a node did since its daemon started, counted at the node layer.
//
// Everything here is seen from outside the state machine: the Events going in, the Actions
// coming out, the machine's public inspection (leader, flags, lease) before and after each
// event, and the MoveRecords of TakeoverWatch. Nothing needs the machine's inside; what
// would (the leader's ban decisions about other nodes, votes cast) is left out. Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/action.h"
#include "cluster/address_audit.h"
#include "cluster/event.h"
#include "model/ids.h"
#include "model/node_flags.h"
#include "node/takeover_watch.h"

namespace tandem::node {

struct HookTally {
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;  // exited non-zero, was killed at the timeout, or could not start

  friend bool operator==(const HookTally&, const HookTally&) = default;
};

struct Statistics {
  std::uint64_t takeover_runs_done = 0;  // led by this node
  std::uint64_t takeover_runs_failed = 0;
  std::chrono::nanoseconds takeover_run_time{0};  // summed over finished runs
  std::uint64_t takeover_moves = 0;               // addresses moved by those runs
  std::uint64_t local_failovers = 0;              // link changes that moved addresses between this node's interfaces
  std::uint64_t local_failover_moves = 0;
  std::uint64_t addresses_taken = 0;            // added on this node's interfaces
  std::uint64_t addresses_released = 0;         // removed from them
  std::uint64_t address_failures = 0;           // adds and removes the kernel refused
  std::uint64_t addresses_restored = 0;         // held addresses removed behind the daemon's back, added again
  std::uint64_t foreign_addresses_removed = 0;  // public addresses that appeared here unheld, removed
  std::map<std::string, HookTally> hooks;       // by event name ("takeip", ...)
  std::uint64_t lease_lapses = 0;               // this node's lease ran out while it had one
  std::uint64_t leader_changes = 0;             // this node began following another leader
  std::uint64_t elections_won = 0;              // this node became leader
  std::uint64_t times_banned = 0;               // this node became BANNED
  std::uint64_t admin_commands = 0;             // from the local control socket

  friend bool operator==(const Statistics&, const Statistics&) = default;
};

// What the counters compare before and after an event.
struct MachineGlance {
  std::optional<NodeId> leader;
  bool is_leader = false;
  NodeFlags flags;  // this node's
  bool has_lease = false;

  friend bool operator==(const MachineGlance&, const MachineGlance&) = default;
};

class Counters {
 public:
  // One event and the actions the machine answered it with.
  void observe(const cluster::Event& event, const std::vector<cluster::Action>& actions);
  // The machine before and after a whole Node::handle().
  void observe(const MachineGlance& before, const MachineGlance& after);
  void count(const MoveRecord& record);
  // The machine's repair counts (cumulative) before and after a whole Node::handle().
  void observe(const cluster::AddressRepairs& before, const cluster::AddressRepairs& after);

  const Statistics& statistics() const { return statistics_; }

 private:
  Statistics statistics_;
  // Hooks running, by RunHook id, until their HookFinished (bounded by the hooks running).
  std::map<std::uint64_t, std::string> running_hooks_;
};

}  // namespace tandem::node
