// NodeMachine: one node of the cluster as a pure state machine. PURE.
//
//   actions = machine.on(event, now);   // and call again with Tick at next_wakeup()
//
// It holds membership (heartbeats both ways), leadership (cluster lock and/or votes,
// epochs), the node's lease, the addresses the node holds, and, when leader, the takeover
// runs that move groups between nodes. It never reads a clock, opens a socket or touches
// the kernel; see docs/design/cluster.md for the protocol and the safety argument.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "base/time.h"
#include "cluster/action.h"
#include "cluster/address_audit.h"
#include "cluster/event.h"
#include "cluster/tickle_lists.h"
#include "cluster/node_config.h"

namespace tandem::cluster {

class NodeMachine {
 public:
  explicit NodeMachine(NodeConfig config);
  ~NodeMachine();
  NodeMachine(NodeMachine&&) noexcept;
  NodeMachine& operator=(NodeMachine&&) noexcept;

  std::vector<Action> on(const Event& event, TimePoint now);

  // When to deliver the next Tick (always set once started).
  TimePoint next_wakeup() const;

  // Inspection, for the CLI, the simulator's checks and tests.
  NodeId self() const;
  std::uint64_t epoch() const;           // the highest epoch seen
  std::optional<NodeId> leader() const;  // the leader followed, if any
  bool is_leader() const;
  bool has_lease(TimePoint now) const;
  const std::vector<proto::HeldAddress>& held() const;  // what this node believes it holds
  NodeFlags flags() const;
  bool is_shutting_down() const;   // a Shutdown came (ShutdownDone may have too)
  AddressRepairs repairs() const;  // answers to AddressesSeen so far
  // The tickle lists this node knows (`tandem gettickles`): its own for the IPs it holds,
  // the last its peers sent for the others.
  const TickleLists& tickle_lists() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tandem::cluster
