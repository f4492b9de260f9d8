#include "sim/convergence_check.h"

#include <map>

#include "alloc/allocate.h"

namespace tandem::sim {
namespace {

std::string where(const std::optional<Placement>& placement) {
  if (!placement) return "nowhere";
  return "node " + std::to_string(placement->node.value()) + " " + placement->interface.value();
}

bool link_is_up(const NodeView& node, const InterfaceName& interface) {
  auto found = node.links.find(interface);
  return found != node.links.end() && found->second == LinkState::kUp;
}

std::string unhosted_reason(const Assignment& assignment, const IpAddress& address) {
  const IpAssignment* entry = assignment.find(address);
  if (entry == nullptr || entry->placement) return "";
  return " (" + entry->unhosted_reason + ")";
}

}  // namespace

std::vector<Violation> check_convergence(TimePoint at, const ClusterView& view, const Tunables& tunables,
                                         const std::vector<std::vector<proto::HeldAddress>>& kernels,
                                         bool placement_pinned) {
  std::vector<Violation> violations;
  std::map<IpAddress, Placement> actual_places;
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    for (const auto& held : kernels[i]) {
      const Placement placement{view.nodes[i].pnn, held.interface};
      if (!link_is_up(view.nodes[i], held.interface)) {
        violations.push_back(
            {at, kConvergence, held.prefix.to_string() + " on " + where(placement) + ", which is down"});
      }
      auto [entry, fresh] = actual_places.emplace(held.prefix.address, placement);
      if (!fresh) {
        violations.push_back(
            {at, kConvergence, held.prefix.to_string() + " on " + where(entry->second) + " and " + where(placement)});
      }
    }
  }
  std::vector<IpAssignment> ips;
  for (const auto& group : view.groups) {
    for (const auto& member : group.members) {
      auto found = actual_places.find(member.address);
      if (found == actual_places.end()) {
        ips.push_back(IpAssignment{member.address, std::nullopt, "not configured"});
      } else {
        ips.push_back(IpAssignment{member.address, found->second, ""});
      }
    }
  }
  const Assignment actual(std::move(ips));
  const Assignment wanted = alloc::allocate(view, tunables, actual);
  for (const auto& ip : actual.ips()) {
    const auto should = wanted.placement_of(ip.address);
    const bool differs = placement_pinned ? should.has_value() != ip.placement.has_value() : should != ip.placement;
    if (differs) {
      violations.push_back({at, kConvergence,
                            ip.address.to_string() + " is on " + where(ip.placement) + " but allocate() places it on " +
                                where(should) + unhosted_reason(wanted, ip.address)});
    }
  }
  return violations;
}

}  // namespace tandem::sim
