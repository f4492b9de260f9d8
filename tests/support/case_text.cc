#include "support/case_text.h"

#include <map>

namespace tandem::testing {

namespace {

std::string interface_list(const PublicAddress& entry) {
  std::string out;
  for (const auto& name : entry.interfaces) {
    if (!out.empty()) out += ',';
    out += name.value();
  }
  return out;
}

// The list that the most nodes use (the first node's on a tie), written as `addresses`.
const AddressList* shared_list(const ClusterView& view) {
  std::map<const AddressList*, std::size_t> users;
  const AddressList* best = nullptr;
  for (const auto& node : view.nodes) {
    const std::size_t count = ++users[node.addresses.get()];
    if (best == nullptr || count > users[best]) best = node.addresses.get();
  }
  return best;
}

// The four tunables allocation reads, always; any other only when it is not the default.
std::string tunable_lines(const Tunables& tunables) {
  std::string out;
  for (const auto& spec : tunable_specs()) {
    const std::uint32_t value = tunables.*(spec.field);
    const bool is_allocation = spec.field == &Tunables::ip_alloc_algorithm || spec.field == &Tunables::no_ip_failback ||
                               spec.field == &Tunables::no_ip_host_on_all_disabled ||
                               spec.field == &Tunables::no_ip_takeover;
    if (!is_allocation && value == spec.default_value) continue;
    out += "tunable " + std::string(spec.name) + "=";
    out += spec.field == &Tunables::ip_alloc_algorithm ? std::string(algorithm_name(tunables.algorithm()))
                                                       : std::to_string(value);
    out += "\n";
  }
  return out;
}

std::string node_line(const NodeView& node) {
  std::string out = "node " + std::to_string(node.pnn.value());
  for (const auto& [name, state] : node.links) {
    out += " " + name.value() + (state == LinkState::kUp ? "=up" : "=down");
  }
  std::string flags;
  for (const auto& name : node.flags.names()) flags += (flags.empty() ? "" : ",") + name;
  if (!flags.empty()) out += " " + flags;
  return out + "\n";
}

std::string address_lines(const ClusterView& view, const AddressList* shared) {
  std::string out;
  if (shared != nullptr) {
    for (const auto& entry : *shared)
      out += "addresses " + entry.prefix.to_string() + " " + interface_list(entry) + "\n";
  }
  for (const auto& node : view.nodes) {
    if (node.addresses.get() == shared || !node.addresses) continue;
    const std::string pnn = std::to_string(node.pnn.value());
    if (node.addresses->empty() && shared != nullptr && !shared->empty()) {
      out += "# node " + pnn + " has an empty public_addresses list of its own\n";
    }
    for (const auto& entry : *node.addresses) {
      out += "node-address " + pnn + " " + entry.prefix.to_string() + " " + interface_list(entry) + "\n";
    }
  }
  return out;
}

std::string group_lines(const ClusterView& view) {
  std::string out;
  for (const auto& group : view.groups) {
    out += "group " + group.name.value();
    for (const auto& member : group.members) {
      out += " " + member.address.to_string();
      if (member.preferred) out += "@" + member.preferred->value();
    }
    if (group.on_path_loss != PathLossPolicy::kMove)
      out += " on-path-loss=" + std::string(to_string(group.on_path_loss));
    out += "\n";
  }
  return out;
}

}  // namespace

std::string to_case_text(const ClusterView& view, const Tunables& tunables, const Assignment& current) {
  std::string out = tunable_lines(tunables);
  out += address_lines(view, shared_list(view));
  for (const auto& node : view.nodes) out += node_line(node);
  out += group_lines(view);
  for (const auto& entry : current.ips()) {
    if (!entry.placement) continue;
    out += "current " + entry.address.to_string() + " " + std::to_string(entry.placement->node.value()) + " " +
           entry.placement->interface.value() + "\n";
  }
  return out;
}

}  // namespace tandem::testing
