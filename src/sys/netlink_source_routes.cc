#include "sys/netlink_source_routes.h"

#include <net/if.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

constexpr std::size_t kRequestBufferSize = 512;
// Large enough for every RTA_* and FRA_* attribute type this kernel's headers know.
constexpr std::size_t kAttributeSlots = 64;
using Attributes = std::array<const nlattr*, kAttributeSlots>;

int on_attribute(const nlattr* attribute, void* data) {
  auto& found = *static_cast<Attributes*>(data);
  const auto type = static_cast<std::size_t>(mnl_attr_get_type(attribute));
  if (type < kAttributeSlots) found[type] = attribute;
  return MNL_CB_OK;
}

std::uint8_t family_of(const IpAddress& address) {
  return static_cast<std::uint8_t>(address.is_v4() ? AF_INET : AF_INET6);
}

std::uint16_t address_size(const IpAddress& address) { return address.is_v4() ? 4 : 16; }

std::optional<IpAddress> address_of(const nlattr* attribute, std::uint8_t family) {
  if (attribute == nullptr) return std::nullopt;
  const auto* bytes = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attribute));
  const std::size_t size = mnl_attr_get_payload_len(attribute);
  if (family == AF_INET && size == 4) {
    return IpAddress::v4(std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 | std::uint32_t{bytes[2]} << 8 |
                         bytes[3]);
  }
  if (family == AF_INET6 && size == 16) {
    IpAddress::Bytes all{};
    std::memcpy(all.data(), bytes, 16);
    return IpAddress::v6(all);
  }
  return std::nullopt;
}

IpAddress any_of_family(std::uint8_t family) { return family == AF_INET ? IpAddress::v4(0) : IpAddress::v6({}); }

// A table number as the headers' one-byte fields take it: the number, or RT_TABLE_UNSPEC
// with the full number in the 32-bit attribute.
std::uint8_t short_table(std::uint32_t table) {
  return table < 256 ? static_cast<std::uint8_t>(table) : static_cast<std::uint8_t>(RT_TABLE_UNSPEC);
}

// `is_filtered`: ask the kernel to apply the dump request's filters (a table), so that a
// host with a large main table does not send all of it for every move. A kernel without
// strict checking ignores the request; list_routes() filters again anyway.
Result<int> exchange(nlmsghdr& request, const NetlinkSocket::OnMessage& on_message, bool is_filtered = false) {
  auto socket = NetlinkSocket::open(0, false);
  if (!socket) return fail(socket.error());
  if (is_filtered) {
    const int one = 1;
    (void)::setsockopt(socket->fd(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
  }
  return socket->exchange(request, on_message);
}

std::string rule_text(const PolicyRule& rule) {
  return "priority " + std::to_string(rule.priority) + " from " + (rule.from ? rule.from->to_string() : "all") +
         " lookup " + std::to_string(rule.table) + " proto " + std::to_string(rule.protocol);
}

bool is_host_prefix_of(const std::optional<IpPrefix>& from, const IpAddress& address) {
  return from && from->address == address && from->length == address.bit_length();
}

}  // namespace

Result<std::vector<PolicyRule>> NetlinkSourceRoutes::list_rules() {
  alignas(nlmsghdr) char buffer[kRequestBufferSize];
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = RTM_GETRULE;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* header = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(request, sizeof(fib_rule_hdr)));
  header->family = AF_UNSPEC;
  std::vector<PolicyRule> rules;
  auto on_message = [&](const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWRULE) return;
    const auto* rule = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(&message));
    if (rule->family != AF_INET && rule->family != AF_INET6) return;
    Attributes found{};
    if (mnl_attr_parse(&message, sizeof *rule, on_attribute, &found) != MNL_CB_OK) return;
    PolicyRule entry;
    entry.table = found[FRA_TABLE] != nullptr ? mnl_attr_get_u32(found[FRA_TABLE]) : rule->table;
    entry.priority = found[FRA_PRIORITY] != nullptr ? mnl_attr_get_u32(found[FRA_PRIORITY]) : 0;
    entry.protocol = found[FRA_PROTOCOL] != nullptr ? mnl_attr_get_u8(found[FRA_PROTOCOL]) : 0;
    if (auto from = address_of(found[FRA_SRC], rule->family)) entry.from = IpPrefix{*from, rule->src_len};
    rules.push_back(entry);
  };
  auto answer = exchange(*request, on_message);
  if (!answer) return fail(answer.error().within("policy rules"));
  if (*answer != 0) return fail("policy rules", "cannot list: " + error_text(*answer));
  return rules;
}

