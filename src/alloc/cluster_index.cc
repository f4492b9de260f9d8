#include "alloc/cluster_index.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "base/check.h"

namespace tandem::alloc {

namespace {

// CTDB's rule: disabled and unhealthy nodes host nothing, unless every node is inactive
// or disabled and NoIPHostOnAllDisabled=0 lets the disabled ones serve rather than none.
void decide_may_host(std::vector<NodeEntry>& nodes, const Tunables& tunables) {
  const bool all_disabled = std::all_of(nodes.begin(), nodes.end(), [](const NodeEntry& node) {
    return node.flags.is_inactive() || node.flags.is_disabled();
  });
  for (auto& node : nodes) {
    node.may_host = !node.flags.is_inactive() &&
                    (!node.flags.is_disabled() || (all_disabled && tunables.no_ip_host_on_all_disabled == 0));
  }
}

class InterfaceNumbering {
 public:
  void add(const InterfaceName& name) { ids_.emplace(name.value(), kNoInterface); }
  // Numbers every added name in name order; returns the names by number.
  std::vector<InterfaceName> freeze() {
    std::vector<InterfaceName> names;
    for (auto& [name, id] : ids_) {
      id = static_cast<InterfaceId>(names.size());
      names.emplace_back(name);
    }
    return names;
  }
  InterfaceId id(const InterfaceName& name) const {
    auto it = ids_.find(name.value());
    return it == ids_.end() ? kNoInterface : it->second;
  }

 private:
  std::map<std::string, InterfaceId, std::less<>> ids_;
};

struct Builder {
  const ClusterView& view;
  ClusterIndex& index;
  InterfaceNumbering interfaces;
  std::unordered_map<IpAddress, Index> ip_ids;
  std::unordered_map<const AddressList*, std::vector<Index>> list_ips;  // per entry

