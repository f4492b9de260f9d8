#include "ctl/status_views.h"

#include <utility>

namespace tandem::ctl {

namespace {

using Json = nlohmann::json;

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

// CTDB's "%-16s".
std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string pnn_text(const std::optional<StatusHolding>& holder) { return holder ? std::to_string(holder->pnn) : "-1"; }

Result<const StatusNode*> chosen_node(const ClusterStatus& status, NodeChoice choice) {
  const std::uint32_t pnn = choice.pnn.value_or(status.this_node);
  const StatusNode* node = status.find_node(pnn);
  if (node == nullptr) return fail("", "node " + std::to_string(pnn) + " is not configured");
  return node;
}

// The chosen node, which must have reported: what it may host and holds, and its
// interfaces, are known only from its report.
Result<const StatusNode*> reported_node(const ClusterStatus& status, NodeChoice choice, std::string_view unknown) {
  auto node = chosen_node(status, choice);
  if (!node) return node;
  if (!(*node)->has_report) {
    return fail("", "node " + std::to_string((*node)->pnn) + " has not reported its state: " + std::string(unknown) +
                        " unknown");
  }
  return node;
}

const StatusInterface* find_interface(const StatusNode& node, std::string_view name) {
  for (const auto& interface : node.interfaces) {
    if (interface.name == name) return &interface;
  }
  return nullptr;
}

const std::vector<std::string>* candidate_interfaces(const StatusAddress& address, std::uint32_t pnn) {
  for (const auto& candidate : address.candidates) {
    if (candidate.pnn == pnn) return &candidate.interfaces;
  }
  return nullptr;
}

std::string also_on_text(const StatusAddress& address, bool with_interfaces) {
  std::vector<std::string> parts;
  for (const auto& other : address.also_on) {
    parts.push_back(std::to_string(other.pnn) + (with_interfaces ? ":" + other.interface : ""));
  }
  return joined(parts, ",");
}

// ip -v for one node: CTDB's fields, relative to `node`, and the group.
std::string verbose_line(const StatusAddress& address, const StatusNode& node) {
  std::vector<std::string> configured;
  std::vector<std::string> available;
  if (const auto* interfaces = candidate_interfaces(address, node.pnn)) {
    configured = *interfaces;
    for (const auto& name : *interfaces) {
      const StatusInterface* interface = find_interface(node, name);
      if (interface != nullptr && interface->link == "up") available.push_back(name);
    }
  }
  std::string line = address.address + " node[" + pnn_text(address.holder) + "] active[" +
                     (address.holder ? address.holder->interface : "") + "] available[" + joined(available, ",") +
                     "] configured[" + joined(configured, ",") + "] group[" + address.group.value_or("") + "]";
  if (address.table) line += " table[" + std::to_string(*address.table) + "]";
  if (!address.also_on.empty()) line += " also_on[" + also_on_text(address, true) + "]";
  return line;
}

// ip -v -n all: every node's interfaces for the address instead of one node's.
std::string verbose_line_all(const StatusAddress& address) {
  std::vector<std::string> candidates;
  for (const auto& candidate : address.candidates) {
    candidates.push_back(std::to_string(candidate.pnn) + ":" + joined(candidate.interfaces, ","));
  }
  std::string line = address.address + " node[" + pnn_text(address.holder) + "] active[" +
                     (address.holder ? address.holder->interface : "") + "] group[" + address.group.value_or("") +
                     "] candidates[" + joined(candidates, ";") + "]";
  if (address.table) line += " table[" + std::to_string(*address.table) + "]";
  if (!address.also_on.empty()) line += " also_on[" + also_on_text(address, true) + "]";
  return line;
}

std::string plain_line(const StatusAddress& address) {
  std::string line = address.address + " " + pnn_text(address.holder);
  if (!address.also_on.empty()) line += " also_on:" + also_on_text(address, false);
  return line;
}

std::string holding_text(const StatusAddress* address) {
  if (address == nullptr || !address->holder) return "node:-1 interface:-";
  std::string text = "node:" + std::to_string(address->holder->pnn) + " interface:" + address->holder->interface;
  if (!address->also_on.empty()) text += " also_on:" + also_on_text(*address, true);
  return text;
}

std::string group_line(const StatusGroup& group) {
  if (group.node) return "name:" + group.name + " node:" + std::to_string(*group.node);
  if (group.nodes.empty()) return "name:" + group.name + " node:-1";
  std::vector<std::string> nodes;
  for (auto pnn : group.nodes) nodes.push_back(std::to_string(pnn));
  return "name:" + group.name + " node:split nodes:" + joined(nodes, ",");
}

}  // namespace

View status_view(const Json& result, const ClusterStatus& status) {
  std::string text = "Number of nodes:" + std::to_string(status.nodes.size()) + "\n";
  for (const auto& node : status.nodes) {
    if (node.has_flag("DELETED")) continue;
    text += "pnn:" + std::to_string(node.pnn) + " " + padded(node.address.value_or("-"), 16) + " " +
            (node.flags.empty() ? std::string("OK") : joined(node.flags, "|")) +
            (node.this_node ? " (THIS NODE)" : "") + "\n";
  }
  text += "Epoch:" + std::to_string(status.epoch) + "\n";
  text += "Leader:" + (status.leader ? std::to_string(*status.leader) : std::string("none")) + "\n";
  return View{std::move(text), result};
}

Result<View> ip_view(const Json& result, const ClusterStatus& status, NodeChoice choice, bool is_verbose) {
  const StatusNode* node = nullptr;
  if (!choice.is_all) {
    auto chosen = reported_node(status, choice, "the addresses it may host are");
    if (!chosen) return fail(chosen.error());
    node = *chosen;
  }
  std::string text = node ? "Public IPs on node " + std::to_string(node->pnn) + "\n" : "Public IPs on ALL nodes\n";
  Json addresses = Json::array();
  for (std::size_t i = 0; i < status.addresses.size(); ++i) {
    const StatusAddress& address = status.addresses[i];
    if (node != nullptr && !address.concerns(node->pnn)) continue;
    const std::string line = !is_verbose ? plain_line(address)
                             : node      ? verbose_line(address, *node)
                                         : verbose_line_all(address);
    text += line + "\n";
    addresses.push_back(result["addresses"][i]);
  }
  Json json{{"node", node ? Json(node->pnn) : Json("all")}, {"addresses", std::move(addresses)}};
  return View{std::move(text), std::move(json)};
}

Result<View> ipinfo_view(const ClusterStatus& status, std::string_view address_text, NodeChoice choice) {
  auto chosen = reported_node(status, choice, "its interfaces are");
  if (!chosen) return fail(chosen.error());
  const StatusNode& node = **chosen;
  const StatusAddress* address = status.find_address(address_text);
  if (address == nullptr) return fail("", std::string(address_text) + " is not a public address of any node");
  const auto* configured = candidate_interfaces(*address, node.pnn);
  const std::vector<std::string> names = configured ? *configured : std::vector<std::string>{};
  std::string text = "Public IP[" + address->address + "] info on node " + std::to_string(node.pnn) + "\n" +
                     "IP:" + address->address + "\nCurrentNode:" + pnn_text(address->holder) +
                     "\nNumInterfaces:" + std::to_string(names.size()) + "\n";
  Json interfaces = Json::array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const StatusInterface* interface = find_interface(node, names[i]);
    const std::string link = interface ? interface->link : "unknown";
    const std::uint64_t references = interface ? interface->addresses : 0;
    bool is_active = address->holder && address->holder->pnn == node.pnn && address->holder->interface == names[i];
    for (const auto& other : address->also_on)
      is_active = is_active || (other.pnn == node.pnn && other.interface == names[i]);
    text += "Interface[" + std::to_string(i + 1) + "]: Name:" + names[i] + " Link:" + link +
            " References:" + std::to_string(references) + (is_active ? " (active)" : "") + "\n";
    interfaces.push_back({{"name", names[i]}, {"link", link}, {"addresses", references}, {"active", is_active}});
  }
  text += "Group:" + address->group.value_or("-") + "\n";
  if (!address->also_on.empty()) text += "AlsoOn:" + also_on_text(*address, true) + "\n";
  Json json{{"node", node.pnn},
            {"address", address->address},
            {"current_node", address->holder ? Json(address->holder->pnn) : Json(nullptr)},
            {"group", address->group ? Json(*address->group) : Json(nullptr)},
            {"interfaces", std::move(interfaces)}};
  return View{std::move(text), std::move(json)};
}

