// Scenarios: what the node layer sees of real state machines (node/takeover_watch.h,
// node/counters.h, node/notify_watch.h): moves with their reasons, counters, notify runs.
#include <gtest/gtest.h>

#include <algorithm>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

node::Node& daemon_of(Scenario& s, NodeId node) { return *s.world().node(node.value()).daemon; }

NodeId follower_with_addresses(Scenario& s) {
  for (NodeId node : s.nodes()) {
    if (node != s.leader() && !s.world().node(node.value()).kernel.held().empty()) return node;
  }
  ADD_FAILURE() << "no follower holds an address";
  return NodeId(0);
}

bool ran_notify(Scenario& s, NodeId node, const std::vector<std::string>& arguments) {
  const auto& hooks = s.world().hook_history();
  return std::any_of(hooks.begin(), hooks.end(), [&](const HookRecord& hook) {
    return hook.node == node.value() && hook.event == HookEvent::kNotify && hook.arguments == arguments;
  });
}

TEST(Observation, TheLeaderRecordsWhereACrashedNodesAddressesWentAndWhy) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 31});
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId leader = *s.leader();
  const NodeId victim = follower_with_addresses(s);
  const std::size_t held = s.world().node(victim.value()).kernel.held().size();
  std::vector<node::MoveRecord> records;
  daemon_of(s, leader).set_move_observer([&](const node::MoveRecord& record) { records.push_back(record); });
  s.power_off(victim).run_for(4s).expect_all_groups_hosted();
  std::size_t moved_away = 0;
  for (const auto& record : records) {
    for (const auto& move : record.moves) {
      if (!move.from || move.from->node != victim) continue;
      ++moved_away;
      EXPECT_EQ(move.why, "node " + std::to_string(victim.value()) + " is disconnected");
      ASSERT_TRUE(move.to);
      EXPECT_NE(move.to->node, victim);
    }
  }
  std::string seen;
  for (const auto& record : records) {
    for (const auto& move : record.moves) seen += node::describe(record, move) + "\n";
  }
  EXPECT_EQ(moved_away, held) << seen;
  EXPECT_GE(daemon_of(s, leader).statistics().takeover_runs_done, 1u);
  EXPECT_GE(daemon_of(s, leader).statistics().takeover_moves, held);
}

TEST(Observation, ALinkDownIsCountedAsALocalFailoverAndNotified) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 32});
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId node = *s.node_hosting("target1");
  const auto interface = s.interface_of(s.ip("target1", 0), node);
  ASSERT_TRUE(interface);
  s.link_down(node, interface->value()).run_for(50ms);
  EXPECT_EQ(daemon_of(s, node).statistics().local_failovers, 1u);
  EXPECT_GE(daemon_of(s, node).statistics().local_failover_moves, 1u);
  s.run_for(1s);
  EXPECT_TRUE(ran_notify(s, node, {"link", interface->value(), "down"}));
}

TEST(Observation, EveryNodeIsNotifiedOfItsLeader) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 33});
  s.run_for(2s).expect_all_groups_hosted();
  const std::string leader = std::to_string(s.leader()->value());
  for (NodeId node : s.nodes()) EXPECT_TRUE(ran_notify(s, node, {"leader", leader})) << "node " << node.value();
}

}  // namespace
}  // namespace tandem::sim
