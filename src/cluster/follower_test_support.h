// One NodeMachine that follows a leader, fed by hand: for the unit tests of what a follower
// does with the leader's orders (follower_orders_test.cc, planned_stop_test.cc).
#pragma once

#include <map>
#include <optional>

#include "cluster/action_test_support.h"
#include "cluster/node_machine.h"

namespace tandem::cluster::testing {

// The first hook of `event` among `actions`.
inline std::optional<RunHook> hook_of(const std::vector<Action>& actions, HookEvent event) {
  for (const auto& hook : all_of<RunHook>(actions)) {
    if (hook.event == event) return hook;
  }
  return std::nullopt;
}

// A node that follows node 1 (epoch 1) and holds a lease: node 1's heartbeats echo ours.
struct Follower {
  Follower(NodeConfig config, const std::map<InterfaceName, LinkState>& links) : machine(std::move(config)) {
    const auto started = machine.on(Start{{}, links}, now);
    const auto heartbeats = sent<proto::Heartbeat>(started, NodeId(1));
    incarnation = heartbeats.at(0).incarnation;
    last_seq = heartbeats.at(0).sent_seq;
    (void)echo_from_leader();
  }
  std::vector<Action> on(const Event& event) { return machine.on(event, now); }
  // Node 1's heartbeat, claiming leadership of epoch 1 and echoing our latest heartbeat.
  std::vector<Action> echo_from_leader(std::optional<NodeId> leader = NodeId(1)) {
    proto::Heartbeat heartbeat{1, leader, ++leader_seq, last_seq, NodeFlags(), 77, incarnation};
    return on(PeerMessage{NodeId(1), heartbeat});
  }
  // Moves time on by `span` and remembers the sequence number of any heartbeat we send.
  std::vector<Action> tick(Duration span) {
    now += span;
    auto actions = on(Tick{});
    for (const auto& heartbeat : sent<proto::Heartbeat>(actions, NodeId(1))) last_seq = heartbeat.sent_seq;
    return actions;
  }

  TimePoint now = kTimeZero + std::chrono::seconds(1);
  NodeMachine machine;
  std::uint64_t incarnation = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t leader_seq = 0;
};

}  // namespace tandem::cluster::testing
