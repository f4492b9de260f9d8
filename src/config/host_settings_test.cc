#include "config/host_settings.h"

#include <gtest/gtest.h>

namespace tandem::config {
namespace {

PublicAddress address(const std::string& prefix, std::vector<std::string> interfaces) {
  PublicAddress out{IpPrefix::parse(prefix).value(), {}};
  for (auto& name : interfaces) out.interfaces.emplace_back(std::move(name));
  return out;
}

// One IPv4 address allowed on eth1 and eth2, as in a two-NIC node.
AddressList two_interfaces_v4() { return {address("198.51.100.10/24", {"eth1", "eth2"})}; }

// A stock kernel: every value 0.
SysctlValues stock(const AddressList& addresses) {
  SysctlValues values;
  for (const auto& path : host_setting_paths(addresses)) values[path] = 0;
  return values;
}

std::vector<std::string> paths_of(const std::vector<SysctlChange>& changes) {
  std::vector<std::string> paths;
  for (const auto& change : changes)
    paths.push_back(change.path + " " + std::to_string(change.from) + "->" + std::to_string(change.to));
  return paths;
}

TEST(HostSettings, AStockHostGetsEveryIpv4SettingOnEachPublicInterface) {
  const auto addresses = two_interfaces_v4();
  auto check = check_host_settings(addresses, stock(addresses));
  EXPECT_EQ(paths_of(check.changes), (std::vector<std::string>{
                                         "net/ipv4/conf/eth1/arp_announce 0->2",
                                         "net/ipv4/conf/eth1/arp_ignore 0->1",
                                         "net/ipv4/conf/eth1/ignore_routes_with_linkdown 0->1",
                                         "net/ipv4/conf/eth2/arp_announce 0->2",
                                         "net/ipv4/conf/eth2/arp_ignore 0->1",
                                         "net/ipv4/conf/eth2/ignore_routes_with_linkdown 0->1",
                                     }));
  EXPECT_TRUE(check.problems.empty());
}

TEST(HostSettings, AnIpv6AddressAddsIpv6IgnoreRoutesWithLinkdownOnItsInterfacesOnly) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"}), address("2001:db8::10/64", {"eth2"})};
  auto check = check_host_settings(addresses, stock(addresses));
  EXPECT_EQ(paths_of(check.changes), (std::vector<std::string>{
                                         "net/ipv4/conf/eth1/arp_announce 0->2",
                                         "net/ipv4/conf/eth1/arp_ignore 0->1",
                                         "net/ipv4/conf/eth1/ignore_routes_with_linkdown 0->1",
                                         "net/ipv6/conf/eth2/ignore_routes_with_linkdown 0->1",
                                     }));
}

TEST(HostSettings, ReadsTheInterfacesAndTheAllValuesTheyCombineWith) {
  const AddressList addresses{address("2001:db8::10/64", {"eth1"}), address("198.51.100.10/24", {"eth1"})};
  EXPECT_EQ(host_setting_paths(addresses), (std::vector<std::string>{
                                               "net/ipv4/conf/all/arp_announce",
                                               "net/ipv4/conf/all/arp_ignore",
                                               "net/ipv4/conf/all/ignore_routes_with_linkdown",
                                               "net/ipv4/conf/all/rp_filter",
                                               "net/ipv4/conf/eth1/arp_announce",
                                               "net/ipv4/conf/eth1/arp_ignore",
                                               "net/ipv4/conf/eth1/ignore_routes_with_linkdown",
                                               "net/ipv4/conf/eth1/rp_filter",
                                               "net/ipv6/conf/eth1/ignore_routes_with_linkdown",
                                           }));
}

TEST(HostSettings, AHostAlreadyRightNeedsNoChange) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values["net/ipv4/conf/eth1/arp_ignore"] = 2;  // stricter than 1, and as good
  values["net/ipv4/conf/eth1/arp_announce"] = 2;
  values["net/ipv4/conf/eth1/ignore_routes_with_linkdown"] = 1;
  EXPECT_EQ(check_host_settings(addresses, values), HostSettingsCheck{});
}

TEST(HostSettings, AnAllValueThatAlreadyGivesTheRightEffectiveValueIsEnough) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values["net/ipv4/conf/all/arp_ignore"] = 1;  // max(all, eth1) = 1
  values["net/ipv4/conf/all/arp_announce"] = 2;
  values["net/ipv4/conf/all/ignore_routes_with_linkdown"] = 1;  // either one
  EXPECT_EQ(check_host_settings(addresses, values), HostSettingsCheck{});
}

