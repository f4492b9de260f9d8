#include "sim/sim_net_ops.h"

#include <algorithm>

namespace tandem::sim {

SimNetOps::SimNetOps(NodeIndex node, std::vector<InterfaceName> interfaces, KernelObserver& observer)
    : node_(node), observer_(observer) {
  for (auto& interface : interfaces) links_.emplace(std::move(interface), LinkState::kUp);
}

bool SimNetOps::is_up(const InterfaceName& interface) const {
  auto found = links_.find(interface);
  return found != links_.end() && found->second == LinkState::kUp;
}

Result<void> SimNetOps::add_address(const IpPrefix& prefix, const InterfaceName& interface) {
  if (faults_.adds_fail) return fail("add " + prefix.to_string() + " on " + interface.value(), "injected fault");
  if (!links_.contains(interface)) return fail("add " + prefix.to_string(), "no interface " + interface.value());
  const proto::HeldAddress entry{prefix, interface};
  // Like netlink with NLM_F_REPLACE semantics in the real NetOps: adding what is there is fine.
  if (std::find(held_.begin(), held_.end(), entry) != held_.end()) return success();
  held_.push_back(entry);
  ++additions_;
  observer_.address_added(node_, prefix, interface);
  return success();
}

Result<void> SimNetOps::remove_address(const IpPrefix& prefix, const InterfaceName& interface) {
  if (faults_.removals_fail) {
    return fail("remove " + prefix.to_string() + " from " + interface.value(), "injected fault");
  }
  if (faults_.removals_late) {
    observer_.removal_deferred(node_, prefix, interface);
    return success();
  }
  remove_now(prefix, interface);
  return success();
}

void SimNetOps::remove_now(const IpPrefix& prefix, const InterfaceName& interface) {
  const proto::HeldAddress entry{prefix, interface};
  auto found = std::find(held_.begin(), held_.end(), entry);
  if (found == held_.end()) return;  // removing what is not there is fine, as with the real NetOps
  held_.erase(found);
  observer_.address_removed(node_, prefix, interface);
}

void SimNetOps::announce(const IpAddress& address, const InterfaceName& interface) {
  observer_.announced(node_, address, interface);
}

Result<void> SimNetOps::limit(TimePoint until, const std::vector<IpAddress>&) {
  observer_.serving_limited(node_, until);
  return success();
}

TcpConnection sim_connection_to(const IpAddress& address) {
  const IpAddress client = address.is_v4() ? IpAddress::v4(0xCB007100U + 200U)  // 203.0.113.200
                                           : IpAddress::parse("2001:db8:ffff::200").value();
  const auto port = static_cast<std::uint16_t>(40000 + (address.low_bits() % 20000));
  return TcpConnection{{address, kSimServicePort}, {client, port}};
}

Result<std::vector<TcpConnection>> SimNetOps::list(const std::vector<IpAddress>& addresses) {
  std::vector<TcpConnection> connections;
  for (const auto& entry : held_) {
    if (std::find(addresses.begin(), addresses.end(), entry.prefix.address) != addresses.end()) {
      connections.push_back(sim_connection_to(entry.prefix.address));
    }
  }
  return connections;
}

std::size_t SimNetOps::reset(const std::vector<IpAddress>& addresses) {
  observer_.connections_reset(node_, addresses);
  return addresses.size();
}

void SimNetOps::send_tickles(const std::vector<TcpConnection>& connections) {
  if (connections.empty()) return;
  observer_.tickled(node_, connections.front().server.address, connections);
}

void SimNetOps::clear() {
  while (!held_.empty()) {
    const proto::HeldAddress last = held_.back();
    remove_now(last.prefix, last.interface);
  }
}

}  // namespace tandem::sim
