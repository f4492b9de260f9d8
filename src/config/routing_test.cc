#include "config/routing.h"

#include <gtest/gtest.h>

#include "config/settings.h"
#include "config/test_helpers.h"

namespace tandem::config {
namespace {

IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }
IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }

Result<Settings> parse(std::string_view text) { return parse_settings(text, "tandem.conf"); }

RoutingSettings two_networks() {
  auto settings = parse(R"([routing]
networks = ["198.51.100.0/24 via 198.51.100.1", "203.0.113.0/24 via 203.0.113.1"]
)");
  return settings.value().routing;
}

TEST(RoutingSettings, IsOffByDefault) {
  auto settings = parse("");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_FALSE(settings->routing.is_enabled());
  EXPECT_EQ(settings->routing.table_first, kDefaultTableFirst);
  EXPECT_EQ(settings->routing.table_last, kDefaultTableLast);
}

TEST(RoutingSettings, ReadsTheRangeNetworksAndRoutes) {
  auto settings = parse(R"([routing]
table_first = 2000
table_last = 2099
networks = [
  "198.51.100.0/24 via 198.51.100.1",
  "2001:db8:1::/64 via 2001:db8:1::1",
  "192.0.2.0/26",
]
routes = ["192.0.2.128/25 via 198.51.100.254", "default via 192.0.2.1"]
)");
  ASSERT_TRUE(succeeds(settings));
  const RoutingSettings& routing = settings->routing;
  EXPECT_EQ(routing.table_first, 2000u);
  EXPECT_EQ(routing.table_last, 2099u);
  EXPECT_EQ(routing.networks, (std::vector<RoutedNetwork>{{prefix("198.51.100.0/24"), ip("198.51.100.1")},
                                                          {prefix("2001:db8:1::/64"), ip("2001:db8:1::1")},
                                                          {prefix("192.0.2.0/26"), std::nullopt}}));
  EXPECT_EQ(routing.routes, (std::vector<ExtraRoute>{{prefix("192.0.2.128/25"), ip("198.51.100.254")},
                                                     {prefix("0.0.0.0/0"), ip("192.0.2.1")}}));
}

TEST(RoutingSettings, RefusesAGatewayOutsideItsNetwork) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\n  \"198.51.100.0/24 via 203.0.113.1\",\n]\n"), "tandem.conf:3",
                       "gateway 203.0.113.1 is outside its network 198.51.100.0/24"));
}

TEST(RoutingSettings, RefusesAGatewayOfTheOtherFamily) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\"198.51.100.0/24 via 2001:db8::1\"]\n"), "tandem.conf:2",
                       "is outside its network"));
}

TEST(RoutingSettings, RefusesAMalformedNetwork) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\"198.51.100.0/24 gw 198.51.100.1\"]\n"), "tandem.conf:2",
                       "malformed '198.51.100.0/24 gw 198.51.100.1'; write \"NETWORK via GATEWAY\""));
}

TEST(RoutingSettings, RefusesANetworkWithHostBits) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\"198.51.100.7/24\"]\n"), "tandem.conf:2",
                       "has host bits set; write 198.51.100.0/24"));
}

TEST(RoutingSettings, RefusesANetworkListedTwice) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\"198.51.100.0/24\",\n \"198.51.100.0/24 via 198.51.100.1\"]\n"),
                       "tandem.conf:3", "network 198.51.100.0/24 is listed twice"));
}

TEST(RoutingSettings, RefusesAMalformedRoute) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\"198.51.100.0/24\"]\nroutes = [\"192.0.2.0/24 via\"]\n"),
                       "tandem.conf:3", "malformed '192.0.2.0/24 via'"));
}

TEST(RoutingSettings, RefusesARouteWithoutAGateway) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\"198.51.100.0/24\"]\nroutes = [\"192.0.2.0/24\"]\n"),
                       "tandem.conf:3", "names no gateway"));
}

TEST(RoutingSettings, RefusesARouteWhoseGatewayIsInNoNetwork) {
  EXPECT_TRUE(
      fails_at(parse("[routing]\nroutes = [\"192.0.2.0/24 via 203.0.113.9\"]\nnetworks = [\"198.51.100.0/24\"]\n"),
               "tandem.conf:2", "is in none of the [routing] networks"));
}

TEST(RoutingSettings, RefusesARangeOverlappingTheHostTables) {
  EXPECT_TRUE(fails_at(parse("[routing]\ntable_first = 200\ntable_last = 300\n"), "tandem.conf:3",
                       "routing table range 200-300 overlaps the host's own tables 253-255"));
}

TEST(RoutingSettings, RefusesAnEmptyRange) {
  EXPECT_TRUE(fails_at(parse("[routing]\ntable_first = 2000\ntable_last = 1999\n"), "tandem.conf:3",
                       "routing table range 2000-1999 is empty"));
}

TEST(RoutingSettings, RefusesTableZero) {
  EXPECT_TRUE(fails_at(parse("[routing]\ntable_first = 0\ntable_last = 10\n"), "tandem.conf:3", "includes table 0"));
}

TEST(RoutingSettings, RefusesATableNumberBeyondThirtyTwoBits) {
  EXPECT_TRUE(fails_at(parse("[routing]\ntable_last = 4294967296\n"), "tandem.conf:2", "must be from 1 to 4294967295"));
}

TEST(RoutingSettings, RefusesAnUnknownKey) {
  EXPECT_TRUE(fails_at(parse("[routing]\ngateway = \"198.51.100.1\"\n"), "tandem.conf:2",
                       "unknown key 'gateway' in [routing]"));
}

