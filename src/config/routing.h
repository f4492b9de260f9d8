// Per-IP source routing: the [routing] section of tandem.conf, and the pure decision of
// which rule, table and routes each public IP needs (docs/design/routing.md).
//
// Pure: text and values in, values out; the kernel work is sys::NetlinkSourceRoutes'.
//
//   [routing]
//   table_first = 1000        # the routing tables tandemd may use, inclusive; 1 to 4294967295,
//   table_last = 8999         # never 253-255 (the host's default, main and local tables)
//   networks = ["198.51.100.0/24 via 198.51.100.1",   # a public subnet and its gateway
//               "203.0.113.0/24 via 203.0.113.1",
//               "192.0.2.0/26"]                        # a subnet without a gateway
//   routes = ["192.0.2.128/25 via 203.0.113.254"]      # extra routes: in the tables of the
//                                                      # network that holds the gateway
//
// A public IP inside a listed network gets, while this node holds it on an interface:
//   ip rule add from IP lookup TABLE priority kSourceRulePriority
//   ip route add NETWORK dev INTERFACE src IP table TABLE
//   ip route add default via GATEWAY dev INTERFACE table TABLE      (when the network has one)
//   ip route add DEST via GW dev INTERFACE table TABLE               (each extra route)
// A public IP in no listed network is left to the host's own routing. No networks (the
// default) turns the feature off.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/public_address.h"
#include "model/source_route.h"

namespace tandem::config {

// The priority of every source rule: before the host's "from all lookup main" (32766), and
// the same as CTDB's 13.per_ip_routing default, so hosts moving from CTDB keep their order.
inline constexpr std::uint32_t kSourceRulePriority = 100;
inline constexpr std::uint32_t kDefaultTableFirst = 1000;
inline constexpr std::uint32_t kDefaultTableLast = 8999;
// The host's own tables (default, main, local): a range may not include them, nor 0.
inline constexpr std::uint32_t kHostTableFirst = 253;
inline constexpr std::uint32_t kHostTableLast = 255;
// More would make table numbers collide for ordinary host numbers; far beyond real use.
inline constexpr std::size_t kRoutedNetworksMax = 64;
inline constexpr std::size_t kExtraRoutesMax = 256;

struct RoutedNetwork {
  IpPrefix network;                  // no host bits
  std::optional<IpAddress> gateway;  // inside `network`

  friend bool operator==(const RoutedNetwork&, const RoutedNetwork&) = default;
};

struct ExtraRoute {
  IpPrefix destination;  // no host bits
  IpAddress gateway;     // inside one of the networks

  friend bool operator==(const ExtraRoute&, const ExtraRoute&) = default;
};

struct RoutingSettings {
  std::uint32_t table_first = kDefaultTableFirst;
  std::uint32_t table_last = kDefaultTableLast;
  std::vector<RoutedNetwork> networks;  // in file order: the order numbers the tables
  std::vector<ExtraRoute> routes;

  bool is_enabled() const { return !networks.empty(); }
  friend bool operator==(const RoutingSettings&, const RoutingSettings&) = default;
};

// "NETWORK via GATEWAY" or "NETWORK". Errors have no place; the caller adds it.
Result<RoutedNetwork> parse_routed_network(std::string_view text);
// "DESTINATION via GATEWAY" ("default" for 0.0.0.0/0 or ::/0 is accepted too).
Result<ExtraRoute> parse_extra_route(std::string_view text);
// The range must be non-empty and leave out 0 and the host's tables 253-255.
Result<void> check_table_range(std::uint32_t first, std::uint32_t last);
// An extra route's gateway must lie in a listed network.
Result<void> check_extra_route(const RoutingSettings& settings, const ExtraRoute& route);

// The listed network that holds `address` (the longest, if several do), or none.
const RoutedNetwork* routed_network_of(const RoutingSettings& settings, const IpAddress& address);

// The table of `address`: a function of the address and the settings alone, so every node
// with the same [routing] section uses the same table for one public IP. With N networks,
// the address that is host number H of network number K (both from 0, networks in file
// order) gets table_first + (K + N * H) mod (table_last - table_first + 1). None when the
// address is in no listed network.
std::optional<std::uint32_t> routing_table_of(const RoutingSettings& settings, const IpAddress& address);

// The rule and routes `prefix` needs while held on `interface`; none when its address is in
// no listed network (or routing is off).
std::optional<SourceRoute> source_route_of(const RoutingSettings& settings, const IpPrefix& prefix,
                                           const InterfaceName& interface);

// Two public addresses of one node that would share a table (the range is too small for
// the host numbers in use): an error with `file_name` as the place, naming both and the table.
Result<void> check_distinct_tables(const RoutingSettings& settings, const AddressList& addresses,
                                   std::string_view file_name);

}  // namespace tandem::config
