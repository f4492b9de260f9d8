#include "config/cluster_check.h"

#include <gtest/gtest.h>

#include "config/ip_groups_file.h"
#include "config/nodes_file.h"
#include "config/public_addresses_file.h"
#include "config/test_helpers.h"

namespace tandem::config {
namespace {

IpGroupsFile groups(std::string_view text) { return parse_ip_groups(text, "ip_groups").value(); }

NodeAddresses node(std::uint32_t pnn, std::string_view public_addresses) {
  return NodeAddresses{NodeId(pnn), parse_public_addresses(public_addresses, "public_addresses").value()};
}

constexpr std::string_view kTwoNetworks =
    "198.51.100.10/24 eth1\n203.0.113.10/24 eth2\n198.51.100.11/24 eth1\n203.0.113.11/24 eth2\n";

TEST(ValidateCluster, AcceptsGroupsThatTheNodesCanHost) {
  const std::vector nodes{node(0, kTwoNetworks), node(1, kTwoNetworks)};
  EXPECT_TRUE(succeeds(validate_cluster(
      groups("target1 198.51.100.10@eth1 203.0.113.10@eth2\ntarget2 198.51.100.11 203.0.113.11\n"), nodes)));
}

TEST(ValidateCluster, AcceptsAnEmptyGroupsFile) {
  const std::vector nodes{node(0, kTwoNetworks)};
  EXPECT_TRUE(succeeds(validate_cluster(groups(""), nodes)));
}

TEST(ValidateCluster, RejectsAGroupAddressThatNoNodeLists) {
  const std::vector nodes{node(0, kTwoNetworks), node(1, kTwoNetworks)};
  EXPECT_TRUE(fails_at(
      validate_cluster(groups("target1 198.51.100.10\n# next\ntarget2 198.51.100.99@eth1\n"), nodes), "ip_groups:3",
      "address 198.51.100.99 of group target2 is in no node's public_addresses, so no node can host it"));
}

TEST(ValidateCluster, RejectsAPreferredInterfaceThatNoNodeListsForThatAddress) {
  const std::vector nodes{node(0, kTwoNetworks), node(1, kTwoNetworks)};
  EXPECT_TRUE(fails_at(validate_cluster(groups("target1 198.51.100.10@eth1 203.0.113.10@eth1\n"), nodes), "ip_groups:1",
                       "preferred interface eth1 of 203.0.113.10 in group target1 is not listed for that address "
                       "on any node (listed: eth2)"));
}

TEST(ValidateCluster, AcceptsAPreferredInterfaceThatOnlySomeNodesList) {
  const std::vector nodes{node(0, "198.51.100.10/24 eth1\n"), node(1, "198.51.100.10/24 bond0,eth3\n")};
  EXPECT_TRUE(succeeds(validate_cluster(groups("target1 198.51.100.10@eth3\n"), nodes)));
}

TEST(ValidateCluster, AcceptsAnAddressThatOnlySomeNodesList) {
  const std::vector nodes{node(0, "198.51.100.10/24 eth1\n"), node(1, "198.51.100.11/24 eth1\n")};
  EXPECT_TRUE(succeeds(validate_cluster(groups("target1 198.51.100.10 198.51.100.11\n"), nodes)));
}

TEST(ValidateCluster, RejectsOneAddressWithDifferentPrefixLengthsOnTwoNodesNamingBoth) {
  const std::vector nodes{node(0, "198.51.100.10/24 eth1\n"), node(1, "198.51.100.10/24 eth1\n"),
                          node(2, "198.51.100.10/25 eth1\n")};
  EXPECT_TRUE(fails_at(validate_cluster(groups(""), nodes), "node 2",
                       "public address 198.51.100.10/25 on node 2 has prefix length /24 on node 0"));
}

TEST(CheckNodesNotPublic, AcceptsNodeAddressesOutsideThePublicAddresses) {
  const auto nodes = parse_nodes("192.0.2.1\n192.0.2.2\n", "nodes").value();
  EXPECT_TRUE(succeeds(check_nodes_not_public("nodes", nodes, "public_addresses", node(0, kTwoNetworks).addresses)));
}

TEST(CheckNodesNotPublic, RefusesANodesAddressThatIsAlsoPublicNamingItsLine) {
  const auto nodes = parse_nodes("192.0.2.1\n\n198.51.100.11\n", "nodes").value();
  EXPECT_TRUE(fails_at(check_nodes_not_public("nodes", nodes, "public_addresses", node(0, kTwoNetworks).addresses),
                       "nodes:3", "198.51.100.11 is node 1's address and also a public address in public_addresses"));
}

TEST(CheckNodesNotPublic, SkipsDeletedNodes) {
  const auto nodes = parse_nodes("#198.51.100.11\n192.0.2.2\n", "nodes").value();
  EXPECT_TRUE(succeeds(check_nodes_not_public("nodes", nodes, "public_addresses", node(0, kTwoNetworks).addresses)));
}

}  // namespace
}  // namespace tandem::config
