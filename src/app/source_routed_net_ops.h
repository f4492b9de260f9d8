// SourceRoutedNetOps: io::NetOps that keeps each public IP's source routing with it.
//
// Wraps the address operations (NetlinkNetOps): after an address is added it installs the
// SourceRoute that config::source_route_of() decides for it (rule and table on the
// interface now holding it), and before an address is removed it removes them, unless the
// address was added on another interface since: a move to another interface (updateip,
// make-before-break: add on the new interface, then remove from the old) moves both with
// the address, and the removal from the old interface leaves them alone.
// A routing failure (a table or rule not ours in the way) is logged as an error naming
// the place and the address stays: the node keeps serving it, through the host's routes.
// Routing settings are read at each call, so a reload applies to the next address moved.
#pragma once

#include <map>
#include <string>

#include "config/routing.h"
#include "io/interfaces.h"
#include "sys/logger.h"
#include "sys/netlink_source_routes.h"

namespace tandem::app {

class SourceRoutedNetOps final : public io::NetOps {
 public:
  // `addresses` and `settings` must outlive this object; `settings` may change between calls.
  SourceRoutedNetOps(io::NetOps& addresses, sys::NetlinkSourceRoutes& routes, const config::RoutingSettings& settings,
                     sys::Logger log);

  Result<void> add_address(const IpPrefix& prefix, const InterfaceName& interface) override;
  Result<void> remove_address(const IpPrefix& prefix, const InterfaceName& interface) override;
  void announce(const IpAddress& address, const InterfaceName& interface) override;
  std::vector<proto::HeldAddress> list_addresses() override;

  // Removes `prefix`'s source routing and installs it again as the settings now say (after a
  // reload changed them). Logged.
  void reinstall(const IpPrefix& prefix, const InterfaceName& interface);

  // Removes every rule and route tandemd made (at start: stale ones; at stop). Logged.
  void remove_all_routes(const std::string& when);

 private:
  io::NetOps& addresses_;
  sys::NetlinkSourceRoutes& routes_;
  const config::RoutingSettings& settings_;
  sys::Logger log_;
  // Per address, the interface it was last added on: whose routing a removal may take.
  std::map<IpAddress, InterfaceName> added_on_;

  void install(const IpPrefix& prefix, const InterfaceName& interface);
};

}  // namespace tandem::app
