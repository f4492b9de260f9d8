// ClusterView: what the leader knows of every node when it allocates public IPs.
#pragma once

#include <map>
#include <vector>

#include "model/ids.h"
#include "model/ip_group.h"
#include "model/node_flags.h"
#include "model/public_address.h"

namespace tandem {

enum class LinkState : std::uint8_t { kDown = 0, kUp = 1 };

struct NodeView {
  NodeId pnn;
  NodeFlags flags;
  std::map<InterfaceName, LinkState> links;  // an interface not listed is treated as down
  SharedAddressList addresses;               // never null

  friend bool operator==(const NodeView&, const NodeView&) = default;
};

struct ClusterView {
  std::vector<NodeView> nodes;
  // Groups from ip_groups. An address that is in no group is a group of its own.
  std::vector<IpGroup> groups;
  // Groups an administrator moved by hand (moveip, movegroup), named by one of their
  // addresses: each stays on its node while that node serves it as well as any, and is
  // never moved to rebalance.
  std::vector<std::pair<IpAddress, NodeId>> pins;
};

}  // namespace tandem
