#include "config/routing.h"

#include <algorithm>
#include <map>
#include <string>

#include "base/text.h"
#include "config/lines.h"

namespace tandem::config {

namespace {

// A network as written: ADDRESS/PREFIX without host bits, or "default".
Result<IpPrefix> parse_network(std::string_view text, std::string_view what) {
  auto prefix = IpPrefix::parse(text);
  if (!prefix)
    return fail("", std::string(what) + " " + quote(text) + " is not ADDRESS/PREFIX: " + prefix.error().cause);
  if (network_of(*prefix) != *prefix) {
    return fail("",
                std::string(what) + " " + quote(text) + " has host bits set; write " + network_of(*prefix).to_string());
  }
  return *prefix;
}

Result<IpAddress> parse_gateway(std::string_view text) {
  auto gateway = IpAddress::parse(text);
  if (!gateway) return fail("", "gateway " + quote(text) + " is not a valid IPv4 or IPv6 address");
  return *gateway;
}

// The fields of "X via Y" or "X": one field, or three with "via" in the middle.
Result<std::vector<std::string_view>> via_fields(std::string_view text, std::string_view form) {
  std::vector<std::string_view> fields = split_fields(text);
  const bool is_plain = fields.size() == 1;
  const bool is_via = fields.size() == 3 && fields[1] == "via";
  if (!is_plain && !is_via) return fail("", "malformed " + quote(text) + "; write \"" + std::string(form) + "\"");
  return fields;
}

// 0.0.0.0 or ::, as `address`'s family.
IpAddress any_address(const IpAddress& address) { return address.is_v4() ? IpAddress::v4(0) : IpAddress::v6({}); }

std::uint32_t host_number(const IpAddress& address, int length) {
  const auto& bytes = address.bytes();
  std::uint64_t low = 0;
  const std::size_t first = address.is_v4() ? 0 : 8;
  for (std::size_t i = first; i < first + (address.is_v4() ? 4 : 8); ++i) low = low << 8 | bytes[i];
  const int host_bits = address.bit_length() - length;
  if (host_bits < 64) low &= (std::uint64_t{1} << host_bits) - 1;
  return static_cast<std::uint32_t>(low);  // only its remainder by the table count matters
}

}  // namespace

Result<RoutedNetwork> parse_routed_network(std::string_view text) {
  auto fields = via_fields(text, "NETWORK via GATEWAY");
  if (!fields) return fail(fields.error());
  auto network = parse_network((*fields)[0], "network");
  if (!network) return fail(network.error());
  RoutedNetwork routed{*network, std::nullopt};
  if (fields->size() == 1) return routed;
  auto gateway = parse_gateway((*fields)[2]);
  if (!gateway) return fail(gateway.error());
  if (!contains(*network, *gateway) || *gateway == network->address) {
    return fail("", "gateway " + gateway->to_string() + " is outside its network " + network->to_string());
  }
  routed.gateway = *gateway;
  return routed;
}

Result<ExtraRoute> parse_extra_route(std::string_view text) {
  auto fields = via_fields(text, "DESTINATION via GATEWAY");
  if (!fields) return fail(fields.error());
  if (fields->size() != 3)
    return fail("", "route " + quote(text) + " names no gateway; write \"DESTINATION via GATEWAY\"");
  auto gateway = parse_gateway((*fields)[2]);
  if (!gateway) return fail(gateway.error());
  if ((*fields)[0] == "default") return ExtraRoute{IpPrefix{any_address(*gateway), 0}, *gateway};
  auto destination = parse_network((*fields)[0], "destination");
  if (!destination) return fail(destination.error());
  if (gateway->family() != destination->address.family()) {
    return fail("", "route " + quote(text) + " mixes IPv4 and IPv6");
  }
  return ExtraRoute{*destination, *gateway};
}

Result<void> check_table_range(std::uint32_t first, std::uint32_t last) {
  const std::string range = std::to_string(first) + "-" + std::to_string(last);
  if (first == 0) return fail("", "routing table range " + range + " includes table 0, which the kernel reserves");
  if (last < first) return fail("", "routing table range " + range + " is empty (table_last is below table_first)");
  if (first <= kHostTableLast && last >= kHostTableFirst) {
    return fail("", "routing table range " + range + " overlaps the host's own tables 253-255 (default, main, local)");
  }
  return success();
}

Result<void> check_extra_route(const RoutingSettings& settings, const ExtraRoute& route) {
  if (routed_network_of(settings, route.gateway) == nullptr) {
    return fail("", "the gateway of route " + route.destination.to_string() + " via " + route.gateway.to_string() +
                        " is in none of the [routing] networks");
  }
  return success();
}

const RoutedNetwork* routed_network_of(const RoutingSettings& settings, const IpAddress& address) {
  const RoutedNetwork* best = nullptr;
  for (const auto& network : settings.networks) {
    if (contains(network.network, address) && (best == nullptr || network.network.length > best->network.length)) {
      best = &network;
    }
  }
  return best;
}

std::optional<std::uint32_t> routing_table_of(const RoutingSettings& settings, const IpAddress& address) {
  const RoutedNetwork* network = routed_network_of(settings, address);
  if (network == nullptr) return std::nullopt;
  const std::uint64_t count = std::uint64_t{settings.table_last} - settings.table_first + 1;
  const auto index = static_cast<std::uint64_t>(network - settings.networks.data());
  const std::uint64_t host = host_number(address, network->network.length) % count;
  const std::uint64_t offset = (index + settings.networks.size() * host) % count;
  return static_cast<std::uint32_t>(settings.table_first + offset);
}

std::optional<SourceRoute> source_route_of(const RoutingSettings& settings, const IpPrefix& prefix,
                                           const InterfaceName& interface) {
  const RoutedNetwork* network = routed_network_of(settings, prefix.address);
  if (network == nullptr) return std::nullopt;
  SourceRoute route{prefix.address, *routing_table_of(settings, prefix.address), kSourceRulePriority, interface, {}};
  route.routes.push_back(TableRoute{network->network, std::nullopt});
  if (network->gateway) route.routes.push_back(TableRoute{IpPrefix{any_address(prefix.address), 0}, network->gateway});
  for (const auto& extra : settings.routes) {
    if (routed_network_of(settings, extra.gateway) == network) {
      route.routes.push_back(TableRoute{extra.destination, extra.gateway});
    }
  }
  return route;
}

Result<void> check_distinct_tables(const RoutingSettings& settings, const AddressList& addresses,
                                   std::string_view file_name) {
  std::map<std::uint32_t, IpAddress> users;
  for (const auto& address : addresses) {
    const auto table = routing_table_of(settings, address.address());
    if (!table) continue;
    auto [it, is_new] = users.emplace(*table, address.address());
    if (!is_new && it->second != address.address()) {
      return fail(std::string(file_name), "public addresses " + it->second.to_string() + " and " +
                                              address.address().to_string() + " would share routing table " +
                                              std::to_string(*table) + "; widen [routing] table_first..table_last");
    }
  }
  return success();
}

}  // namespace tandem::config
