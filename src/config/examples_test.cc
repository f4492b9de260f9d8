// Parses the example files shipped in config/, so that the documentation cannot rot.
// Tests run with the repository root as working directory.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "config/cluster_check.h"
#include "config/ip_groups_file.h"
#include "config/nodes_file.h"
#include "config/public_addresses_file.h"
#include "config/settings.h"
#include "config/test_helpers.h"

namespace tandem::config {
namespace {

std::string read_example(const std::string& name) {
  std::ifstream in("config/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open config/" << name << " (is the working directory the repository root?)";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Examples, NodesExampleParses) {
  auto nodes = parse_nodes(read_example("nodes.example"), "nodes.example");
  ASSERT_TRUE(succeeds(nodes));
  EXPECT_EQ(nodes->size(), 3u);
}

TEST(Examples, PublicAddressesExampleHasTwoInterfacesAndBothFamilies) {
  auto list = parse_public_addresses(read_example("public_addresses.example"), "public_addresses.example");
  ASSERT_TRUE(succeeds(list));
  EXPECT_EQ(list->size(), 9u);
  bool has_eth1 = false, has_eth2 = false, has_v6 = false;
  for (const PublicAddress& address : *list) {
    for (const InterfaceName& name : address.interfaces) {
      has_eth1 = has_eth1 || name.value() == "eth1";
      has_eth2 = has_eth2 || name.value() == "eth2";
    }
    has_v6 = has_v6 || !address.address().is_v4();
  }
  EXPECT_TRUE(has_eth1 && has_eth2 && has_v6);
}

TEST(Examples, IpGroupsExampleHasTheIscsiTargets) {
  auto file = parse_ip_groups(read_example("ip_groups.example"), "ip_groups.example");
  ASSERT_TRUE(succeeds(file));
  ASSERT_EQ(file->entries.size(), 4u);
  const IpGroup& target1 = file->entries[0].group;
  EXPECT_EQ(target1.name, GroupName("target1"));
  ASSERT_EQ(target1.members.size(), 2u);
  EXPECT_EQ(target1.members[1].address, IpAddress::parse("203.0.113.10").value());
  EXPECT_EQ(target1.members[1].preferred, InterfaceName("eth2"));
  EXPECT_EQ(target1.on_path_loss, PathLossPolicy::kMove);
  EXPECT_EQ(file->entries[2].group.on_path_loss, PathLossPolicy::kStay);
}

TEST(Examples, TandemConfExampleParses) {
  auto settings = parse_settings(read_example("tandem.conf.example"), "tandem.conf.example");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->node_address, IpAddress::parse("192.0.2.1").value());
  EXPECT_EQ(settings->paths, Paths{});
  EXPECT_EQ(settings->cluster_lock.kind, ClusterLockSetting::Kind::kFile);
  EXPECT_EQ(settings->port, kDefaultPort);
  EXPECT_EQ(settings->tunables, Tunables{});
}

TEST(Examples, ExamplesFitTogether) {
  auto nodes = parse_nodes(read_example("nodes.example"), "nodes.example");
  auto list = parse_public_addresses(read_example("public_addresses.example"), "public_addresses.example");
  auto file = parse_ip_groups(read_example("ip_groups.example"), "ip_groups.example");
  ASSERT_TRUE(nodes.ok() && list.ok() && file.ok());
  std::vector<NodeAddresses> cluster;
  for (const NodeEntry& node : *nodes) cluster.push_back(NodeAddresses{node.pnn, *list});
  EXPECT_TRUE(succeeds(validate_cluster(*file, cluster)));
  auto settings = parse_settings(read_example("tandem.conf.example"), "tandem.conf.example");
  ASSERT_TRUE(settings.ok());
  const bool is_node_listed = std::any_of(
      nodes->begin(), nodes->end(), [&](const NodeEntry& node) { return node.address == settings->node_address; });
  EXPECT_TRUE(is_node_listed);
}

}  // namespace
}  // namespace tandem::config
