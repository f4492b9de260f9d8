// Scenarios: separate fabrics (every node's eth1 on fabric A, eth2 on fabric B, nothing
// joining them, each IP allowed on its own interface only), where an interface failure
// costs the node that IP, and what the group's on-path-loss policy makes of it.
#include <gtest/gtest.h>

#include <algorithm>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

// Three nodes, three groups of two: IP 0 on eth1 (fabric A), IP 1 on eth2 (fabric B).
WorldOptions separate_fabrics(PathLossPolicy policy, std::uint64_t seed) {
  WorldOptions options;
  options.seed = seed;
  options.shape = {
      .nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .has_separate_fabrics = true, .on_path_loss = policy};
  return options;
}

// The hooks of `event` run on `node` for `group` since `since`.
std::size_t group_hooks(Scenario& s, NodeId node, HookEvent event, std::string_view group, TimePoint since) {
  const auto& hooks = s.world().hook_history();
  return static_cast<std::size_t>(std::count_if(hooks.begin(), hooks.end(), [&](const HookRecord& hook) {
    return hook.at >= since && hook.node == node.value() && hook.event == event && !hook.arguments.empty() &&
           hook.arguments[0] == group;
  }));
}

TEST(SeparateFabrics, StayKeepsTheGroupAndItsHealthyPathWhenOneInterfaceFails) {
  Scenario s(separate_fabrics(PathLossPolicy::kStay, 1));
  s.run_for(2s).expect_all_groups_hosted().expect_converged();
  const NodeId node = *s.node_hosting("target1");
  const IpAddress lost = s.ip("target1", 0);
  const IpAddress healthy = s.ip("target1", 1);
  const auto healthy_since = s.last_added(healthy, node);
  const TimePoint failed_at = s.world().now();
  s.link_down(node, "eth1").run_for(3s);
  for (NodeId other : s.nodes()) EXPECT_EQ(s.interface_of(lost, other), std::nullopt) << "on node " << other.value();
  s.expect_ip_on_interface(healthy, node, "eth2").expect_converged();
  EXPECT_EQ(s.last_added(healthy, node), healthy_since) << "the healthy path was taken again";
  EXPECT_EQ(s.last_removed(healthy, node), std::nullopt) << "the healthy path was interrupted";
  EXPECT_EQ(group_hooks(s, node, HookEvent::kReleaseGroup, "target1", failed_at), 0u)
      << "releasegroup ran though the group stays";
}

TEST(SeparateFabrics, StayBringsTheLostIpBackOnItsOwnInterfaceOfTheSameNode) {
  Scenario s(separate_fabrics(PathLossPolicy::kStay, 2));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.link_down(node, "eth1").run_for(3s).link_up(node, "eth1").run_for(3s);
  s.expect_group_on("target1", node).expect_ip_on_interface(s.ip("target1", 0), node, "eth1");
  s.expect_ip_on_interface(s.ip("target1", 1), node, "eth2").expect_converged();
  EXPECT_EQ(s.last_removed(s.ip("target1", 1), node), std::nullopt) << "the healthy path was interrupted";
}

TEST(SeparateFabrics, StayMovesTheGroupWholeWhenItsNodeServesNoneOfIt) {
  Scenario s(separate_fabrics(PathLossPolicy::kStay, 3));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.link_down(node, "eth1").run_for(2s).link_down(node, "eth2").run_for(3s);
  s.expect_group_not_on("target1", node).expect_all_groups_hosted().expect_converged();
  const NodeId other = *s.node_hosting("target1");
  s.expect_group_on("target1", other).expect_ip_on_interface(s.ip("target1", 0), other, "eth1");
}

TEST(SeparateFabrics, MoveTakesTheGroupWholeToANodeWithEveryPathUp) {
  Scenario s(separate_fabrics(PathLossPolicy::kMove, 4));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.link_down(node, "eth1").run_for(3s);
  s.expect_group_not_on("target1", node).expect_all_groups_hosted().expect_converged();
  const NodeId other = *s.node_hosting("target1");
  s.expect_group_on("target1", other).expect_ip_on_interface(s.ip("target1", 0), other, "eth1");
  s.expect_ip_on_interface(s.ip("target1", 1), other, "eth2");
}

}  // namespace
}  // namespace tandem::sim
