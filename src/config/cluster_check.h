// validate_cluster(): do the ip_groups file and the nodes' public_addresses fit together?
//
// Each file parses alone, but the mistakes that cost an outage are between them: a group
// address that no node lists can never be hosted, a preferred interface that no node has
// for it can never be preferred, and one address with two prefix lengths would be
// configured differently depending on where it lands. Pure: it compares parsed values; it
// never reads a file and never asks a node.
#pragma once

#include <span>
#include <string_view>

#include "base/result.h"
#include "config/ip_groups_file.h"
#include "config/nodes_file.h"
#include "model/ids.h"
#include "model/public_address.h"

namespace tandem::config {

// One node's public addresses, as read from its public_addresses file.
struct NodeAddresses {
  NodeId node;
  AddressList addresses;
};

// The first problem found, checking in this order:
//  1. an address listed with different prefix lengths on two nodes: the place is the later
//     node ("node 2"), and the cause names both nodes and both lengths;
//  2. for each group in file order, at its "FILE:LINE": an address that no node lists,
//     then a preferred interface that no node lists for that address.
Result<void> validate_cluster(const IpGroupsFile& groups, std::span<const NodeAddresses> nodes);

}  // namespace tandem::config

namespace tandem::config {

// A `nodes` address that is also one of this node's public addresses: the daemon would
// take it and give it away like any public IP, and at start remove it from the interface
// it carries the mesh on. The place is the nodes file's line ("nodes:2"); the cause names
// the public_addresses file. Deleted nodes ('#' lines) have no address and are skipped.
Result<void> check_nodes_not_public(std::string_view nodes_file, std::span<const NodeEntry> nodes,
                                    std::string_view public_addresses_file, const AddressList& addresses);

}  // namespace tandem::config