Result<std::vector<ListedRoute>> NetlinkSourceRoutes::list_routes(std::optional<std::uint32_t> table) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize];
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = RTM_GETROUTE;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* header = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(rtmsg)));
  header->rtm_family = AF_UNSPEC;
  if (table) {
    header->rtm_table = short_table(*table);
    mnl_attr_put_u32(request, RTA_TABLE, *table);
  }
  std::vector<ListedRoute> routes;
  auto on_message = [&](const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWROUTE) return;
    const auto* route = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(&message));
    if (route->rtm_family != AF_INET && route->rtm_family != AF_INET6) return;
    Attributes found{};
    if (mnl_attr_parse(&message, sizeof *route, on_attribute, &found) != MNL_CB_OK) return;
    ListedRoute entry;
    entry.table = found[RTA_TABLE] != nullptr ? mnl_attr_get_u32(found[RTA_TABLE]) : route->rtm_table;
    if (table && entry.table != *table) return;
    entry.destination = IpPrefix{
        address_of(found[RTA_DST], route->rtm_family).value_or(any_of_family(route->rtm_family)), route->rtm_dst_len};
    entry.protocol = route->rtm_protocol;
    entry.gateway = address_of(found[RTA_GATEWAY], route->rtm_family);
    entry.interface_index = found[RTA_OIF] != nullptr ? mnl_attr_get_u32(found[RTA_OIF]) : 0;
    routes.push_back(entry);
  };
  auto answer = exchange(*request, on_message, table.has_value());
  if (!answer) return fail(answer.error().within("routes"));
  if (*answer != 0) return fail("routes", "cannot list: " + error_text(*answer));
  return routes;
}

Result<void> NetlinkSourceRoutes::change_rule(bool is_add, const PolicyRule& rule, std::uint8_t family) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize];
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = is_add ? RTM_NEWRULE : RTM_DELRULE;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (is_add) request->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  auto* header = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(request, sizeof(fib_rule_hdr)));
  header->family = family;
  header->action = FR_ACT_TO_TBL;
  header->table = short_table(rule.table);
  if (rule.from) {
    header->src_len = static_cast<std::uint8_t>(rule.from->length);
    mnl_attr_put(request, FRA_SRC, address_size(rule.from->address), rule.from->address.bytes().data());
  }
  mnl_attr_put_u32(request, FRA_TABLE, rule.table);
  mnl_attr_put_u32(request, FRA_PRIORITY, rule.priority);
  mnl_attr_put_u8(request, FRA_PROTOCOL, rule.protocol);
  auto answer = exchange(*request, nullptr);
  const std::string place = "rule " + rule_text(rule);
  if (!answer) return fail(answer.error().within(place));
  if (*answer == 0 || (is_add && *answer == EEXIST) || (!is_add && *answer == ENOENT)) return success();
  return fail(place, std::string(is_add ? "cannot add: " : "cannot remove: ") + error_text(*answer));
}

Result<void> NetlinkSourceRoutes::change_route(bool is_add, const ListedRoute& route,
                                               std::optional<unsigned> interface) {
  alignas(nlmsghdr) char buffer[kRequestBufferSize];
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = is_add ? RTM_NEWROUTE : RTM_DELROUTE;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (is_add) request->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
  auto* header = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(rtmsg)));
  const IpAddress& destination = route.destination.address;
  header->rtm_family = family_of(destination);
  header->rtm_dst_len = static_cast<std::uint8_t>(route.destination.length);
  header->rtm_table = short_table(route.table);
  header->rtm_protocol = kSourceRouteProtocol;
  header->rtm_scope = route.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  header->rtm_type = RTN_UNICAST;
  mnl_attr_put_u32(request, RTA_TABLE, route.table);
  if (route.destination.length > 0)
    mnl_attr_put(request, RTA_DST, address_size(destination), destination.bytes().data());
  if (route.gateway) mnl_attr_put(request, RTA_GATEWAY, address_size(*route.gateway), route.gateway->bytes().data());
  if (interface) mnl_attr_put_u32(request, RTA_OIF, *interface);
  auto answer = exchange(*request, nullptr);
  const std::string place = "routing table " + std::to_string(route.table);
  if (!answer) return fail(answer.error().within(place));
  if (*answer == 0 || (!is_add && *answer == ESRCH)) return success();
  return fail(place, std::string(is_add ? "cannot add route " : "cannot remove route ") +
                         TableRoute{route.destination, route.gateway}.to_string() + ": " + error_text(*answer));
}

