// plan_takeover(): the orders that move a cluster from what it holds to an assignment. PURE.
//
// Releases and takes are separate lists because a takeover run carries out every release
// (and waits for the acknowledgements) before any take: so an address is never on two
// nodes, and a group is never split, even for a moment. Updates move an address between
// interfaces of the node that holds it and need no such care.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "model/assignment.h"
#include "model/ip_group.h"
#include "proto/message.h"

namespace tandem::cluster {

struct NodeOrders {
  std::vector<proto::TakeoverItem> releases;
  std::vector<proto::TakeoverItem> takes;
  std::vector<proto::TakeoverItem> updates;

  bool empty() const { return releases.empty() && takes.empty() && updates.empty(); }
};

struct TakeoverPlan {
  std::map<NodeId, NodeOrders> orders;  // only nodes with something to do
  std::size_t skipped_groups = 0;       // left alone because a frozen node holds part of them

  bool has_releases() const;
  bool empty() const { return orders.empty(); }
};

struct PlanInput {
  // What every node holds, by node, as its reports say.
  std::map<NodeId, std::vector<proto::HeldAddress>> held;
  // What a node may hold without having confirmed it (a take it did not acknowledge):
  // released like held addresses wherever they should not be, and taken again (takes are
  // idempotent) where they should.
  std::map<NodeId, std::vector<proto::HeldAddress>> maybe_held;
  Assignment planned;
  std::vector<IpGroup> groups;             // from ip_groups; other addresses are groups of one
  std::map<IpAddress, IpPrefix> prefixes;  // the prefix each address is configured with
  // Nodes that may hold addresses we cannot see (lost, lease not yet waited out): any group
  // with an address on such a node is not touched.
  std::set<NodeId> frozen;
};

TakeoverPlan plan_takeover(const PlanInput& input);

}  // namespace tandem::cluster
