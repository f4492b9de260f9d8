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

void SimNetOps::clear() {
  while (!held_.empty()) {
    const proto::HeldAddress last = held_.back();
    remove_now(last.prefix, last.interface);
  }
}

}  // namespace tandem::sim
