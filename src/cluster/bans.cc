#include "cluster/bans.h"

namespace tandem::cluster {

void Bans::ban(NodeId node, TimePoint until) {
  credits_.erase(node);
  until_[node] = until;
}

void Bans::lift(NodeId node) {
  credits_.erase(node);
  until_.erase(node);
}

void Bans::expire(TimePoint now) {
  std::erase_if(until_, [&](const auto& entry) { return now >= entry.second; });
}

std::optional<TimePoint> Bans::banned_until(NodeId node) const {
  auto it = until_.find(node);
  if (it == until_.end()) return std::nullopt;
  return it->second;
}

std::uint32_t Bans::credits(NodeId node) const {
  auto it = credits_.find(node);
  return it == credits_.end() ? 0 : it->second;
}

}  // namespace tandem::cluster
