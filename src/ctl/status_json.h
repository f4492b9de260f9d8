// The `status` result (docs/design/control-protocol.md, "The status result"), made in the
// daemon from the leader's StatusReply and what this node knows itself.
//
// The reply says what each node reported; the context adds what only this node's files and
// state say: its own PNN, the leader it follows, the epoch, the nodes' addresses (nodes
// file) and the IP groups (ip_groups). The result shows faults rather than hiding them: an
// address two nodes hold is listed once with `also_on`, a group held by two nodes has them
// both in `nodes`, and a node whose monitor fails is UNHEALTHY even before the flag has
// gone round the cluster. Pure: no IO.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/ids.h"
#include "model/ip_address.h"
#include "model/ip_group.h"
#include "proto/message.h"

namespace tandem::ctl {

struct StatusContext {
  NodeId this_node;
  std::optional<NodeId> leader;                // the leader this node follows, if any
  std::uint64_t epoch = 0;                     // the highest epoch this node has seen
  std::map<NodeId, IpAddress> node_addresses;  // the nodes file; a node missing here has "address": null
  std::vector<IpGroup> groups;                 // ip_groups, in file order
  // The source-routing table of each routed address ([routing], config/routing.h): "table"
  // in the result; an address missing here has "table": null.
  std::map<IpAddress, std::uint32_t> routing_tables;
};

nlohmann::json status_to_json(const proto::StatusReply& reply, const StatusContext& context);

}  // namespace tandem::ctl
