#include "alloc/allocate.h"

#include <gtest/gtest.h>

#include <map>

#include "support/cluster_text.h"

namespace tandem::alloc {
namespace {

using testing::parse_case;

Assignment allocate_text(std::string_view text) {
  auto parsed = parse_case(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message());
  if (!parsed.ok()) return {};
  EXPECT_TRUE(validate(parsed->view).ok());
  return allocate(parsed->view, parsed->tunables, parsed->current);
}

std::optional<Placement> at(std::uint32_t pnn, std::string interface) {
  return Placement{NodeId(pnn), InterfaceName(std::move(interface))};
}

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

std::map<std::uint32_t, int> groups_per_node(const Assignment& assignment, int group_size) {
  std::map<std::uint32_t, int> ips;
  for (const auto& entry : assignment.ips()) {
    if (entry.placement) ++ips[entry.placement->node.value()];
  }
  for (auto& [node, count] : ips) count /= group_size;
  return ips;
}

constexpr std::string_view kTwoNodesOneTarget = R"(
addresses 198.51.100.10/24 eth1,eth2
addresses 203.0.113.10/24 eth1,eth2
group target1 198.51.100.10@eth1 203.0.113.10@eth2
)";

TEST(Allocate, PlacesAGroupWholeOnDistinctInterfacesOfOneNode) {
  auto result = allocate_text(std::string(kTwoNodesOneTarget) + "node 0 eth1=up eth2=up\nnode 1 eth1=up eth2=up\n");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10")), at(0, "eth1"));
  EXPECT_EQ(result.placement_of(ip("203.0.113.10")), at(0, "eth2"));
}

TEST(Allocate, OneInterfaceDownKeepsTheGroupOnItsNodeAndMovesOnlyThatIp) {
  auto result = allocate_text(std::string(kTwoNodesOneTarget) + R"(
node 0 eth1=down eth2=up
node 1 eth1=up eth2=up
current 198.51.100.10 0 eth1
current 203.0.113.10 0 eth2
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10")), at(0, "eth2"));
  EXPECT_EQ(result.placement_of(ip("203.0.113.10")), at(0, "eth2"));
}

TEST(Allocate, AllInterfacesOfTheNodeDownMovesTheGroupWhole) {
  auto result = allocate_text(std::string(kTwoNodesOneTarget) + R"(
node 0 eth1=down eth2=down
node 1 eth1=up eth2=up
current 198.51.100.10 0 eth1
current 203.0.113.10 0 eth2
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10")), at(1, "eth1"));
  EXPECT_EQ(result.placement_of(ip("203.0.113.10")), at(1, "eth2"));
}

TEST(Allocate, InterfaceBackReturnsTheIpToItsPreferredInterface) {
  auto result = allocate_text(std::string(kTwoNodesOneTarget) + R"(
node 0 eth1=up eth2=up
node 1 eth1=up eth2=up
current 198.51.100.10 0 eth2
current 203.0.113.10 0 eth2
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10")), at(0, "eth1"));
  EXPECT_EQ(result.placement_of(ip("203.0.113.10")), at(0, "eth2"));
}

TEST(Allocate, ANodeThatServesAllOfAGroupBeatsOneThatServesSome) {
  auto result = allocate_text(R"(
addresses 198.51.100.10/24 eth1
addresses 203.0.113.10/24 eth2
group target1 198.51.100.10 203.0.113.10
node 0 eth1=down eth2=up
node 1 eth1=up eth2=up
current 198.51.100.10 0 eth1
current 203.0.113.10 0 eth2
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10")), at(1, "eth1"));
  EXPECT_EQ(result.placement_of(ip("203.0.113.10")), at(1, "eth2"));
}

TEST(Allocate, NeverSplitsAGroupWhenNoNodeServesAllOfIt) {
  auto result = allocate_text(R"(
addresses 198.51.100.10/24 eth1
addresses 203.0.113.10/24 eth2
group target1 198.51.100.10 203.0.113.10
node 0 eth1=down eth2=up
node 1 eth1=down eth2=up
)");
  EXPECT_EQ(result.placement_of(ip("203.0.113.10")), at(0, "eth2"));
  const auto* unhosted = result.find(ip("198.51.100.10"));
  ASSERT_NE(unhosted, nullptr);
  EXPECT_FALSE(unhosted->placement);
  EXPECT_EQ(unhosted->unhosted_reason, "its group is hosted on node 0, where none of its interfaces is up");
}

TEST(Allocate, NodeFailureMovesItsGroupsWholeAndNothingElse) {
  std::string text = R"(
addresses 198.51.100.1/24 eth1,eth2
addresses 198.51.100.2/24 eth1,eth2
addresses 198.51.100.3/24 eth1,eth2
addresses 203.0.113.1/24 eth1,eth2
addresses 203.0.113.2/24 eth1,eth2
addresses 203.0.113.3/24 eth1,eth2
group a 198.51.100.1@eth1 203.0.113.1@eth2
group b 198.51.100.2@eth1 203.0.113.2@eth2
group c 198.51.100.3@eth1 203.0.113.3@eth2
)";
  auto before = allocate_text(text + "node 0 eth1=up eth2=up\nnode 1 eth1=up eth2=up\nnode 2 eth1=up eth2=up\n");
  std::string current;
  for (const auto& entry : before.ips()) {
    current += "current " + entry.address.to_string() + " " + std::to_string(entry.placement->node.value()) + " " +
               entry.placement->interface.value() + "\n";
  }
  auto after = allocate_text(text + current +
                             "node 0 eth1=up eth2=up\nnode 1 eth1=up eth2=up DISCONNECTED\nnode 2 eth1=up eth2=up\n");
  for (const auto& entry : before.ips()) {
    if (entry.placement->node != NodeId(1)) {
      EXPECT_EQ(after.placement_of(entry.address), entry.placement) << entry.address;
    } else {
      ASSERT_TRUE(after.placement_of(entry.address));
      EXPECT_NE(after.placement_of(entry.address)->node, NodeId(1));
    }
  }
  // The group that moved is still together.
  EXPECT_EQ(after.placement_of(ip("198.51.100.2"))->node, after.placement_of(ip("203.0.113.2"))->node);
}

TEST(Allocate, InactiveAndDisabledNodesHostNothing) {
  for (std::string flag : {"DISCONNECTED", "BANNED", "DELETED", "STOPPED", "DISABLED", "UNHEALTHY"}) {
    auto result = allocate_text(std::string(kTwoNodesOneTarget) + "node 0 eth1=up eth2=up " + flag +
                                "\nnode 1 eth1=up eth2=up\n");
    EXPECT_EQ(result.placement_of(ip("198.51.100.10"))->node, NodeId(1)) << flag;
  }
}

TEST(Allocate, AllNodesDisabledHostNothingByDefault) {
  auto result = allocate_text(std::string(kTwoNodesOneTarget) +
                              "node 0 eth1=up eth2=up DISABLED\nnode 1 eth1=up eth2=up UNHEALTHY\n");
  EXPECT_FALSE(result.placement_of(ip("198.51.100.10")));
  EXPECT_NE(result.find(ip("198.51.100.10"))->unhosted_reason.find("inactive or disabled"), std::string::npos);
}

TEST(Allocate, AllNodesDisabledHostWhenNoIPHostOnAllDisabledIsZero) {
  auto result = allocate_text(
      std::string(kTwoNodesOneTarget) +
      "tunable NoIPHostOnAllDisabled=0\nnode 0 eth1=up eth2=up DISABLED\nnode 1 eth1=up eth2=up BANNED\n");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10")), at(0, "eth1"));
}

TEST(Allocate, DisabledNodesHostNothingWhileAnotherNodeIsHealthyEvenWithNoIPHostOnAllDisabledZero) {
  auto result =
      allocate_text(std::string(kTwoNodesOneTarget) +
                    "tunable NoIPHostOnAllDisabled=0\nnode 0 eth1=up eth2=up DISABLED\nnode 1 eth1=up eth2=up\n");
  EXPECT_EQ(result.placement_of(ip("198.51.100.10"))->node, NodeId(1));
}

constexpr std::string_view kSixSingleIps = R"(
addresses 198.51.100.1/24 eth1
addresses 198.51.100.2/24 eth1
addresses 198.51.100.3/24 eth1
addresses 198.51.100.4/24 eth1
addresses 198.51.100.5/24 eth1
addresses 198.51.100.6/24 eth1
)";

TEST(Allocate, DeterministicPutsGroupIOnNodeIModN) {
  auto result = allocate_text(std::string(kSixSingleIps) +
                              "tunable IPAllocAlgorithm=0\nnode 0 eth1=up\nnode 1 eth1=up\nnode 2 eth1=up\n"
                              "current 198.51.100.1 2 eth1\n");
  for (std::uint32_t i = 0; i < 6; ++i) {
    EXPECT_EQ(result.placement_of(ip("198.51.100." + std::to_string(i + 1))), at(i % 3, "eth1")) << i;
  }
}

TEST(Allocate, RecoveredNodeReceivesGroupsOnlyAsBalanceNeeds) {
  auto result = allocate_text(std::string(kSixSingleIps) + R"(
node 0 eth1=up
node 1 eth1=up
node 2 eth1=up
current 198.51.100.1 0 eth1
current 198.51.100.2 1 eth1
current 198.51.100.3 0 eth1
current 198.51.100.4 1 eth1
current 198.51.100.5 0 eth1
current 198.51.100.6 1 eth1
)");
  EXPECT_EQ(groups_per_node(result, 1), (std::map<std::uint32_t, int>{{0, 2}, {1, 2}, {2, 2}}));
}

TEST(Allocate, NoIPFailbackGivesARecoveredNodeNothing) {
  auto result = allocate_text(std::string(kSixSingleIps) + R"(
tunable NoIPFailback=1
node 0 eth1=up
node 1 eth1=up
node 2 eth1=up
current 198.51.100.1 0 eth1
current 198.51.100.2 1 eth1
current 198.51.100.3 0 eth1
current 198.51.100.4 1 eth1
current 198.51.100.5 0 eth1
current 198.51.100.6 1 eth1
)");
  EXPECT_EQ(groups_per_node(result, 1), (std::map<std::uint32_t, int>{{0, 3}, {1, 3}}));
}

TEST(Allocate, NoIPTakeoverLeavesAFailedNodesGroupsUnhosted) {
  auto result = allocate_text(std::string(kTwoNodesOneTarget) + R"(
tunable NoIPTakeover=1
node 0 eth1=up eth2=up BANNED
node 1 eth1=up eth2=up
current 198.51.100.10 0 eth1
current 203.0.113.10 0 eth2
)");
  EXPECT_FALSE(result.placement_of(ip("198.51.100.10")));
  EXPECT_NE(result.find(ip("198.51.100.10"))->unhosted_reason.find("NoIPTakeover"), std::string::npos);
}

TEST(Allocate, Lcp2SpreadsTheIpsOfOneSubnetOverNodes) {
  auto result = allocate_text(R"(
addresses 198.51.100.1/24 eth1
addresses 198.51.100.2/24 eth1
addresses 203.0.113.1/24 eth1
addresses 203.0.113.2/24 eth1
node 0 eth1=up
node 1 eth1=up
current 198.51.100.1 0 eth1
current 203.0.113.1 0 eth1
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.2"))->node, NodeId(1));
  EXPECT_EQ(result.placement_of(ip("203.0.113.2"))->node, NodeId(1));
}

TEST(Allocate, KeepsAPinnedGroupOnItsNodeAgainstRebalancing) {
  auto parsed = parse_case(std::string(kSixSingleIps) + R"(
node 0 eth1=up
node 1 eth1=up
current 198.51.100.1 0 eth1
current 198.51.100.2 0 eth1
current 198.51.100.3 0 eth1
current 198.51.100.4 0 eth1
current 198.51.100.5 1 eth1
current 198.51.100.6 1 eth1
)");
  ASSERT_TRUE(parsed.ok());
  parsed->view.pins = {{ip("198.51.100.1"), NodeId(0)}};
  auto result = allocate(parsed->view, parsed->tunables, parsed->current);
  EXPECT_EQ(result.placement_of(ip("198.51.100.1"))->node, NodeId(0));
  EXPECT_EQ(groups_per_node(result, 1), (std::map<std::uint32_t, int>{{0, 3}, {1, 3}}));
}

TEST(Allocate, APinYieldsWhenItsNodeCannotServeTheGroup) {
  auto parsed =
      parse_case(std::string(kSixSingleIps) + "node 0 eth1=down\nnode 1 eth1=up\ncurrent 198.51.100.1 0 eth1\n");
  ASSERT_TRUE(parsed.ok());
  parsed->view.pins = {{ip("198.51.100.1"), NodeId(0)}};
  auto result = allocate(parsed->view, parsed->tunables, parsed->current);
  EXPECT_EQ(result.placement_of(ip("198.51.100.1"))->node, NodeId(1));
}

TEST(Allocate, KeepsTheCurrentInterfaceWhenThereIsNoPreference) {
  auto result = allocate_text(R"(
addresses 198.51.100.1/24 eth1,eth2
node 0 eth1=up eth2=up
current 198.51.100.1 0 eth2
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.1")), at(0, "eth2"));
}

TEST(Allocate, SpreadsSingleIpsOverTheInterfacesOfANode) {
  auto result = allocate_text(R"(
addresses 198.51.100.1/24 eth1,eth2
addresses 198.51.100.2/24 eth1,eth2
node 0 eth1=up eth2=up
)");
  EXPECT_EQ(result.placement_of(ip("198.51.100.1")), at(0, "eth1"));
  EXPECT_EQ(result.placement_of(ip("198.51.100.2")), at(0, "eth2"));
}

TEST(Allocate, ExplainsAnAddressThatNoNodeLists) {
  auto result = allocate_text(R"(
addresses 198.51.100.1/24 eth1
group g 198.51.100.1 198.51.100.9
node 0 eth1=up
)");
  EXPECT_EQ(result.find(ip("198.51.100.9"))->unhosted_reason,
            "its group is hosted on node 0, which does not list it in public_addresses");
}

TEST(Allocate, ExplainsAnIpWhoseInterfacesAreDownEverywhere) {
  auto result = allocate_text(R"(
addresses 198.51.100.1/24 eth1
node 0 eth1=down
node 1 eth1=down
)");
  EXPECT_EQ(result.find(ip("198.51.100.1"))->unhosted_reason, "its interfaces are down on every node that may host it");
}

TEST(Allocate, TreatsAnInterfaceMissingFromTheLinkTableAsDown) {
  auto result = allocate_text(R"(
addresses 198.51.100.1/24 eth1,eth3
node 0 eth1=down
)");
  EXPECT_FALSE(result.placement_of(ip("198.51.100.1")));
}

TEST(Validate, RejectsAnAddressInTwoGroups) {
  auto parsed = parse_case(R"(
addresses 198.51.100.1/24 eth1
node 0 eth1=up
group a 198.51.100.1
group b 198.51.100.1
)");
  ASSERT_TRUE(parsed.ok());
  auto valid = validate(parsed->view);
  ASSERT_FALSE(valid.ok());
  EXPECT_EQ(valid.error().message(), "groups[1]: 198.51.100.1 is in groups 'a' and 'b'");
}

TEST(Validate, RejectsADuplicateNodeNumber) {
  auto parsed = parse_case("addresses 198.51.100.1/24 eth1\nnode 0 eth1=up\nnode 0 eth1=up\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(validate(parsed->view).error().message(), "nodes[1]: node 0 appears twice");
}

TEST(Validate, RejectsAnAddressListedTwiceByOneNode) {
  auto parsed = parse_case("addresses 198.51.100.1/24 eth1\naddresses 198.51.100.1/24 eth2\nnode 0 eth1=up\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(validate(parsed->view).error().message(), "nodes[0].addresses[1]: 198.51.100.1 is listed twice");
}

}  // namespace
}  // namespace tandem::alloc
