// NetlinkSourceRoutes against a real kernel, inside a network namespace each test creates.
#include "sys/netlink_source_routes.h"

#include <gtest/gtest.h>

#include <net/if.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }
IpPrefix prefix(const char* text) { return IpPrefix::parse(text).value(); }

constexpr std::uint32_t kTable = 1020;

SourceRoute route_on(const InterfaceName& interface, const char* address = "198.51.100.10",
                     std::uint32_t table = kTable) {
  return SourceRoute{ip(address),
                     table,
                     100,
                     interface,
                     {{prefix("198.51.100.0/24"), std::nullopt}, {prefix("0.0.0.0/0"), ip("198.51.100.1")}}};
}

SourceRoute route_v6_on(const InterfaceName& interface) {
  return SourceRoute{ip("2001:db8:1::10"),
                     1030,
                     100,
                     interface,
                     {{prefix("2001:db8:1::/64"), std::nullopt}, {prefix("::/0"), ip("2001:db8:1::1")}}};
}

class NetlinkSourceRoutesTest : public NetnsTest {
 protected:
  void SetUp() override {
    NetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The public addresses whose replies are routed (the daemon adds them first).
    ASSERT_TRUE(netns_.ip("address add 198.51.100.10/24 dev node0"));
    ASSERT_TRUE(netns_.ip("address add 198.51.100.11/24 dev sw0"));
    ASSERT_TRUE(netns_.ip("-6 address add 2001:db8:1::10/64 dev node0 nodad"));
  }

  static std::vector<PolicyRule> ours(const std::vector<PolicyRule>& rules) {
    std::vector<PolicyRule> kept;
    std::copy_if(rules.begin(), rules.end(), std::back_inserter(kept), [](const PolicyRule& r) { return r.is_ours(); });
    return kept;
  }
};

TEST_F(NetlinkSourceRoutesTest, InstallsTheRuleAndTheTableOnTheInterface) {
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    auto installed = routes.install(route_on(node_side()));
    ASSERT_TRUE(installed.ok()) << installed.error();
    auto rules = ours(routes.list_rules().value());
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].from, prefix("198.51.100.10/32"));
    EXPECT_EQ(rules[0].table, kTable);
    EXPECT_EQ(rules[0].priority, 100u);
    auto table = routes.list_routes(kTable).value();
    ASSERT_EQ(table.size(), 2u);
    const unsigned index = ::if_nametoindex(TestNamespace::kNodeSide);
    for (const auto& route : table) {
      EXPECT_TRUE(route.is_ours());
      EXPECT_EQ(route.interface_index, index);
    }
    EXPECT_TRUE(std::any_of(table.begin(), table.end(), [](const ListedRoute& r) {
      return r.destination.length == 0 && r.gateway == ip("198.51.100.1");
    }));
  });
}

TEST_F(NetlinkSourceRoutesTest, InstallingOnAnotherInterfaceMovesTheRoutesAndKeepsOneRule) {
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    ASSERT_TRUE(routes.install(route_on(node_side())).ok());
    auto moved = routes.install(route_on(switch_side()));
    ASSERT_TRUE(moved.ok()) << moved.error();
    EXPECT_EQ(ours(routes.list_rules().value()).size(), 1u);
    auto table = routes.list_routes(kTable).value();
    ASSERT_EQ(table.size(), 2u);
    for (const auto& route : table) EXPECT_EQ(route.interface_index, ::if_nametoindex(TestNamespace::kSwitchSide));
  });
}

TEST_F(NetlinkSourceRoutesTest, InstallsIPv6) {
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    auto installed = routes.install(route_v6_on(node_side()));
    ASSERT_TRUE(installed.ok()) << installed.error();
    auto rules = ours(routes.list_rules().value());
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].from, prefix("2001:db8:1::10/128"));
    EXPECT_EQ(routes.list_routes(1030).value().size(), 2u);
  });
}

