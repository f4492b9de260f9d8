#include "config/cluster_check.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>

#include "config/lines.h"

namespace tandem::config {

namespace {

// What the nodes together say about one address.
struct AddressFacts {
  NodeId first_node;
  int prefix_length = 0;
  std::set<InterfaceName> interfaces;  // over every node that lists the address
};

using AddressTable = std::unordered_map<IpAddress, AddressFacts>;

Result<AddressTable> gather(std::span<const NodeAddresses> nodes) {
  AddressTable table;
  for (const NodeAddresses& node : nodes) {
    for (const PublicAddress& address : node.addresses) {
      auto [it, is_new] = table.try_emplace(address.address(), AddressFacts{node.node, address.prefix.length, {}});
      AddressFacts& facts = it->second;
      if (!is_new && facts.prefix_length != address.prefix.length) {
        return fail("node " + std::to_string(node.node.value()),
                    "public address " + address.prefix.to_string() + " on node " + std::to_string(node.node.value()) +
                        " has prefix length /" + std::to_string(facts.prefix_length) + " on node " +
                        std::to_string(facts.first_node.value()) +
                        "; every node must list an address with the same prefix length");
      }
      facts.interfaces.insert(address.interfaces.begin(), address.interfaces.end());
    }
  }
  return table;
}

std::string joined(const std::set<InterfaceName>& interfaces) {
  std::string out;
  for (const InterfaceName& name : interfaces) out += (out.empty() ? "" : ", ") + name.value();
  return out;
}

Result<void> check_member(const GroupMember& member, const std::string& group_name, const AddressTable& table) {
  auto it = table.find(member.address);
  if (it == table.end()) {
    return fail("", "address " + member.address.to_string() + " of group " + group_name +
                        " is in no node's public_addresses, so no node can host it");
  }
  if (member.preferred && !it->second.interfaces.contains(*member.preferred)) {
    return fail("", "preferred interface " + member.preferred->value() + " of " + member.address.to_string() +
                        " in group " + group_name +
                        " is not listed for that address on any node (listed: " + joined(it->second.interfaces) + ")");
  }
  return success();
}

}  // namespace

Result<void> validate_cluster(const IpGroupsFile& groups, std::span<const NodeAddresses> nodes) {
  auto table = gather(nodes);
  if (!table) return fail(table.error());
  for (const GroupEntry& entry : groups.entries) {
    for (const GroupMember& member : entry.group.members) {
      auto checked = check_member(member, entry.group.name.value(), *table);
      if (!checked) return fail(place(groups.file_name, entry.line), checked.error().cause);
    }
  }
  return success();
}

}  // namespace tandem::config

namespace tandem::config {

Result<void> check_nodes_not_public(std::string_view nodes_file, std::span<const NodeEntry> nodes,
                                    std::string_view public_addresses_file, const AddressList& addresses) {
  for (const NodeEntry& node : nodes) {
    if (node.is_deleted()) continue;
    const auto is_same = [&](const PublicAddress& address) { return address.address() == *node.address; };
    if (std::none_of(addresses.begin(), addresses.end(), is_same)) continue;
    return fail(std::string(nodes_file) + ":" + std::to_string(node.line),
                node.address->to_string() + " is node " + std::to_string(node.pnn.value()) +
                    "'s address and also a public address in " + std::string(public_addresses_file) +
                    "; a node's own address must not float (the daemon would remove it from its interface)");
  }
  return success();
}

}  // namespace tandem::config
