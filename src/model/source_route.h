// SourceRoute: what the kernel must hold so that one public IP's replies leave by the
// interface that holds it (per-IP source routing, docs/design/routing.md).
//
// A value decided by config::source_route_of() and carried out by sys::NetlinkSourceRoutes:
// one policy rule "from ADDRESS lookup TABLE" at `priority`, and in TABLE the `routes`, all
// on `interface`. Pure data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem {

// One route of a source-routing table, always on the table's interface.
struct TableRoute {
  IpPrefix destination;              // a network (no host bits); 0.0.0.0/0 or ::/0 is the default route
  std::optional<IpAddress> gateway;  // none: the destination is on the link (the subnet route)

  std::string to_string() const;
  friend auto operator<=>(const TableRoute&, const TableRoute&) = default;
};

struct SourceRoute {
  IpAddress from;           // the public IP: the rule's "from ADDRESS" (a /32 or /128)
  std::uint32_t table = 0;  // the routing table the rule looks up
  std::uint32_t priority = 0;
  InterfaceName interface;         // the interface that holds the public IP
  std::vector<TableRoute> routes;  // the subnet route first, then the default and extra routes

  friend bool operator==(const SourceRoute&, const SourceRoute&) = default;
};

// Whether `address` lies in `network` (same family, the first network.length bits equal).
bool contains(const IpPrefix& network, const IpAddress& address);

// `prefix` with its host bits cleared: 198.51.100.10/24 -> 198.51.100.0/24.
IpPrefix network_of(const IpPrefix& prefix);

}  // namespace tandem