TEST_F(NetlinkSourceRoutesTest, RemoveTakesTheRuleAndTheTableAway) {
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    ASSERT_TRUE(routes.install(route_on(node_side())).ok());
    auto removed = routes.remove(ip("198.51.100.10"));
    ASSERT_TRUE(removed.ok()) << removed.error();
    EXPECT_TRUE(ours(routes.list_rules().value()).empty());
    EXPECT_TRUE(routes.list_routes(kTable).value().empty());
    EXPECT_TRUE(routes.remove(ip("198.51.100.10")).ok());  // nothing there is fine
  });
}

TEST_F(NetlinkSourceRoutesTest, RemoveAllTakesEverythingOursAndLeavesTheHostsRules) {
  ASSERT_TRUE(netns_.ip("rule add from 192.0.2.99 lookup 77 priority 100"));
  ASSERT_TRUE(netns_.ip("route add 192.0.2.0/24 dev node0 table 77"));
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    ASSERT_TRUE(routes.install(route_on(node_side())).ok());
    ASSERT_TRUE(routes.install(route_v6_on(node_side())).ok());
    auto removed = routes.remove_all();
    ASSERT_TRUE(removed.ok()) << removed.error();
    EXPECT_EQ(*removed, 6);  // two rules, four routes
    EXPECT_TRUE(ours(routes.list_rules().value()).empty());
    auto rules = routes.list_rules().value();
    EXPECT_TRUE(std::any_of(rules.begin(), rules.end(), [](const PolicyRule& r) { return r.table == 77; }));
    EXPECT_EQ(routes.list_routes(77).value().size(), 1u);
  });
}

TEST_F(NetlinkSourceRoutesTest, RefusesATableThatHoldsARouteNotOurs) {
  ASSERT_TRUE(netns_.ip("route add 192.0.2.0/24 dev node0 table 1020"));
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    auto installed = routes.install(route_on(node_side()));
    ASSERT_FALSE(installed.ok());
    EXPECT_EQ(installed.error().place, "routing table 1020");
    EXPECT_NE(installed.error().cause.find("holds a route tandemd did not make (192.0.2.0/24)"), std::string::npos)
        << installed.error();
    EXPECT_TRUE(ours(routes.list_rules().value()).empty());
  });
}

TEST_F(NetlinkSourceRoutesTest, RefusesAnAddressThatHasARuleNotOurs) {
  ASSERT_TRUE(netns_.ip("rule add from 198.51.100.10 lookup 42 priority 50"));
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    auto installed = routes.install(route_on(node_side()));
    ASSERT_FALSE(installed.ok());
    EXPECT_EQ(installed.error().place, "rule priority 50 from 198.51.100.10/32 lookup 42 proto 0");
    EXPECT_NE(installed.error().cause.find("routes from 198.51.100.10"), std::string::npos) << installed.error();
    EXPECT_TRUE(routes.list_routes(kTable).value().empty());
  });
}

TEST_F(NetlinkSourceRoutesTest, RefusesATableAnotherAddressOfOursUses) {
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    ASSERT_TRUE(routes.install(route_on(node_side(), "198.51.100.10")).ok());
    auto second = routes.install(route_on(switch_side(), "198.51.100.11"));
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().place, "routing table 1020");
    EXPECT_NE(second.error().cause.find("tandemd's rule for 198.51.100.10"), std::string::npos) << second.error();
  });
}

TEST_F(NetlinkSourceRoutesTest, ReinstallingWithAnotherTableLeavesNothingInTheOldOne) {
  in_namespace([&] {
    NetlinkSourceRoutes routes;
    ASSERT_TRUE(routes.install(route_on(node_side(), "198.51.100.10", 1020)).ok());
    ASSERT_TRUE(routes.install(route_on(node_side(), "198.51.100.10", 2020)).ok());
    auto rules = ours(routes.list_rules().value());
    ASSERT_EQ(rules.size(), 1u);
    EXPECT_EQ(rules[0].table, 2020u);
    EXPECT_TRUE(routes.list_routes(1020).value().empty());
    EXPECT_EQ(routes.list_routes(2020).value().size(), 2u);
  });
}

}  // namespace
}  // namespace tandem::sys
