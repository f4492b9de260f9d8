// Synthetic clusters for the benchmarks: N identical nodes with two public interfaces,
// one shared address list, and groups of one or two IPs (the iSCSI shape: one IP per
// subnet, one subnet per interface). IPv6 documentation addresses, since 10,000 IPs do not
// fit in the IPv4 documentation ranges.
#pragma once

#include <cstddef>

#include "model/cluster_view.h"

namespace tandem::bench {

ClusterView make_cluster(std::size_t nodes, std::size_t ips, std::size_t group_size);

}  // namespace tandem::bench
