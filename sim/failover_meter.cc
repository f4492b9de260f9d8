#include "sim/failover_meter.h"

#include <algorithm>
#include <cmath>

namespace tandem::sim {

void FailoverMeter::link_down(TimePoint at, NodeIndex node, const InterfaceName& interface,
                              const std::vector<proto::HeldAddress>& held) {
  fault(at, node);
  Pending pending{at, node, interface, {}};
  for (const auto& entry : held) {
    if (entry.interface == interface) pending.waiting.insert(entry.prefix.address);
  }
  if (!pending.waiting.empty()) interface_pending_.push_back(std::move(pending));
}

void FailoverMeter::power_lost(TimePoint at, NodeIndex node, const std::vector<proto::HeldAddress>& held) {
  fault_anywhere(at);
  Pending pending{at, node, InterfaceName(), {}};
  for (const auto& entry : held) pending.waiting.insert(entry.prefix.address);
  if (!pending.waiting.empty()) node_pending_.push_back(std::move(pending));
}

void FailoverMeter::planned_stop(TimePoint at, NodeIndex node, const std::vector<proto::HeldAddress>& held) {
  fault_anywhere(at);
  Pending pending{at, node, InterfaceName(), {}};
  for (const auto& entry : held) pending.waiting.insert(entry.prefix.address);
  if (!pending.waiting.empty()) stop_pending_.push_back(std::move(pending));
}

void FailoverMeter::fault(TimePoint at, NodeIndex node) {
  expire(at);
  std::erase_if(interface_pending_, [&](const Pending& p) { return p.node == node; });
}

void FailoverMeter::fault_anywhere(TimePoint at) {
  expire(at);
  interface_pending_.clear();
  node_pending_.clear();
  stop_pending_.clear();
}

void FailoverMeter::expire(TimePoint at) {
  std::erase_if(interface_pending_, [&](const Pending& p) { return at - p.start > give_up_; });
  std::erase_if(node_pending_, [&](const Pending& p) { return at - p.start > give_up_; });
  std::erase_if(stop_pending_, [&](const Pending& p) { return at - p.start > give_up_; });
}

void FailoverMeter::address_added(TimePoint at, NodeIndex node, const IpAddress& address,
                                  const InterfaceName& interface, bool interface_up) {
  for (auto it = interface_pending_.begin(); it != interface_pending_.end();) {
    if (it->node == node && interface != it->interface && interface_up) it->waiting.erase(address);
    if (it->waiting.empty()) {
      interface_samples_.push_back(at - it->start);
      it = interface_pending_.erase(it);
    } else {
      ++it;
    }
  }
  settle(node_pending_, node_samples_, at, node, address);
  settle(stop_pending_, stop_samples_, at, node, address);
}

void FailoverMeter::settle(std::vector<Pending>& pending, std::vector<Duration>& samples, TimePoint at, NodeIndex node,
                           const IpAddress& address) {
  for (auto it = pending.begin(); it != pending.end();) {
    if (it->node != node) it->waiting.erase(address);
    if (it->waiting.empty()) {
      samples.push_back(at - it->start);
      it = pending.erase(it);
    } else {
      ++it;
    }
  }
}

double percentile_ms(std::vector<Duration> samples, double p) {
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  const std::size_t index = rank == 0 ? 0 : std::min(rank, samples.size()) - 1;
  return std::chrono::duration<double, std::milli>(samples[index]).count();
}

}  // namespace tandem::sim
