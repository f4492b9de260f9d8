// Scenarios: the kernel's addresses and the daemon's view agree (docs/design/cluster.md,
// "Addresses changed behind the daemon's back"). Something other than tandemd removes an
// address a node holds; the daemon hears it (cluster::AddressesSeen) and restores it.
#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

ScenarioOptions three_nodes(std::uint64_t seed) {
  return {.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = seed, .echo_address_changes = true};
}

std::uint64_t restored_on(Scenario& s, NodeId node) {
  return s.world().node(node.value()).daemon->statistics().addresses_restored;
}

std::uint64_t repairs_everywhere(Scenario& s) {
  std::uint64_t repairs = 0;
  for (NodeId node : s.nodes()) {
    if (!s.is_running(node)) continue;
    const auto& statistics = s.world().node(node.value()).daemon->statistics();
    repairs += statistics.addresses_restored + statistics.foreign_addresses_removed;
  }
  return repairs;
}

TEST(AddressAudit, AnAddressRemovedBehindTheDaemonsBackIsBackAtOnceOnTheSameInterface) {
  Scenario s(three_nodes(1));
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId node = *s.node_hosting("target1");
  const IpAddress address = s.ip("target1", 0);
  const InterfaceName interface = *s.interface_of(address, node);
  const TimePoint taken_at = s.world().now();
  s.take_address(node, address).run_for(1ms);
  ASSERT_TRUE(s.last_removed(address, node).has_value());
  EXPECT_EQ(*s.last_removed(address, node), taken_at);
  EXPECT_EQ(s.last_added(address, node), std::optional<TimePoint>(taken_at));
  s.expect_ip_on_interface(address, node, interface.value()).expect_group_on("target1", node);
  EXPECT_EQ(restored_on(s, node), 1u);
  s.run_for(2s).expect_converged();
}

// A node in a planned stop holds its addresses until its releasegroup hooks are done; one
// taken from it meanwhile is not taken back.
TEST(AddressAudit, ANodeThatIsShuttingDownDoesNotRestoreAnAddress) {
  Scenario s(three_nodes(3));
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId node = *s.node_hosting("target1");
  const IpAddress address = s.ip("target1", 0);
  s.slow_hook(node, HookEvent::kReleaseGroup).shutdown(node).run_for(1ms);
  ASSERT_EQ(s.world().holders(address), std::vector<NodeIndex>{node.value()})
      << "released before the test could take it";
  const TimePoint taken_at = s.world().now();
  s.take_address(node, address).run_for(1ms);
  EXPECT_LT(*s.last_added(address, node), taken_at);
  EXPECT_EQ(restored_on(s, node), 0u);
  s.run_for(10s).expect_all_groups_hosted().expect_group_not_on("target1", node);
}

// Every node is told of its own adds and removals too, as netlink tells tandemd; none of
// them may look like an address taken behind its back.
TEST(AddressAudit, TheDaemonsOwnMovesAreNeverRepaired) {
  Scenario s(three_nodes(2));
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId node = *s.node_hosting("target1");
  s.link_down(node, "eth1").run_for(1s).link_up(node, "eth1").run_for(1s);
  s.power_off(node).run_for(5s).power_on(node).run_for(5s);
  s.expect_all_groups_hosted().expect_converged();
  EXPECT_EQ(repairs_everywhere(s), 0u);
}

}  // namespace
}  // namespace tandem::sim
