#include "cluster/takeover_plan.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

IpPrefix prefix(std::string_view text) { return *IpPrefix::parse(text); }
IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }
const InterfaceName kEth1("eth1"), kEth2("eth2");

PlanInput two_ip_group() {
  PlanInput input;
  input.groups = {IpGroup{GroupName("target1"), {{ip("198.51.100.10"), kEth1}, {ip("203.0.113.10"), kEth2}}}};
  input.prefixes = {{ip("198.51.100.10"), prefix("198.51.100.10/24")}, {ip("203.0.113.10"), prefix("203.0.113.10/24")}};
  return input;
}

TEST(PlanTakeover, MovesAGroupByReleasingOnTheOldNodeAndTakingOnTheNew) {
  PlanInput input = two_ip_group();
  input.held[NodeId(0)] = {{prefix("198.51.100.10/24"), kEth1}, {prefix("203.0.113.10/24"), kEth2}};
  input.planned = Assignment(
      {{ip("198.51.100.10"), Placement{NodeId(1), kEth1}, ""}, {ip("203.0.113.10"), Placement{NodeId(1), kEth2}, ""}});
  const TakeoverPlan plan = plan_takeover(input);
  ASSERT_EQ(plan.orders.at(NodeId(0)).releases.size(), 2u);
  ASSERT_EQ(plan.orders.at(NodeId(1)).takes.size(), 2u);
  EXPECT_EQ(plan.orders.at(NodeId(1)).takes[0].group, GroupName("target1"));
  EXPECT_TRUE(plan.has_releases());
}

TEST(PlanTakeover, MovesAnIpBetweenInterfacesOfOneNodeWithAnUpdate) {
  PlanInput input = two_ip_group();
  input.held[NodeId(0)] = {{prefix("198.51.100.10/24"), kEth2}, {prefix("203.0.113.10/24"), kEth2}};
  input.planned = Assignment(
      {{ip("198.51.100.10"), Placement{NodeId(0), kEth1}, ""}, {ip("203.0.113.10"), Placement{NodeId(0), kEth2}, ""}});
  const TakeoverPlan plan = plan_takeover(input);
  ASSERT_EQ(plan.orders.size(), 1u);
  EXPECT_EQ(plan.orders.at(NodeId(0)).updates.size(), 1u);
  EXPECT_FALSE(plan.has_releases());
}

TEST(PlanTakeover, LeavesAGroupAloneWhileAFrozenNodeHoldsPartOfIt) {
  PlanInput input = two_ip_group();
  input.held[NodeId(0)] = {{prefix("198.51.100.10/24"), kEth1}};
  input.frozen = {NodeId(0)};
  input.planned = Assignment(
      {{ip("198.51.100.10"), Placement{NodeId(1), kEth1}, ""}, {ip("203.0.113.10"), Placement{NodeId(1), kEth2}, ""}});
  const TakeoverPlan plan = plan_takeover(input);
  EXPECT_TRUE(plan.empty());
  EXPECT_EQ(plan.skipped_groups, 1u);
}

TEST(PlanTakeover, ReleasesAnIpHeldTwiceFromEveryNodeButItsTarget) {
  PlanInput input = two_ip_group();
  input.held[NodeId(0)] = {{prefix("198.51.100.10/24"), kEth1}};
  input.held[NodeId(1)] = {{prefix("198.51.100.10/24"), kEth1}};
  input.planned = Assignment(
      {{ip("198.51.100.10"), Placement{NodeId(1), kEth1}, ""}, {ip("203.0.113.10"), Placement{NodeId(1), kEth2}, ""}});
  const TakeoverPlan plan = plan_takeover(input);
  EXPECT_EQ(plan.orders.at(NodeId(0)).releases.size(), 1u);
  EXPECT_EQ(plan.orders.at(NodeId(1)).takes.size(), 1u);  // only the one it lacks
}

TEST(PlanTakeover, ReleasesWhatNoNodeShouldHost) {
  PlanInput input = two_ip_group();
  input.held[NodeId(2)] = {{prefix("198.51.100.10/24"), kEth1}};
  input.planned =
      Assignment({{ip("198.51.100.10"), std::nullopt, "no node"}, {ip("203.0.113.10"), std::nullopt, "no node"}});
  const TakeoverPlan plan = plan_takeover(input);
  EXPECT_EQ(plan.orders.at(NodeId(2)).releases.size(), 1u);
}

}  // namespace
}  // namespace tandem::cluster