Result<void> NetlinkSourceRoutes::install(const SourceRoute& route) {
  const std::string table_place = "routing table " + std::to_string(route.table);
  const unsigned index = ::if_nametoindex(route.interface.value().c_str());
  if (index == 0) return fail("interface " + route.interface.value(), "no such interface (" + error_text(errno) + ")");
  auto rules = list_rules();
  if (!rules) return fail(rules.error());
  std::vector<PolicyRule> outdated;  // ours for the address, with another table or priority
  for (const PolicyRule& rule : *rules) {
    const bool is_from_address = is_host_prefix_of(rule.from, route.from);
    if (!rule.is_ours() && (rule.table == route.table || is_from_address)) {
      return fail("rule " + rule_text(rule), "a rule tandemd did not make " +
                                                 std::string(is_from_address ? "routes from " + route.from.to_string()
                                                                             : "looks up " + table_place) +
                                                 "; remove it or choose another [routing] table range");
    }
    if (rule.is_ours() && rule.table == route.table && !is_from_address) {
      return fail(table_place, "already in use by tandemd's rule for " +
                                   (rule.from ? rule.from->address.to_string() : std::string("all")));
    }
    if (rule.is_ours() && is_from_address && (rule.table != route.table || rule.priority != route.priority)) {
      outdated.push_back(rule);
    }
  }
  auto listed = list_routes(route.table);
  if (!listed) return fail(listed.error());
  for (const ListedRoute& existing : *listed) {
    if (!existing.is_ours()) {
      return fail(table_place, "holds a route tandemd did not make (" +
                                   TableRoute{existing.destination, existing.gateway}.to_string() +
                                   "); choose another [routing] table range");
    }
  }
  if (!outdated.empty()) {  // left by another configuration: start this address afresh
    if (auto removed = remove(route.from); !removed) return removed;
  }
  for (const ListedRoute& existing : *listed) {
    const bool is_wanted = std::any_of(route.routes.begin(), route.routes.end(), [&](const TableRoute& wanted) {
      return wanted.destination == existing.destination;
    });
    if (is_wanted) continue;
    if (auto removed = change_route(false, existing, std::nullopt); !removed) return removed;
  }
  for (const TableRoute& wanted : route.routes) {
    ListedRoute entry{wanted.destination, route.table, kSourceRouteProtocol, wanted.gateway, index};
    if (auto added = change_route(true, entry, index); !added) return added;
  }
  const PolicyRule rule{IpPrefix{route.from, route.from.bit_length()}, route.table, route.priority,
                        kSourceRouteProtocol};
  return change_rule(true, rule, family_of(route.from));
}

Result<void> NetlinkSourceRoutes::remove(const IpAddress& address) {
  auto rules = list_rules();
  if (!rules) return fail(rules.error());
  for (const PolicyRule& rule : *rules) {
    if (!rule.is_ours() || !is_host_prefix_of(rule.from, address)) continue;
    if (auto removed = change_rule(false, rule, family_of(address)); !removed) return removed;
    auto listed = list_routes(rule.table);
    if (!listed) return fail(listed.error());
    for (const ListedRoute& existing : *listed) {
      if (!existing.is_ours()) continue;
      if (auto removed = change_route(false, existing, std::nullopt); !removed) return removed;
    }
  }
  return success();
}

Result<int> NetlinkSourceRoutes::remove_all() {
  int count = 0;
  auto rules = list_rules();
  if (!rules) return fail(rules.error());
  for (const PolicyRule& rule : *rules) {
    if (!rule.is_ours() || !rule.from) continue;  // every rule tandemd makes has a "from"
    if (auto removed = change_rule(false, rule, family_of(rule.from->address)); !removed) return fail(removed.error());
    ++count;
  }
  auto routes = list_routes(std::nullopt);
  if (!routes) return fail(routes.error());
  for (const ListedRoute& route : *routes) {
    if (!route.is_ours()) continue;
    if (auto removed = change_route(false, route, std::nullopt); !removed) return fail(removed.error());
    ++count;
  }
  return count;
}

}  // namespace tandem::sys
