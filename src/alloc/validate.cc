#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "alloc/allocate.h"

namespace tandem::alloc {

namespace {

std::string node_place(std::size_t position) { return "nodes[" + std::to_string(position) + "]"; }

Result<void> validate_address_list(const AddressList& list, const std::string& place) {
  std::unordered_set<IpAddress> seen;
  seen.reserve(list.size());
  for (std::size_t e = 0; e < list.size(); ++e) {
    const std::string entry_place = place + ".addresses[" + std::to_string(e) + "]";
    if (!seen.insert(list[e].address()).second) {
      return fail(entry_place, list[e].address().to_string() + " is listed twice");
    }
    if (list[e].interfaces.empty()) return fail(entry_place, "no interfaces");
    for (const auto& name : list[e].interfaces) {
      if (name.value().empty()) return fail(entry_place, "an empty interface name");
    }
  }
  return success();
}

Result<void> validate_nodes(const ClusterView& view) {
  std::set<NodeId> pnns;
  std::unordered_set<const AddressList*> checked;
  for (std::size_t n = 0; n < view.nodes.size(); ++n) {
    const NodeView& node = view.nodes[n];
    if (!pnns.insert(node.pnn).second) {
      return fail(node_place(n), "node " + std::to_string(node.pnn.value()) + " appears twice");
    }
    if (!node.addresses) return fail(node_place(n), "no address list");
    if (!checked.insert(node.addresses.get()).second) continue;  // shared lists once
    if (auto valid = validate_address_list(*node.addresses, node_place(n)); !valid) return valid;
  }
  return success();
}

Result<void> validate_groups(const ClusterView& view) {
  std::unordered_map<IpAddress, std::string> group_of;
  std::set<GroupName> names;
  for (std::size_t g = 0; g < view.groups.size(); ++g) {
    const IpGroup& group = view.groups[g];
    const std::string place = "groups[" + std::to_string(g) + "]";
    if (!names.insert(group.name).second) return fail(place, "group '" + group.name.value() + "' is defined twice");
    if (group.members.empty()) return fail(place, "group '" + group.name.value() + "' has no addresses");
    if (group.members.size() > kGroupSizeMax) {
      return fail(place, "group '" + group.name.value() + "' has " + std::to_string(group.members.size()) +
                             " addresses; at most " + std::to_string(kGroupSizeMax) + " are allowed");
    }
    for (const auto& member : group.members) {
      auto [it, inserted] = group_of.emplace(member.address, group.name.value());
      if (inserted) continue;
      return fail(place, member.address.to_string() +
                             (it->second == group.name.value()
                                  ? " is listed twice in group '" + it->second + "'"
                                  : " is in groups '" + it->second + "' and '" + group.name.value() + "'"));
    }
  }
  return success();
}

}  // namespace

Result<void> validate(const ClusterView& view) {
  if (auto valid = validate_nodes(view); !valid) return valid;
  return validate_groups(view);
}

}  // namespace tandem::alloc
