// Allocation time and quality for 10 to 1,000 nodes and 100 to 10,000 IPs, groups of one
// and two: from empty, and after the node with the most groups fails. Run:
//   build/release/bench/alloc_bench --benchmark_format=json --benchmark_repetitions=5
// Counters: `moves` (IPs whose placement changed) and `spread` (most minus fewest groups on
// a hosting node) say that the answer is good, not only fast.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>

#include "alloc/allocate.h"
#include "cluster_generator.h"

namespace tandem::bench {
namespace {

using IpsPerNode = std::map<std::uint32_t, std::size_t>;

bool fewer(const IpsPerNode::value_type& a, const IpsPerNode::value_type& b) { return a.second < b.second; }

// IPs hosted per node; `counted` starts at zero for the nodes that must appear anyway.
IpsPerNode ips_per_node(const Assignment& assignment, IpsPerNode counted = {}) {
  for (const auto& entry : assignment.ips()) {
    if (entry.placement) ++counted[entry.placement->node.value()];
  }
  return counted;
}

double group_spread(const ClusterView& view, const Assignment& assignment, std::size_t group_size) {
  IpsPerNode healthy;
  for (const auto& node : view.nodes) {
    if (node.flags.is_healthy()) healthy[node.pnn.value()] = 0;
  }
  const IpsPerNode ips = ips_per_node(assignment, std::move(healthy));
  auto [fewest, most] = std::minmax_element(ips.begin(), ips.end(), fewer);
  return static_cast<double>((most->second - fewest->second) / group_size);
}

NodeId busiest_node(const Assignment& assignment) {
  const IpsPerNode ips = ips_per_node(assignment);
  return NodeId(std::max_element(ips.begin(), ips.end(), fewer)->first);
}

void from_empty(benchmark::State& state) {
  const auto group_size = static_cast<std::size_t>(state.range(2));
  const ClusterView view =
      make_cluster(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)), group_size);
  const Tunables tunables;
  const Assignment empty;
  Assignment result;
  for (auto _ : state) {
    result = alloc::allocate(view, tunables, empty);
    benchmark::DoNotOptimize(result);
  }
  state.counters["moves"] = static_cast<double>(count_moves(empty, result));
  state.counters["spread"] = group_spread(view, result, group_size);
}

void after_node_failure(benchmark::State& state) {
  const auto group_size = static_cast<std::size_t>(state.range(2));
  ClusterView view =
      make_cluster(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)), group_size);
  const Tunables tunables;
  const Assignment before = alloc::allocate(view, tunables, Assignment());
  const NodeId failed = busiest_node(before);
  for (auto& node : view.nodes) {
    if (node.pnn == failed) node.flags = node.flags.with(NodeFlags::kDisconnected);
  }
  Assignment result;
  for (auto _ : state) {
    result = alloc::allocate(view, tunables, before);
    benchmark::DoNotOptimize(result);
  }
  state.counters["moves"] = static_cast<double>(count_moves(before, result));
  state.counters["spread"] = group_spread(view, result, group_size);
}

void sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"nodes", "ips", "group"});
  for (std::int64_t nodes : {10, 100, 1000}) {
    for (std::int64_t ips : {100, 1000, 10000}) {
      for (std::int64_t group : {1, 2}) benchmark->Args({nodes, ips, group});
    }
  }
  benchmark->Unit(benchmark::kMillisecond);
}

BENCHMARK(from_empty)->Apply(sizes);
BENCHMARK(after_node_failure)->Apply(sizes);

}  // namespace
}  // namespace tandem::bench

BENCHMARK_MAIN();
