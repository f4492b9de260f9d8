#include "sim/invariant_checker.h"

#include <algorithm>

namespace tandem::sim {
namespace {

std::string node_name(NodeIndex node) { return "node " + std::to_string(node); }

}  // namespace

InvariantChecker::InvariantChecker(const std::vector<IpGroup>& groups) : groups_(groups) {
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    for (const auto& member : groups_[g].members) group_of_[member.address] = g;
  }
}

bool InvariantChecker::is_serving(NodeIndex node, TimePoint at) const {
  auto found = serving_until_.find(node);
  return found == serving_until_.end() || at < found->second;
}

// What `address` serving from `node` at `at` breaks, given what the other nodes serve.
std::vector<Violation> InvariantChecker::conflicts(TimePoint at, NodeIndex node, const IpAddress& address) const {
  std::vector<Violation> violations;
  if (auto found = holders_.find(address); found != holders_.end()) {
    for (const auto& other : found->second) {
      if (other.node == node || !is_serving(other.node, at)) continue;
      violations.push_back(Violation{at, kDuplicateIp,
                                     address.to_string() + " on " + node_name(other.node) + " and " + node_name(node)});
      break;
    }
  }
  if (auto split = split_check(at, node, address)) violations.push_back(std::move(*split));
  return violations;
}

std::vector<Violation> InvariantChecker::address_added(TimePoint at, NodeIndex node, const IpAddress& address) {
  std::vector<Violation> violations = conflicts(at, node, address);
  auto& holding = holders_[address];
  auto mine = std::find_if(holding.begin(), holding.end(), [&](const Holding& h) { return h.node == node; });
  if (mine == holding.end()) {
    holding.push_back(Holding{node, 1});
  } else {
    ++mine->count;
  }
  return violations;
}

std::optional<Violation> InvariantChecker::split_check(TimePoint at, NodeIndex node, const IpAddress& address) const {
  auto group = group_of_.find(address);
  if (group == group_of_.end()) return std::nullopt;
  for (const auto& member : groups_[group->second].members) {
    if (member.address == address) continue;
    auto found = holders_.find(member.address);
    if (found == holders_.end()) continue;
    for (const auto& other : found->second) {
      if (other.node == node || !is_serving(other.node, at)) continue;
      return Violation{at, kSplitGroup,
                       "group " + groups_[group->second].name.value() + ": " + address.to_string() + " on " +
                           node_name(node) + " while " + member.address.to_string() + " is on " +
                           node_name(other.node)};
    }
  }
  return std::nullopt;
}

std::vector<Violation> InvariantChecker::serving_limited(TimePoint at, NodeIndex node, TimePoint until) {
  const bool was_serving = is_serving(node, at);
  serving_until_[node] = until;
  std::vector<Violation> violations;
  if (was_serving || !is_serving(node, at)) return violations;
  for (const auto& [address, holding] : holders_) {
    const bool is_mine = std::any_of(holding.begin(), holding.end(), [&](const Holding& h) { return h.node == node; });
    if (!is_mine) continue;
    for (auto& violation : conflicts(at, node, address)) violations.push_back(std::move(violation));
  }
  return violations;
}

void InvariantChecker::address_removed(NodeIndex node, const IpAddress& address) {
  auto found = holders_.find(address);
  if (found == holders_.end()) return;
  auto& holding = found->second;
  auto mine = std::find_if(holding.begin(), holding.end(), [&](const Holding& h) { return h.node == node; });
  if (mine == holding.end()) return;
  if (--mine->count == 0) holding.erase(mine);
}

std::optional<Violation> InvariantChecker::announced(TimePoint at, NodeIndex node, const IpAddress& address,
                                                     const InterfaceName& interface,
                                                     const std::vector<proto::HeldAddress>& kernel) const {
  const bool is_held_there = std::any_of(kernel.begin(), kernel.end(), [&](const proto::HeldAddress& entry) {
    return entry.prefix.address == address && entry.interface == interface;
  });
  if (is_held_there) return std::nullopt;
  return Violation{at, kStaleAnnouncement,
                   node_name(node) + " announced " + address.to_string() + " on " + interface.value() +
                       ", which its kernel does not hold there"};
}

std::vector<NodeIndex> InvariantChecker::holders(const IpAddress& address) const {
  std::vector<NodeIndex> nodes;
  auto found = holders_.find(address);
  if (found == holders_.end()) return nodes;
  for (const auto& holding : found->second) nodes.push_back(holding.node);
  return nodes;
}

std::optional<Violation> InvariantChecker::daemon_state(TimePoint at, NodeIndex node, std::uint64_t incarnation,
                                                        std::uint64_t epoch, bool is_leader) {
  std::optional<Violation> violation;
  auto [seen, fresh] = epochs_.try_emplace(node, DaemonEpoch{incarnation, epoch});
  const bool is_restart = seen->second.incarnation != incarnation;
  // A restarted daemon resumes from the epoch its disk kept (cluster::PersistState).
  if (!fresh && (!is_restart || !wiped_.contains(node)) && epoch < seen->second.epoch) {
    violation = Violation{at, kEpoch,
                          node_name(node) + " went from epoch " + std::to_string(seen->second.epoch) + " back to " +
                              std::to_string(epoch) + (is_restart ? " across a restart that kept its disk" : "")};
  }
  if (is_restart) wiped_.erase(node);
  seen->second = DaemonEpoch{incarnation, epoch};
  if (!is_leader) {
    leaders_.erase(node);
    return violation;
  }
  leaders_[node] = epoch;
  for (const auto& [other, other_epoch] : leaders_) {
    if (other != node && other_epoch == epoch && !violation) {
      violation = Violation{at, kEpoch,
                            node_name(node) + " and " + node_name(other) + " both lead epoch " + std::to_string(epoch)};
    }
  }
  return violation;
}

void InvariantChecker::daemon_gone(NodeIndex node) { leaders_.erase(node); }

}  // namespace tandem::sim