  void number_nodes(const Tunables& tunables);
  void number_interfaces_and_ips();
  void form_groups();
  void read_current(const Assignment& current);
  void form_classes();
  void build_class(NodeClass& node_class, const AddressList& list, const std::vector<InterfaceId>& up);
};

void Builder::number_nodes(const Tunables& tunables) {
  for (const auto& node : view.nodes) {
    index.nodes.push_back(NodeEntry{node.pnn, node.flags, false, kNoIndex, node.addresses.get()});
  }
  std::sort(index.nodes.begin(), index.nodes.end(),
            [](const NodeEntry& a, const NodeEntry& b) { return a.pnn < b.pnn; });
  decide_may_host(index.nodes, tunables);
}

void Builder::number_interfaces_and_ips() {
  std::vector<IpAddress> addresses;
  for (const auto& node : view.nodes) {
    for (const auto& [name, state] : node.links) interfaces.add(name);
    if (!list_ips.emplace(node.addresses.get(), std::vector<Index>{}).second) continue;
    for (const auto& entry : *node.addresses) {
      addresses.push_back(entry.address());
      for (const auto& name : entry.interfaces) interfaces.add(name);
    }
  }
  for (const auto& group : view.groups) {
    for (const auto& member : group.members) {
      addresses.push_back(member.address);
      if (member.preferred) interfaces.add(*member.preferred);
    }
  }
  index.interface_names = interfaces.freeze();
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  ip_ids.reserve(addresses.size());
  for (const auto& address : addresses) {
    ip_ids.emplace(address, static_cast<Index>(index.ips.size()));
    index.ips.push_back(IpEntry{address});
  }
  for (auto& [list, ids] : list_ips) {
    ids.reserve(list->size());
    for (const auto& entry : *list) {
      ids.push_back(ip_ids.at(entry.address()));
      index.ips[ids.back()].is_listed = true;
    }
  }
}

void Builder::form_groups() {
  for (const auto& group : view.groups) {
    GroupEntry entry;
    entry.on_path_loss = group.on_path_loss;
    for (const auto& member : group.members) {
      const Index ip = ip_ids.at(member.address);
      entry.ips.push_back(ip);
      if (member.preferred) index.ips[ip].preferred = interfaces.id(*member.preferred);
    }
    std::sort(entry.ips.begin(), entry.ips.end());
    if (!entry.ips.empty()) index.groups.push_back(std::move(entry));
  }
  std::vector<bool> grouped(index.ips.size(), false);
  for (const auto& group : index.groups) {
    for (Index ip : group.ips) grouped[ip] = true;
  }
  for (Index ip = 0; ip < index.ips.size(); ++ip) {
    if (!grouped[ip]) index.groups.push_back(GroupEntry{{ip}});
  }
  // Groups are disjoint, so their lowest addresses order them canonically.
  std::sort(index.groups.begin(), index.groups.end(),
            [](const GroupEntry& a, const GroupEntry& b) { return a.ips.front() < b.ips.front(); });
  for (Index g = 0; g < index.groups.size(); ++g) {
    for (Index ip : index.groups[g].ips) index.ips[ip].group = g;
  }
  for (const auto& [address, pnn] : view.pins) {
    auto ip = ip_ids.find(address);
    auto node = std::lower_bound(index.nodes.begin(), index.nodes.end(), pnn,
                                 [](const NodeEntry& n, NodeId p) { return n.pnn < p; });
    if (ip == ip_ids.end() || node == index.nodes.end() || node->pnn != pnn) continue;
    index.groups[index.ips[ip->second].group].pinned_node = static_cast<Index>(node - index.nodes.begin());
  }
}

void Builder::read_current(const Assignment& current) {
  for (const auto& entry : current.ips()) {
    if (!entry.placement) continue;
    auto ip = ip_ids.find(entry.address);
    if (ip == ip_ids.end()) continue;
    auto node = std::lower_bound(index.nodes.begin(), index.nodes.end(), entry.placement->node,
                                 [](const NodeEntry& n, NodeId pnn) { return n.pnn < pnn; });
    if (node == index.nodes.end() || node->pnn != entry.placement->node) continue;
    index.ips[ip->second].current_node = static_cast<Index>(node - index.nodes.begin());
    index.ips[ip->second].current_interface = interfaces.id(entry.placement->interface);
  }
}

void Builder::form_classes() {
  std::map<std::pair<const AddressList*, std::vector<InterfaceId>>, Index> class_ids;
  for (const auto& view_node : view.nodes) {
    auto node = std::lower_bound(index.nodes.begin(), index.nodes.end(), view_node.pnn,
                                 [](const NodeEntry& n, NodeId pnn) { return n.pnn < pnn; });
    if (!node->may_host) continue;
    std::vector<InterfaceId> up;
    for (const auto& [name, state] : view_node.links) {
      if (state == LinkState::kUp) up.push_back(interfaces.id(name));
    }
    std::sort(up.begin(), up.end());
    auto [it, inserted] = class_ids.emplace(std::make_pair(node->list, up), static_cast<Index>(index.classes.size()));
    if (inserted) {
      index.classes.emplace_back();
      build_class(index.classes.back(), *node->list, up);
    }
    node->node_class = it->second;
  }
  for (Index n = 0; n < index.nodes.size(); ++n) {
    if (index.nodes[n].may_host) index.classes[index.nodes[n].node_class].nodes.push_back(n);
  }
  index.best_servable.assign(index.groups.size(), 0);
  for (const auto& node_class : index.classes) {
    for (Index g = 0; g < index.groups.size(); ++g) {
      index.best_servable[g] = std::max(index.best_servable[g], node_class.servable[g]);
    }
  }
}

// Lays out, for every IP, the interfaces this class may put it on, in compressed rows.
void Builder::build_class(NodeClass& node_class, const AddressList& list, const std::vector<InterfaceId>& up) {
  const auto& ids = list_ips.at(&list);
  const std::size_t ip_count = index.ips.size();
  std::vector<std::vector<InterfaceId>> usable_by_entry(list.size());
  node_class.usable_begin.assign(ip_count + 1, 0);
  for (std::size_t e = 0; e < list.size(); ++e) {
    for (const auto& name : list[e].interfaces) {
      const InterfaceId id = interfaces.id(name);
      if (std::binary_search(up.begin(), up.end(), id)) usable_by_entry[e].push_back(id);
    }
    std::sort(usable_by_entry[e].begin(), usable_by_entry[e].end());
    usable_by_entry[e].erase(std::unique(usable_by_entry[e].begin(), usable_by_entry[e].end()),
                             usable_by_entry[e].end());
    node_class.usable_begin[ids[e] + 1] = static_cast<std::uint32_t>(usable_by_entry[e].size());
  }
  for (std::size_t i = 0; i < ip_count; ++i) node_class.usable_begin[i + 1] += node_class.usable_begin[i];
  node_class.usable.resize(node_class.usable_begin[ip_count]);
  node_class.servable.assign(index.groups.size(), 0);
  node_class.listed.assign(ip_count, false);
  for (std::size_t e = 0; e < list.size(); ++e) {
    std::copy(usable_by_entry[e].begin(), usable_by_entry[e].end(),
              node_class.usable.begin() + node_class.usable_begin[ids[e]]);
    IpEntry& ip = index.ips[ids[e]];
    ip.is_listed_by_host = true;
    node_class.listed[ids[e]] = true;
    if (usable_by_entry[e].empty()) continue;
    ip.is_usable_somewhere = true;
    ++node_class.servable[ip.group];
  }
}

}  // namespace

ClusterIndex build_index(const ClusterView& view, const Tunables& tunables, const Assignment& current) {
  ClusterIndex index;
  Builder builder{view, index, {}, {}, {}};
  builder.number_nodes(tunables);
  builder.number_interfaces_and_ips();
  builder.form_groups();
  builder.read_current(current);
  builder.form_classes();
  return index;
}

std::string unplaced_reason(const ClusterIndex& index, Index ip) {
  const IpEntry& entry = index.ips[ip];
  if (!entry.is_listed) return "no node lists it in public_addresses";
  if (!entry.is_listed_by_host) {
    return "every node that lists it is inactive or disabled (banned, stopped, disconnected, deleted, "
           "unhealthy or disabled)";
  }
  if (!entry.is_usable_somewhere) return "its interfaces are down on every node that may host it";
  return "no node can serve its group";
}

}  // namespace tandem::alloc
