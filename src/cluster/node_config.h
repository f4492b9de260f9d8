// NodeConfig: what one node's state machine is configured with.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"
#include "model/ip_group.h"
#include "model/public_address.h"
#include "model/tunables.h"

namespace tandem::cluster {

struct NodeConfig {
  NodeId self;
  std::vector<NodeId> nodes;     // every configured node that is not deleted, with self
  AddressList public_addresses;  // this node's own public_addresses
  std::vector<IpGroup> groups;   // the cluster-wide ip_groups
  Tunables tunables;
  bool has_cluster_lock = true;   // false: leadership by majority vote alone
  std::uint64_t random_seed = 0;  // election jitter; the only randomness, and an input
  // Reachability probe targets per public interface (tandem.conf [reachability]); an
  // interface not listed is judged by its carrier alone (cluster/reachability.h).
  std::map<InterfaceName, std::vector<IpAddress>> probe_targets;
};

}  // namespace tandem::cluster