Result<View> ifaces_view(const Json& result, const ClusterStatus& status, NodeChoice choice) {
  auto chosen = reported_node(status, choice, "its interfaces are");
  if (!chosen) return fail(chosen.error());
  const StatusNode& node = **chosen;
  const std::string pnn = std::to_string(node.pnn);
  std::string text =
      node.interfaces.empty() ? "No interfaces configured on node " + pnn + "\n" : "Interfaces on node " + pnn + "\n";
  for (const auto& interface : node.interfaces) {
    text += "name:" + interface.name + " link:" + interface.link +
            (interface.reason ? " (" + *interface.reason + ")" : "") +
            " references:" + std::to_string(interface.addresses) + "\n";
  }
  const auto index = static_cast<std::size_t>(&node - status.nodes.data());
  Json json{{"node", node.pnn}, {"interfaces", result["nodes"][index]["interfaces"]}};
  return View{std::move(text), std::move(json)};
}

View groups_view(const Json& result, const ClusterStatus& status) {
  std::string text;
  for (const auto& group : status.groups) {
    text += group_line(group) + "\n";
    for (const auto& member : group.addresses) {
      text += "  " + member + " " + holding_text(status.find_address(member)) + "\n";
    }
  }
  return View{std::move(text), Json{{"groups", result["groups"]}}};
}

View listnodes_view(const ClusterStatus& status) {
  std::string text;
  Json nodes = Json::array();
  for (const auto& node : status.nodes) {
    if (node.has_flag("DELETED") || !node.address) continue;
    text += *node.address + "\n";
    nodes.push_back({{"pnn", node.pnn}, {"address", *node.address}});
  }
  return View{std::move(text), Json{{"nodes", std::move(nodes)}}};
}

Result<View> leader_view(const ClusterStatus& status) {
  if (!status.leader) return fail("", "there is no leader");
  return View{std::to_string(*status.leader) + "\n", Json{{"leader", *status.leader}}};
}

}  // namespace tandem::ctl
