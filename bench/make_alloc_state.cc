// Writes a cluster state for `tandem alloc` to stdout: the benchmark cluster of
// cluster_generator.h, allocated once, with one node failed. Usage:
//   make_alloc_state NODES IPS GROUP_SIZE
// The state's `current` is the allocation before the failure, so `tandem alloc` on it does
// the work a leader does when a node dies.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "alloc/allocate.h"
#include "cluster_generator.h"

namespace {

void write_state(const tandem::ClusterView& view, const tandem::Assignment& current, std::ostream& out) {
  out << "{\"tunables\": {\"IPAllocAlgorithm\": \"lcp2\"},\n\"addresses\": [\n";
  const auto& list = *view.nodes.front().addresses;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out << (i ? ",\n" : "") << "{\"ip\": \"" << list[i].prefix.to_string()
        << "\", \"interfaces\": [\"eth1\", \"eth2\"]}";
  }
  out << "],\n\"nodes\": [\n";
  for (std::size_t n = 0; n < view.nodes.size(); ++n) {
    out << (n ? ",\n" : "") << "{\"pnn\": " << view.nodes[n].pnn.value() << ", \"flags\": ["
        << (view.nodes[n].flags.is_healthy() ? "" : "\"DISCONNECTED\"")
        << "], \"interfaces\": {\"eth1\": \"up\", \"eth2\": \"up\"}}";
  }
  out << "],\n\"groups\": [\n";
  for (std::size_t g = 0; g < view.groups.size(); ++g) {
    out << (g ? ",\n" : "") << "{\"name\": \"" << view.groups[g].name.value() << "\", \"ips\": [";
    for (std::size_t m = 0; m < view.groups[g].members.size(); ++m) {
      const auto& member = view.groups[g].members[m];
      out << (m ? ", " : "") << "\"" << member.address.to_string() << "@" << member.preferred->value() << "\"";
    }
    out << "]}";
  }
  out << "],\n\"current\": {\n";
  bool first = true;
  for (const auto& entry : current.ips()) {
    if (!entry.placement) continue;
    out << (first ? "" : ",\n") << "\"" << entry.address.to_string()
        << "\": {\"pnn\": " << entry.placement->node.value() << ", \"interface\": \""
        << entry.placement->interface.value() << "\"}";
    first = false;
  }
  out << "}}\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: make_alloc_state NODES IPS GROUP_SIZE\n");
    return 2;
  }
  const auto nodes = std::strtoul(argv[1], nullptr, 10);
  const auto ips = std::strtoul(argv[2], nullptr, 10);
  const auto group_size = std::strtoul(argv[3], nullptr, 10);
  if (nodes == 0 || ips == 0 || group_size == 0 || group_size > 2) {
    std::fprintf(stderr, "make_alloc_state: NODES and IPS must be positive, GROUP_SIZE 1 or 2\n");
    return 2;
  }
  tandem::ClusterView view = tandem::bench::make_cluster(nodes, ips, group_size);
  const tandem::Assignment before = tandem::alloc::allocate(view, tandem::Tunables(), tandem::Assignment());
  view.nodes.front().flags = view.nodes.front().flags.with(tandem::NodeFlags::kDisconnected);
  write_state(view, before, std::cout);
  return 0;
}
