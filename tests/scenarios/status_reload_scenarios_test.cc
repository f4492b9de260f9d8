// Scenarios: the status question (leader, forwarded, leader-less) and configuration
// reloads (a removed public address, a changed tunable).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

std::set<IpAddress> addresses_of(const std::vector<proto::HeldAddress>& held) {
  std::set<IpAddress> out;
  for (const auto& entry : held) out.insert(entry.prefix.address);
  return out;
}

// Every node of the answer holds, by the answer, what its kernel holds.
void expect_held_as_kernels(Scenario& s, const proto::StatusReply& reply) {
  ASSERT_EQ(reply.nodes.size(), s.nodes().size());
  for (const auto& node : reply.nodes) {
    EXPECT_EQ(addresses_of(node.held), addresses_of(s.world().node(node.node.value()).kernel.held()))
        << "node " << node.node.value();
  }
}

NodeId a_follower(const Scenario& s, NodeId leader) {
  for (NodeId node : s.nodes()) {
    if (node != leader) return node;
  }
  return leader;
}

void remove_address(cluster::NodeConfig& config, const IpAddress& address) {
  std::erase_if(config.public_addresses, [&](const PublicAddress& a) { return a.address() == address; });
  for (auto& group : config.groups) {
    std::erase_if(group.members, [&](const GroupMember& m) { return m.address == address; });
  }
}

TEST(Status, TheLeaderAnswersWithEveryNodesHeldAddresses) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 31});
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId leader = *s.leader();
  const proto::StatusReply reply = s.status(leader);
  EXPECT_TRUE(reply.from_leader);
  EXPECT_EQ(reply.answered_by, leader);
  EXPECT_TRUE(std::is_sorted(reply.nodes.begin(), reply.nodes.end(),
                             [](const auto& a, const auto& b) { return a.node < b.node; }));
  std::size_t held = 0;
  for (const auto& node : reply.nodes) {
    EXPECT_TRUE(node.connected && node.has_report && node.flags == NodeFlags()) << "node " << node.node.value();
    EXPECT_FALSE(node.links.empty());
    EXPECT_FALSE(node.addresses.empty());
    held += node.held.size();
  }
  EXPECT_EQ(held, 3u * 2u);
  expect_held_as_kernels(s, reply);
}

TEST(Status, AFollowersQuestionIsAnsweredWithTheLeadersView) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 32});
  s.run_for(2s);
  const NodeId leader = *s.leader();
  const NodeId follower = a_follower(s, leader);
  const proto::StatusReply reply = s.status(follower);
  EXPECT_TRUE(reply.from_leader);
  EXPECT_EQ(reply.answered_by, leader);
  for (const auto& node : reply.nodes) EXPECT_TRUE(node.has_report) << "node " << node.node.value();
  expect_held_as_kernels(s, reply);
}

TEST(Status, WithoutALeaderANodeAnswersWithItsOwnView) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 33});
  s.run_for(2s);
  const NodeId alone = a_follower(s, *s.leader());
  s.partition({alone}).run_for(2s);
  const proto::StatusReply reply = s.status(alone);
  EXPECT_FALSE(reply.from_leader);
  EXPECT_EQ(reply.answered_by, alone);
  ASSERT_EQ(reply.nodes.size(), 3u);
  for (const auto& node : reply.nodes) {
    const bool is_self = node.node == alone;
    EXPECT_EQ(node.connected, is_self) << "node " << node.node.value();
    EXPECT_EQ(node.has_report, is_self) << "node " << node.node.value();
    EXPECT_EQ(node.flags.has(NodeFlags::kDisconnected), !is_self) << "node " << node.node.value();
    if (is_self) {
      EXPECT_FALSE(node.links.empty());
      EXPECT_EQ(addresses_of(node.held), addresses_of(s.world().node(alone.value()).kernel.held()));
    }
  }
}

TEST(Reload, AnAddressRemovedFromEveryNodeIsReleasedEverywhere) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 34});
  s.run_for(2s).expect_all_groups_hosted();
  const IpAddress removed = s.ip("target1", 1);
  const IpAddress kept = s.ip("target1", 0);
  ASSERT_EQ(s.world().holders(removed).size(), 1u);
  s.reconfigure_all([&](cluster::NodeConfig& config) { remove_address(config, removed); }).run_for(2s);
  EXPECT_TRUE(s.world().holders(removed).empty());
  EXPECT_EQ(s.world().holders(kept).size(), 1u);
  for (const char* group : {"target2", "target3"}) {
    for (std::size_t member = 0; member < 2; ++member) EXPECT_EQ(s.world().holders(s.ip(group, member)).size(), 1u);
  }
  const proto::StatusReply reply = s.status(*s.leader());
  for (const auto& node : reply.nodes) {
    EXPECT_FALSE(addresses_of(node.held).contains(removed)) << "node " << node.node.value();
  }
}

// The group's node may no longer host one of its addresses: the whole group moves.
TEST(Reload, AnAddressRemovedFromItsNodeMovesWithItsGroup) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 35});
  s.run_for(2s);
  const NodeId from = *s.node_hosting("target1");
  const IpAddress removed = s.ip("target1", 1);
  s.reconfigure(from, [&](cluster::NodeConfig& config) {
    std::erase_if(config.public_addresses, [&](const PublicAddress& a) { return a.address() == removed; });
  });
  s.run_for(2s).expect_group_not_on("target1", from).expect_all_groups_hosted();
}

// A node powered off and on again: how many groups it holds once things have settled.
std::size_t groups_back_on_returning_node(bool no_ip_failback) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 36});
  s.run_for(2s);
  if (no_ip_failback) s.reconfigure_all([](cluster::NodeConfig& config) { config.tunables.no_ip_failback = 1; });
  const NodeId node = *s.node_hosting("target1");
  s.power_off(node).run_for(3s).expect_all_groups_hosted();
  s.power_on(node).run_for(4s).expect_all_groups_hosted();
  return s.world().node(node.value()).kernel.held().size();
}

TEST(Reload, ASetNoIPFailbackKeepsGroupsAwayFromARecoveredNode) {
  EXPECT_GT(groups_back_on_returning_node(false), 0u);  // the control: rebalancing fails back
  EXPECT_EQ(groups_back_on_returning_node(true), 0u);
}

}  // namespace
}  // namespace tandem::sim