TEST(RoutingSettings, RefusesNetworksThatAreNotStrings) {
  EXPECT_TRUE(fails_at(parse("[routing]\nnetworks = [\n  1,\n]\n"), "tandem.conf:3", "must hold only strings"));
  EXPECT_TRUE(
      fails_at(parse("[routing]\nnetworks = \"198.51.100.0/24\"\n"), "tandem.conf:2", "must be an array of strings"));
}

TEST(SourceRoute, GivesTheRuleTheSubnetRouteAndTheDefaultRouteOnTheHoldingInterface) {
  const auto route = source_route_of(two_networks(), prefix("203.0.113.10/24"), InterfaceName("eth2"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->from, ip("203.0.113.10"));
  EXPECT_EQ(route->priority, kSourceRulePriority);
  EXPECT_EQ(route->interface, InterfaceName("eth2"));
  EXPECT_EQ(route->routes, (std::vector<TableRoute>{{prefix("203.0.113.0/24"), std::nullopt},
                                                    {prefix("0.0.0.0/0"), ip("203.0.113.1")}}));
}

TEST(SourceRoute, FollowsTheAddressToAnotherInterfaceWithTheSameTable) {
  const auto on_eth1 = source_route_of(two_networks(), prefix("198.51.100.10/24"), InterfaceName("eth1"));
  const auto on_eth2 = source_route_of(two_networks(), prefix("198.51.100.10/24"), InterfaceName("eth2"));
  ASSERT_TRUE(on_eth1 && on_eth2);
  EXPECT_EQ(on_eth2->interface, InterfaceName("eth2"));
  EXPECT_EQ(on_eth1->table, on_eth2->table);
  EXPECT_EQ(on_eth1->routes, on_eth2->routes);
}

TEST(SourceRoute, IsNoneForAnAddressInNoListedNetwork) {
  EXPECT_FALSE(source_route_of(two_networks(), prefix("192.0.2.10/24"), InterfaceName("eth1")).has_value());
  EXPECT_FALSE(source_route_of(RoutingSettings{}, prefix("198.51.100.10/24"), InterfaceName("eth1")).has_value());
}

TEST(SourceRoute, UsesIPv6DefaultRouteForIPv6Addresses) {
  RoutingSettings routing;
  routing.networks.push_back({prefix("2001:db8:1::/64"), ip("2001:db8:1::1")});
  const auto route = source_route_of(routing, prefix("2001:db8:1::10/64"), InterfaceName("eth1"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->routes, (std::vector<TableRoute>{{prefix("2001:db8:1::/64"), std::nullopt},
                                                    {prefix("::/0"), ip("2001:db8:1::1")}}));
}

TEST(SourceRoute, TakesOnlyTheExtraRoutesWhoseGatewayIsInItsNetwork) {
  RoutingSettings routing = two_networks();
  routing.routes = {{prefix("192.0.2.0/25"), ip("203.0.113.254")}, {prefix("192.0.2.128/25"), ip("198.51.100.254")}};
  const auto route = source_route_of(routing, prefix("203.0.113.10/24"), InterfaceName("eth2"));
  ASSERT_TRUE(route.has_value());
  ASSERT_EQ(route->routes.size(), 3u);
  EXPECT_EQ(route->routes[2], (TableRoute{prefix("192.0.2.0/25"), ip("203.0.113.254")}));
}

TEST(RoutingTable, NumbersTablesByNetworkAndHostNumber) {
  // Two networks: host 10 of the first is 1000 + 0 + 2 * 10, of the second 1000 + 1 + 2 * 10.
  EXPECT_EQ(routing_table_of(two_networks(), ip("198.51.100.10")), 1020u);
  EXPECT_EQ(routing_table_of(two_networks(), ip("203.0.113.10")), 1021u);
  EXPECT_EQ(routing_table_of(two_networks(), ip("192.0.2.10")), std::nullopt);
}

TEST(RoutingTable, WrapsAroundTheRange) {
  RoutingSettings routing = two_networks();
  routing.table_first = 5000;
  routing.table_last = 5009;  // ten tables: host 10 of the first network wraps to 5000
  EXPECT_EQ(routing_table_of(routing, ip("198.51.100.10")), 5000u);
  EXPECT_EQ(routing_table_of(routing, ip("198.51.100.11")), 5002u);
}

TEST(RoutingTable, PrefersTheLongestListedNetwork) {
  RoutingSettings routing;
  routing.networks = {{prefix("198.51.100.0/24"), std::nullopt}, {prefix("198.51.100.128/25"), std::nullopt}};
  // Host 2 of the /25 (network number 1): 1000 + 1 + 2 * 2.
  EXPECT_EQ(routing_table_of(routing, ip("198.51.100.130")), 1005u);
}

TEST(RoutingTable, RefusesTwoPublicAddressesOfANodeSharingATable) {
  RoutingSettings routing = two_networks();
  routing.table_first = 5000;
  routing.table_last = 5009;
  const AddressList addresses{{prefix("198.51.100.10/24"), {InterfaceName("eth1")}},
                              {prefix("198.51.100.15/24"), {InterfaceName("eth1")}}};
  EXPECT_TRUE(fails_at(check_distinct_tables(routing, addresses, "public_addresses"), "public_addresses",
                       "public addresses 198.51.100.10 and 198.51.100.15 would share routing table 5000"));
  EXPECT_TRUE(succeeds(check_distinct_tables(two_networks(), addresses, "public_addresses")));
}

}  // namespace
}  // namespace tandem::config