TEST(HostSettings, StrictReversePathFilteringOnTheInterfaceBecomesLoose) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values["net/ipv4/conf/eth1/rp_filter"] = 1;
  auto check = check_host_settings(addresses, values);
  EXPECT_NE(std::find(check.changes.begin(), check.changes.end(),
                      SysctlChange{"net/ipv4/conf/eth1/rp_filter", 1, 2,
                                   "loose reverse-path filter: accept a subnet's traffic on either interface"}),
            check.changes.end());
}

TEST(HostSettings, StrictReversePathFilteringInAllIsOverriddenByLooseOnTheInterface) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values["net/ipv4/conf/all/rp_filter"] = 1;  // max(1, 0) = 1: strict; max(1, 2) = 2
  auto check = check_host_settings(addresses, values);
  EXPECT_EQ(paths_of(check.changes).back(), "net/ipv4/conf/eth1/rp_filter 0->2");
  EXPECT_TRUE(check.problems.empty());
}

TEST(HostSettings, NoReversePathFilteringIsLeftAsItIs) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  for (const auto& change : check_host_settings(addresses, stock(addresses)).changes) {
    EXPECT_NE(change.path, "net/ipv4/conf/eth1/rp_filter");
  }
}

TEST(HostSettings, AnArpIgnoreInAllAboveTwoIsAProblemNoInterfaceValueFixes) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values["net/ipv4/conf/all/arp_ignore"] = 8;  // max(8, anything) = 8: never answer
  auto check = check_host_settings(addresses, values);
  for (const auto& change : check.changes) EXPECT_NE(change.path, "net/ipv4/conf/eth1/arp_ignore");
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_NE(check.problems[0].find("net/ipv4/conf/all/arp_ignore is 8, which overrides eth1's value"),
            std::string::npos)
      << check.problems[0];
}

TEST(HostSettings, AnArpIgnoreOfThreeOnTheInterfaceBecomesOne) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values["net/ipv4/conf/eth1/arp_ignore"] = 3;  // scope rule only: any interface answers
  auto check = check_host_settings(addresses, values);
  EXPECT_EQ(paths_of(check.changes)[1], "net/ipv4/conf/eth1/arp_ignore 3->1");
}

TEST(HostSettings, ASettingThatCouldNotBeReadIsLeftOut) {
  const AddressList addresses{address("198.51.100.10/24", {"eth1"})};
  auto values = stock(addresses);
  values.erase("net/ipv4/conf/eth1/arp_ignore");
  values.erase("net/ipv4/conf/all/arp_announce");
  EXPECT_EQ(paths_of(check_host_settings(addresses, values).changes),
            (std::vector<std::string>{"net/ipv4/conf/eth1/ignore_routes_with_linkdown 0->1"}));
}

TEST(HostSettings, AnInterfaceNamedAllIsAProblemAndNeverWritten) {
  const AddressList addresses{address("198.51.100.10/24", {"all"})};
  auto check = check_host_settings(addresses, {{"net/ipv4/conf/all/arp_ignore", 0}});
  EXPECT_TRUE(check.changes.empty());
  ASSERT_EQ(check.problems.size(), 1u);
  EXPECT_TRUE(host_setting_paths(addresses).empty());
}

TEST(HostSettings, KnowsWhichPathsItMayChange) {
  EXPECT_TRUE(is_host_setting_path("net/ipv4/conf/eth1/arp_ignore"));
  EXPECT_TRUE(is_host_setting_path("net/ipv4/conf/eth1.100/rp_filter"));
  EXPECT_TRUE(is_host_setting_path("net/ipv6/conf/bond0/ignore_routes_with_linkdown"));
  EXPECT_FALSE(is_host_setting_path("net/ipv4/conf/all/arp_ignore"));
  EXPECT_FALSE(is_host_setting_path("net/ipv4/conf/default/arp_ignore"));
  EXPECT_FALSE(is_host_setting_path("net/ipv6/conf/eth1/arp_ignore"));
  EXPECT_FALSE(is_host_setting_path("net/ipv4/conf/../../kernel/arp_ignore"));
  EXPECT_FALSE(is_host_setting_path("net/ipv4/ip_forward"));
  EXPECT_FALSE(is_host_setting_path("net/ipv4/conf//arp_ignore"));
}

TEST(HostSettings, WantsTheInterfaceValuesOfEveryRuleThatApplies) {
  const AddressList addresses{address("2001:db8::10/64", {"eth2"})};
  EXPECT_EQ(wanted_interface_paths(addresses),
            (std::set<std::string>{"net/ipv6/conf/eth2/ignore_routes_with_linkdown"}));
}

}  // namespace
}  // namespace tandem::config
