// Scenarios: what comes back (a cable plugged in again, a node's links, a rebooted node)
// costs the clients nothing: an address returns to its preferred interface before it
// leaves the other, a group returns on distinct interfaces, and a group that moves to a
// returning node moves in one takeover run.
#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

ScenarioOptions three_nodes(std::uint64_t seed) {
  return {.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = seed};
}

// The changes of `node`'s kernel since `from`, in the order they happened.
std::vector<AddressChange> changes_since(const SimWorld& world, NodeId node, TimePoint from) {
  std::vector<AddressChange> found;
  for (const auto& change : world.address_history()) {
    if (change.node == node.value() && change.at >= from) found.push_back(change);
  }
  return found;
}

// Replays the kernels' history from the start: whether, at some instant at or after
// `from`, `node` held two addresses of `group` on one interface.
bool ever_doubled_up(const SimWorld& world, const IpGroup& group, NodeId node, TimePoint from) {
  std::map<IpAddress, std::vector<InterfaceName>> on;  // member -> interfaces of `node` holding it
  for (const auto& change : world.address_history()) {
    const bool is_member = std::any_of(group.members.begin(), group.members.end(),
                                       [&](const GroupMember& m) { return m.address == change.prefix.address; });
    if (change.node != node.value() || !is_member) continue;
    auto& interfaces = on[change.prefix.address];
    if (!change.added) {
      std::erase(interfaces, change.interface);
      continue;
    }
    interfaces.push_back(change.interface);
    if (change.at < from) continue;
    for (const auto& [address, others] : on) {
      if (address == change.prefix.address) continue;
      if (std::find(others.begin(), others.end(), change.interface) != others.end()) return true;
    }
  }
  return false;
}

// Whether `group` was, at some instant at or after `from`, held by no node while a
// takeover run ended (an ipreallocated hook ran): released in one run, taken in another.
bool unhosted_across_a_run(const SimWorld& world, const IpGroup& group, TimePoint from) {
  std::map<IpAddress, int> copies;
  bool is_unhosted = false;
  auto changes = world.address_history().begin();
  const auto changes_end = world.address_history().end();
  auto apply_changes_until = [&](TimePoint at) {
    for (; changes != changes_end && changes->at <= at; ++changes) {
      const bool is_member = std::any_of(group.members.begin(), group.members.end(),
                                         [&](const GroupMember& m) { return m.address == changes->prefix.address; });
      if (!is_member) continue;
      copies[changes->prefix.address] += changes->added ? 1 : -1;
      is_unhosted = std::all_of(group.members.begin(), group.members.end(),
                                [&](const GroupMember& m) { return copies[m.address] == 0; });
    }
  };
  for (const auto& hook : world.hook_history()) {
    apply_changes_until(hook.at);
    if (hook.at >= from && hook.event == HookEvent::kIpReallocated && is_unhosted) return true;
  }
  return false;
}

TEST(Returns, AnAddressGoesBackToItsPreferredInterfaceBeforeLeavingTheOther) {
  Scenario s(three_nodes(21));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  const IpAddress address = s.ip("target1", 0);  // prefers eth1
  s.link_down(node, "eth1").run_for(500ms).expect_ip_on_interface(address, node, "eth2");
  const TimePoint back = s.world().now();
  s.link_up(node, "eth1").run_for(1s).expect_ip_on_interface(address, node, "eth1");
  std::vector<AddressChange> moves;
  for (const auto& change : changes_since(s.world(), node, back)) {
    if (change.prefix.address == address) moves.push_back(change);
  }
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_TRUE(moves[0].added && moves[0].interface.value() == "eth1");   // make
  EXPECT_TRUE(!moves[1].added && moves[1].interface.value() == "eth2");  // then break
}

TEST(Returns, AGroupMovedBackOntoANodeWhoseLinksReturnGetsDistinctInterfaces) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Scenario s(three_nodes(seed));
    s.run_for(2s);
    const NodeId node = *s.node_hosting("target1");
    s.link_down(node, "eth1").link_down(node, "eth2").run_for(3s);
    const TimePoint back = s.world().now();
    // The cables come back one after the other, as hands plug them.
    s.link_up(node, "eth1").run_for(3ms).link_up(node, "eth2").run_for(3s);
    s.expect_all_groups_hosted().expect_converged();
    for (const auto& group : s.world().layout().groups) {
      EXPECT_FALSE(ever_doubled_up(s.world(), group, node, back)) << group.name.value() << ", seed " << seed;
    }
  }
}

// A rebooted node's first report can be lost (its connection to the leader was not up yet)
// while its heartbeats get through: the leader must not plan with the report of its
// earlier life, which lists the groups it held before.
TEST(Returns, ARebootedNodeTakesAGroupInTheRunThatReleasesIt) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Scenario s(three_nodes(seed));
    s.run_for(3s);
    const NodeId leader = *s.leader();
    NodeId node = *s.node_hosting("target1");
    if (node == leader) node = *s.node_hosting("target2");
    if (node == leader) node = *s.node_hosting("target3");
    s.power_off(node).run_for(3s).expect_all_groups_hosted();
    const TimePoint back = s.world().now();
    s.cut(node, leader).power_on(node);
    const bool follows = s.run_until(
        [&] { return s.is_running(node) && s.world().node(node.value()).daemon->machine().leader() == leader; }, 2s,
        1ms);
    ASSERT_TRUE(follows) << "seed " << seed;
    s.heal().run_for(3s).expect_all_groups_hosted().expect_converged();
    for (const auto& group : s.world().layout().groups) {
      EXPECT_FALSE(unhosted_across_a_run(s.world(), group, back)) << group.name.value() << ", seed " << seed;
    }
  }
}

}  // namespace
}  // namespace tandem::sim
