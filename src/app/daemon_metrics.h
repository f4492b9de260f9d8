// The daemon's metrics: the node layer's counters, the mesh's, and gauges of what this node
// sees now, as one ctl::MetricsReport for `tandem statistics`, `tandem metrics` and the
// [metrics] textfile. Pure: the daemon gathers the input; this only names and shapes it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "ctl/metrics_report.h"
#include "model/cluster_view.h"
#include "model/ids.h"
#include "model/node_flags.h"
#include "node/counters.h"
#include "proto/message.h"
#include "sys/mesh_counters.h"

namespace tandem::app {

struct MetricsInput {
  NodeId self;
  node::Statistics statistics;
  sys::MeshCounters mesh;
  std::optional<NodeId> leader;  // the leader this node follows
  bool is_leader = false;
  std::uint64_t epoch = 0;
  bool has_lease = false;
  NodeFlags flags;                           // this node's
  std::map<InterfaceName, LinkState> links;  // this node's public interfaces
  std::vector<proto::HeldAddress> held;      // what this node holds
  double start_time_seconds = 0;             // Unix time of the daemon's start
};

ctl::MetricsReport build_metrics(const MetricsInput& input);

}  // namespace tandem::app
