// Scenarios: admin commands, bans and monitor failures.
#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

proto::AdminCommand move_group(std::string group, NodeId to) {
  return proto::MoveGroup{GroupName(std::move(group)), to};
}

NodeId another_node(const Scenario& s, NodeId than) {
  for (NodeId node : s.nodes()) {
    if (node != than) return node;
  }
  return than;
}

TEST(Admin, MoveGroupMovesTheWholeGroupToTheNamedNode) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 21});
  s.run_for(2s);
  const NodeId from = *s.node_hosting("target1");
  const NodeId to = another_node(s, from);
  const auto reply = s.admin(from, move_group("target1", to));
  EXPECT_TRUE(reply.ok) << reply.message;
  s.run_for(1s).expect_group_on("target1", to).expect_all_groups_hosted();
}

TEST(Admin, MoveIpMovesItsGroupWithIt) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 22});
  s.run_for(2s);
  const NodeId from = *s.node_hosting("target2");
  const NodeId to = another_node(s, from);
  const auto reply = s.admin(to, proto::MoveIp{s.ip("target2", 1), to});
  EXPECT_TRUE(reply.ok) << reply.message;
  s.run_for(1s).expect_group_on("target2", to);
}

// The node must give its groups up (it is disabled) but its kernel refuses every removal:
// each takeover run fails on it, and after BanCreditsMax failures it is banned. Once its
// kernel works again, its lease lapses and it releases; the groups move without overlap.
TEST(Admin, ANodeThatCannotReleaseIsBanned) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 23});
  s.run_for(2s);
  const NodeId stuck = *s.node_hosting("target1");
  s.fail_removals(stuck);
  const proto::AdminCommand disable = proto::Disable{stuck};
  (void)s.admin(another_node(s, stuck), disable);
  EXPECT_TRUE(s.run_until([&] { return s.is_banned(stuck); }, 8s));
  s.expect_banned(stuck).heal_kernel(stuck).run_for(3s);
  s.expect_group_not_on("target1", stuck).expect_all_groups_hosted();
}

// A group moved to a node whose takegroup fails: each take there releases the group
// unannounced and fails the run (a ban credit); after BanCreditsMax the node is banned and
// the group is served elsewhere. No step announces what a failed take brought (the node
// machine's invariant 11) nor anything a node does not hold (stale-announcement).
TEST(Admin, ANodeWhoseTakegroupFailsReleasesTheGroupAndIsBanned) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 28});
  s.run_for(2s);
  const NodeId from = *s.node_hosting("target1");
  const NodeId broken = another_node(s, from);
  s.fail_hook(broken, HookEvent::kTakeGroup);
  (void)s.admin(from, move_group("target1", broken));
  EXPECT_TRUE(s.run_until([&] { return s.is_banned(broken); }, 10s));
  s.run_for(3s).expect_group_not_on("target1", broken).expect_all_groups_hosted();
}

// takeip takes 2.5 s on every node, longer than TakeoverTimeoutMs (2 s) but well within
// EventScriptTimeoutMs: the nodes are slow, not failing, and earn no ban credit (with
// BanCreditsMax 1, a single credit would ban).
TEST(Admin, ASlowButSuccessfulHookGetsNoNodeBanned) {
  ScenarioOptions options{.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 25};
  options.tunables.ban_credits_max = 1;
  Scenario s(options);
  for (NodeId node : s.nodes()) s.slow_hook(node, HookEvent::kTakeIp);
  s.run_for(15s);
  for (NodeId node : s.nodes()) EXPECT_FALSE(s.is_banned(node)) << "node " << node.value();
  s.expect_all_groups_hosted().expect_converged();
}

