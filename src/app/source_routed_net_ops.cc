#include "app/source_routed_net_ops.h"

namespace tandem::app {

SourceRoutedNetOps::SourceRoutedNetOps(io::NetOps& addresses, sys::NetlinkSourceRoutes& routes,
                                       const config::RoutingSettings& settings, sys::Logger log)
    : addresses_(addresses), routes_(routes), settings_(settings), log_(std::move(log)) {}

Result<void> SourceRoutedNetOps::add_address(const IpPrefix& prefix, const InterfaceName& interface) {
  auto added = addresses_.add_address(prefix, interface);
  if (!added) return added;
  added_on_[prefix.address] = interface;
  install(prefix, interface);
  return added;
}

void SourceRoutedNetOps::reinstall(const IpPrefix& prefix, const InterfaceName& interface) {
  if (auto removed = routes_.remove(prefix.address); !removed) {
    log_.error("source routing of " + prefix.address.to_string() + " not removed: " + removed.error().message());
  }
  install(prefix, interface);
}

void SourceRoutedNetOps::install(const IpPrefix& prefix, const InterfaceName& interface) {
  const auto route = config::source_route_of(settings_, prefix, interface);
  if (!route) return;
  if (auto installed = routes_.install(*route); !installed) {
    log_.error("source routing of " + prefix.address.to_string() +
               " not installed, its replies follow the host's "
               "routes: " +
               installed.error().message());
  } else {
    log_.info("source routing: from " + prefix.address.to_string() + " lookup " + std::to_string(route->table) +
              " on " + interface.value());
  }
}

Result<void> SourceRoutedNetOps::remove_address(const IpPrefix& prefix, const InterfaceName& interface) {
  // The address moved: it was added on another interface, which its routing now names.
  if (auto found = added_on_.find(prefix.address); found != added_on_.end() && found->second != interface) {
    return addresses_.remove_address(prefix, interface);
  }
  added_on_.erase(prefix.address);
  // Whatever the settings say now: a reload may have turned routing off since the add.
  if (auto removed = routes_.remove(prefix.address); !removed) {
    log_.error("source routing of " + prefix.address.to_string() + " not removed: " + removed.error().message());
  }
  return addresses_.remove_address(prefix, interface);
}

void SourceRoutedNetOps::announce(const IpAddress& address, const InterfaceName& interface) {
  addresses_.announce(address, interface);
}

std::vector<proto::HeldAddress> SourceRoutedNetOps::list_addresses() { return addresses_.list_addresses(); }

void SourceRoutedNetOps::remove_all_routes(const std::string& when) {
  auto removed = routes_.remove_all();
  if (!removed) {
    log_.error(when + ": source routing not removed: " + removed.error().message());
  } else if (*removed > 0) {
    log_.info(when + ": removed " + std::to_string(*removed) + " source rules and routes");
  }
}

}  // namespace tandem::app
