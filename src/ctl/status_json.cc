#include "ctl/status_json.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

namespace tandem::ctl {

namespace {

using Json = nlohmann::json;

// Everything the nodes' reports say about one public address.
struct AddressFacts {
  std::optional<int> prefix;  // from the first list that has it, else from a holder
  std::vector<std::pair<NodeId, const std::vector<InterfaceName>*>> candidates;  // in node order
  std::vector<std::pair<NodeId, InterfaceName>> holders;                         // in node order
};

Json optional_node(std::optional<NodeId> node) { return node ? Json(node->value()) : Json(nullptr); }

std::vector<const proto::NodeStatus*> by_node(const proto::StatusReply& reply) {
  std::vector<const proto::NodeStatus*> nodes;
  for (const auto& node : reply.nodes) nodes.push_back(&node);
  std::stable_sort(nodes.begin(), nodes.end(), [](const auto* a, const auto* b) { return a->node < b->node; });
  return nodes;
}

// The node's interfaces: every link it reported, then any interface it holds an address on
// without reporting its link (a fault: shown, with link "unknown").
Json interfaces_json(const proto::NodeStatus& node) {
  std::map<InterfaceName, std::size_t> counts;
  for (const auto& held : node.held) ++counts[held.interface];
  Json out = Json::array();
  for (const auto& [name, link] : node.links) {
    const auto count = counts.find(name);
    Json entry{{"name", name.value()},
               {"link", link == LinkState::kUp ? "up" : "down"},
               {"addresses", count == counts.end() ? 0 : count->second}};
    // Why a down link is down ("no carrier", "no reply from ... for 3 probes"), when known.
    if (auto reason = node.link_reasons.find(name); reason != node.link_reasons.end() && link == LinkState::kDown) {
      entry["reason"] = reason->second;
    }
    out.push_back(std::move(entry));
  }
  for (const auto& [name, count] : counts) {
    if (!node.links.contains(name)) out.push_back({{"name", name.value()}, {"link", "unknown"}, {"addresses", count}});
  }
  return out;
}

Json node_json(const proto::NodeStatus& node, const StatusContext& context) {
  NodeFlags flags = node.flags;
  if (node.has_report && !node.monitor_healthy) flags = flags.with(NodeFlags::kUnhealthy);
  const auto address = context.node_addresses.find(node.node);
  return Json{{"pnn", node.node.value()},
              {"address", address == context.node_addresses.end() ? Json(nullptr) : Json(address->second.to_string())},
              {"connected", node.connected},
              {"flags", flags.names()},
              {"healthy", node.monitor_healthy},
              {"has_report", node.has_report},
              {"this_node", node.node == context.this_node},
              {"interfaces", interfaces_json(node)}};
}

std::map<IpAddress, AddressFacts> gather_addresses(const std::vector<const proto::NodeStatus*>& nodes) {
  std::map<IpAddress, AddressFacts> facts;
  for (const auto* node : nodes) {
    for (const auto& entry : node->addresses) {
      AddressFacts& address = facts[entry.address()];
      if (!address.prefix) address.prefix = entry.prefix.length;
      address.candidates.emplace_back(node->node, &entry.interfaces);
    }
  }
  for (const auto* node : nodes) {
    for (const auto& held : node->held) {
      AddressFacts& address = facts[held.prefix.address];
      if (!address.prefix) address.prefix = held.prefix.length;
      address.holders.emplace_back(node->node, held.interface);
    }
  }
  return facts;
}

Json address_json(const IpAddress& address, const AddressFacts& facts, const std::map<IpAddress, GroupName>& groups,
                  const std::map<IpAddress, std::uint32_t>& tables) {
  Json candidates = Json::array();
  for (const auto& [node, interfaces] : facts.candidates) {
    Json names = Json::array();
    for (const auto& name : *interfaces) names.push_back(name.value());
    candidates.push_back({{"pnn", node.value()}, {"interfaces", std::move(names)}});
  }
  const auto group = groups.find(address);
  const auto table = tables.find(address);
  Json out{{"address", address.to_string()},
           {"prefix", static_cast<unsigned>(facts.prefix.value_or(address.bit_length()))},
           {"node", facts.holders.empty() ? Json(nullptr) : Json(facts.holders.front().first.value())},
           {"interface", facts.holders.empty() ? Json(nullptr) : Json(facts.holders.front().second.value())},
           {"group", group == groups.end() ? Json(nullptr) : Json(group->second.value())},
           {"table", table == tables.end() ? Json(nullptr) : Json(table->second)},
           {"candidates", std::move(candidates)}};
  if (facts.holders.size() > 1) {
    Json also_on = Json::array();
    for (auto it = facts.holders.begin() + 1; it != facts.holders.end(); ++it) {
      also_on.push_back({{"pnn", it->first.value()}, {"interface", it->second.value()}});
    }
    out["also_on"] = std::move(also_on);
  }
  return out;
}

Json group_json(const IpGroup& group, const std::map<IpAddress, AddressFacts>& facts) {
  std::set<NodeId> holders;
  Json addresses = Json::array();
  for (const auto& member : group.members) {
    addresses.push_back(member.address.to_string());
    const auto found = facts.find(member.address);
    if (found == facts.end()) continue;
    for (const auto& [node, interface] : found->second.holders) holders.insert(node);
  }
  Json nodes = Json::array();
  for (NodeId node : holders) nodes.push_back(node.value());
  return Json{{"name", group.name.value()},
              {"node", holders.size() == 1 ? Json(holders.begin()->value()) : Json(nullptr)},
              {"nodes", std::move(nodes)},
              {"addresses", std::move(addresses)},
              {"on_path_loss", std::string(to_string(group.on_path_loss))}};
}

}  // namespace

Json status_to_json(const proto::StatusReply& reply, const StatusContext& context) {
  const auto nodes = by_node(reply);
  Json nodes_json = Json::array();
  for (const auto* node : nodes) nodes_json.push_back(node_json(*node, context));

  std::map<IpAddress, GroupName> group_of;
  for (const auto& group : context.groups) {
    for (const auto& member : group.members) group_of.emplace(member.address, group.name);
  }
  const auto facts = gather_addresses(nodes);
  Json addresses = Json::array();
  for (const auto& [address, known] : facts)
    addresses.push_back(address_json(address, known, group_of, context.routing_tables));

  Json groups = Json::array();
  for (const auto& group : context.groups) groups.push_back(group_json(group, facts));

  return Json{{"this_node", context.this_node.value()},
              {"leader", optional_node(context.leader)},
              {"epoch", context.epoch},
              {"from_leader", reply.from_leader},
              {"nodes", std::move(nodes_json)},
              {"addresses", std::move(addresses)},
              {"groups", std::move(groups)}};
}

}  // namespace tandem::ctl
