// NetlinkSourceRoutes: per-IP source routing in the kernel through route netlink — the
// policy rule "from ADDRESS lookup TABLE" and the routes of TABLE that a SourceRoute names
// (docs/design/routing.md).
//
// Everything it makes carries the route protocol kSourceRouteProtocol (rules and routes
// alike, as `ip rule`/`ip route` show with "proto 116"), and that mark is how it tells its
// own from the host's: it never changes or removes a rule or route without the mark, and
// it refuses (an Error naming the table or rule) to use a table that holds routes, or an
// address that has a rule, that are not its own. Synchronous, like NetlinkNetOps, and in
// the network namespace of the calling thread. Single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "model/ip_address.h"
#include "model/source_route.h"

namespace tandem::sys {

// The mark of tandemd's rules and routes: a route protocol number no routing daemon in
// iproute2's rt_protos list uses.
inline constexpr std::uint8_t kSourceRouteProtocol = 116;

// A policy rule as the kernel lists it (the parts this module reads).
struct PolicyRule {
  std::optional<IpPrefix> from;  // none: "from all"
  std::uint32_t table = 0;
  std::uint32_t priority = 0;
  std::uint8_t protocol = 0;

  bool is_ours() const { return protocol == kSourceRouteProtocol; }
};

// A route as the kernel lists it.
struct ListedRoute {
  IpPrefix destination;
  std::uint32_t table = 0;
  std::uint8_t protocol = 0;
  std::optional<IpAddress> gateway;
  unsigned interface_index = 0;

  bool is_ours() const { return protocol == kSourceRouteProtocol; }
};

class NetlinkSourceRoutes {
 public:
  // Makes the kernel hold `route` and nothing else of ours for its address: its rule
  // (kept if there), its routes (replaced, so a move to another interface is one call),
  // and no other table or priority of ours for the address. Fails, changing nothing, when
  // the table holds a route not ours, a rule not ours looks up the table or routes from
  // the address, or a rule of ours for another address uses the table.
  Result<void> install(const SourceRoute& route);

  // Removes our rules from `address` and our routes in their tables. Nothing there is fine.
  Result<void> remove(const IpAddress& address);

  // Removes every rule and route of ours (stale ones at start, everything at stop and at
  // --release-all); returns how many it removed.
  Result<int> remove_all();

  // What the kernel holds (all families), for the checks above and for tests.
  Result<std::vector<PolicyRule>> list_rules();
  Result<std::vector<ListedRoute>> list_routes(std::optional<std::uint32_t> table);

 private:
  Result<void> change_rule(bool is_add, const PolicyRule& rule, std::uint8_t family);
  Result<void> change_route(bool is_add, const ListedRoute& route, std::optional<unsigned> interface);
};

}  // namespace tandem::sys