// The leader resends an unanswered take order; the node's takeip hooks for it are still
// running, so it does not start them again.
TEST(Admin, AResentTakeOrderDoesNotStartHooksThatAreStillRunning) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 26});
  for (NodeId node : s.nodes()) s.slow_hook(node, HookEvent::kTakeIp);
  s.run_for(15s);
  const auto& hooks = s.world().hook_history();
  std::size_t takes = 0;
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    if (hooks[i].event != HookEvent::kTakeIp) continue;
    ++takes;
    for (std::size_t j = 0; j < i; ++j) {
      const bool same = hooks[j].event == HookEvent::kTakeIp && hooks[j].node == hooks[i].node &&
                        hooks[j].arguments == hooks[i].arguments;
      EXPECT_FALSE(same && hooks[i].at - hooks[j].at < s.world().options().slow_hook)
          << "a second takeip for the same address on node " << hooks[i].node << " while the first runs";
    }
  }
  EXPECT_GT(takes, 0u);
}

// The leader banned the node from its ban credits; `tandem unban` lifts that ban for good:
// the leader forgets it and the node's credits, and does not order the ban again.
TEST(Admin, AnUnbanIsNotUndoneByTheLeadersBanCredits) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 23});
  s.run_for(2s);
  const NodeId stuck = *s.node_hosting("target1");
  s.fail_removals(stuck);
  const proto::AdminCommand disable = proto::Disable{stuck};
  (void)s.admin(another_node(s, stuck), disable);
  ASSERT_TRUE(s.run_until([&] { return s.is_banned(stuck); }, 8s));
  s.heal_kernel(stuck).run_for(1s);
  const proto::AdminCommand unban = proto::Unban{stuck};
  const auto reply = s.admin(another_node(s, stuck), unban);
  ASSERT_TRUE(reply.ok) << reply.message;
  s.run_for(5s);
  EXPECT_FALSE(s.is_banned(stuck));
  s.expect_all_groups_hosted();
}

// `tandem disable -n 9` in a cluster of nodes 0 to 2 is refused at once, naming the node.
TEST(Admin, ACommandNamingAnUnknownNodeIsRefused) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 27});
  s.run_for(2s);
  const proto::AdminCommand disable = proto::Disable{NodeId(9)};
  const auto reply = s.admin(NodeId(0), disable);
  EXPECT_FALSE(reply.ok);
  EXPECT_NE(reply.message.find("no node 9"), std::string::npos) << reply.message;
}

TEST(Admin, MonitorFailureMovesTheNodesGroupsAway) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 24});
  s.run_for(2s);
  const NodeId sick = *s.node_hosting("target1");
  s.fail_hook(sick, HookEvent::kMonitor).run_for(3s);
  s.expect_group_not_on("target1", sick).expect_all_groups_hosted().expect_converged();
}

// The pins of moveip/movegroup travel in the leader's heartbeats, so the next leader keeps
// them. Both followers' groups are pinned on one of them, which then has two groups and
// the other follower none: a rebalance would even that out, the pins forbid it. The leader
// loses power and comes back (empty): its group goes to the empty follower, and the two
// pinned groups stay where they were put, through the next leader's runs.
TEST(Admin, APinOutlivesTheLeadersCrash) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 23});
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId leader = *s.leader();
  std::vector<NodeId> followers;
  for (NodeId node : s.nodes()) {
    if (node != leader) followers.push_back(node);
  }
  ASSERT_EQ(followers.size(), 2u);
  const NodeId pinned_on = followers[1];
  std::vector<std::string> moved;
  for (const char* name : {"target1", "target2", "target3"}) {
    if (s.node_hosting(name) != leader) moved.emplace_back(name);
  }
  ASSERT_EQ(moved.size(), 2u);
  for (const auto& group : moved) {
    const auto reply = s.admin(leader, move_group(group, pinned_on));
    ASSERT_TRUE(reply.ok) << reply.message;
  }
  s.run_for(2s);
  for (const auto& group : moved) s.expect_group_on(group, pinned_on);
  s.power_off(leader).run_for(5s).power_on(leader).run_for(10s).expect_all_groups_hosted().expect_converged();
  for (const auto& group : moved) s.expect_group_on(group, pinned_on);
}

}  // namespace
}  // namespace tandem::sim
