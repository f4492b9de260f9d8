#include "app/daemon_config_check.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "proto/limits.h"

namespace tandem::app {
namespace {

IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }

// The address 2001:db8::N/64 on two interfaces with names of the longest length: the
// largest an address gets on the wire.
PublicAddress widest_address(std::size_t n) {
  char text[40];
  std::snprintf(text, sizeof text, "2001:db8:%x:%x:%x:%x:%x:%x", static_cast<unsigned>(n >> 16) + 1,
                static_cast<unsigned>(n & 0xffff) + 1, 0xffffu, 0xffffu, 0xffffu, 0xffffu);
  return PublicAddress{IpPrefix{ip(text), 64}, {InterfaceName("public-iface-01"), InterfaceName("public-iface-02")}};
}

// `nodes` nodes; this one (node 0) lists `addresses` of the widest addresses.
DaemonConfig config_with(std::size_t nodes, std::size_t addresses) {
  DaemonConfig config;
  config.path = "/etc/tandem/tandem.conf";
  config.settings.paths.public_addresses = "/etc/tandem/public_addresses";
  for (std::uint32_t i = 0; i < nodes; ++i) {
    config.nodes.push_back(config::NodeEntry{NodeId(i), IpAddress::v4(0xc0000201 + i), static_cast<int>(i) + 1});
  }
  for (std::size_t i = 0; i < addresses; ++i) config.public_addresses.push_back(widest_address(i));
  config.self = NodeId(0);
  return config;
}

TEST(CheckDaemonConfig, AcceptsTheDefaults) {
  auto checked = check_daemon_config(config_with(3, 4));
  ASSERT_TRUE(checked.ok()) << checked.error();
  EXPECT_TRUE(checked->empty());
}

TEST(CheckDaemonConfig, RefusesALeaseNoLongerThanTheDeadTimeout) {
  DaemonConfig config = config_with(3, 4);
  config.settings.tunables.dead_timeout_ms = 800;
  config.settings.tunables.lease_timeout_ms = 800;
  auto checked = check_daemon_config(config);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().place, "/etc/tandem/tandem.conf");
  EXPECT_EQ(checked.error().cause.substr(0, 56), "LeaseTimeoutMs (800) must be longer than DeadTimeoutMs (");
}

// The README's limit: 8,000 public addresses over all nodes together.
TEST(CheckDaemonConfig, AcceptsTheDocumentedMaximumOfAddressesOverAllNodes) {
  auto checked = check_daemon_config(config_with(4, 2000));
  EXPECT_TRUE(checked.ok()) << checked.error();
  EXPECT_LE(reckon_message_sizes(config_with(4, 2000)).status_reply, proto::kPayloadSizeMax);
}

// Once the leader aborted encoding a status reply over 1 MiB; now such a configuration is
// refused where it is read.
TEST(CheckDaemonConfig, RefusesAConfigurationWhoseStatusReplyWouldNotFitAFrame) {
  auto checked = check_daemon_config(config_with(4, 2500));
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().place, "/etc/tandem/public_addresses");
  EXPECT_NE(checked.error().cause.find("the leader's status reply about"), std::string::npos) << checked.error();
}

TEST(CheckDaemonConfig, RefusesAConfigurationWhoseStateReportWouldNotFitAFrame) {
  auto checked = check_daemon_config(config_with(1, 12000));
  ASSERT_FALSE(checked.ok());
  EXPECT_NE(checked.error().cause.find("make this node's state report"), std::string::npos) << checked.error();
}

TEST(CheckDaemonConfig, WarnsAboutAGroupThisNodeListsOnlyPartOf) {
  DaemonConfig config = config_with(3, 2);
  const IpAddress listed = config.public_addresses[0].address();
  config.groups.file_name = "ip_groups";
  config.groups.entries.push_back(config::GroupEntry{
      IpGroup{GroupName("target1"), {{listed, std::nullopt}, {ip("203.0.113.10"), std::nullopt}}}, 4});
  config.groups.entries.push_back(
      config::GroupEntry{IpGroup{GroupName("elsewhere"), {{ip("203.0.113.11"), std::nullopt}}}, 5});
  auto checked = check_daemon_config(config);
  ASSERT_TRUE(checked.ok()) << checked.error();
  ASSERT_EQ(checked->size(), 1u);
  EXPECT_EQ((*checked)[0].substr(0, 43), "ip_groups:4: address 203.0.113.10 of group ");
}

// Once a daemon started with its own mesh address listed as public, and removed it from
// its interface as a stale public address.
TEST(CheckDaemonConfig, RefusesANodesAddressThatIsAlsoAPublicAddress) {
  DaemonConfig config = config_with(3, 4);
  config.settings.paths.nodes = "/etc/tandem/nodes";
  config.public_addresses.push_back(PublicAddress{IpPrefix{ip("192.0.2.2"), 24}, {InterfaceName("eth0")}});
  auto checked = check_daemon_config(config);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().place, "/etc/tandem/nodes:2");
  EXPECT_NE(checked.error().cause.find("also a public address in /etc/tandem/public_addresses"), std::string::npos)
      << checked.error();
}

}  // namespace
}  // namespace tandem::app
