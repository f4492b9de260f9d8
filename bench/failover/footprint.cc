#include "failover/footprint.h"

#include <thread>

#include "lab/netns.h"

namespace tandem::bench {

Result<Footprint> measure_footprint(const lab::Lab& lab, std::chrono::seconds idle) {
  auto status = lab.status();
  if (!status) return fail(status.error());
  Footprint footprint;
  std::vector<std::uint64_t> ticks_before;
  for (const auto& node : status->nodes) {
    if (!node.daemon.is_running) return fail("footprint", node.name + "'s tandemd is not running");
    auto ticks = read_cpu_ticks(node.daemon.pid);
    if (!ticks) return fail(ticks.error());
    footprint.nodes.push_back(NodeFootprint{node.name, node.daemon.pid, {}, 0, 0});
    ticks_before.push_back(*ticks);
  }
  const std::int64_t start_ms = lab::monotonic_ms();
  std::this_thread::sleep_for(idle);
  footprint.idle_seconds = static_cast<double>(lab::monotonic_ms() - start_ms) / 1000.0;
  for (std::size_t i = 0; i < footprint.nodes.size(); ++i) {
    NodeFootprint& node = footprint.nodes[i];
    auto ticks = read_cpu_ticks(node.pid);
    auto memory = read_memory_usage(node.pid);
    if (!ticks) return fail(ticks.error());
    if (!memory) return fail(memory.error());
    node.memory = *memory;
    node.cpu_ticks = *ticks - ticks_before[i];
    node.cpu_percent = cpu_percent(node.cpu_ticks, footprint.idle_seconds);
  }
  return footprint;
}

}  // namespace tandem::bench
