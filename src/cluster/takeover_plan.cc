#include "cluster/takeover_plan.h"

#include <map>
#include <algorithm>
#include <optional>

namespace tandem::cluster {

namespace {

struct Holder {
  NodeId node;
  InterfaceName interface;
  IpPrefix prefix;
  bool is_confirmed = true;
};

struct GroupOfAddresses {
  std::optional<GroupName> name;
  std::vector<IpAddress> addresses;
};

// Groups from ip_groups plus a group of one for every other address that is held or planned.
std::vector<GroupOfAddresses> all_groups(const PlanInput& input,
                                         const std::map<IpAddress, std::vector<Holder>>& holders) {
  std::vector<GroupOfAddresses> groups;
  std::set<IpAddress> grouped;
  for (const auto& group : input.groups) {
    GroupOfAddresses entry{group.name, {}};
    for (const auto& member : group.members) {
      entry.addresses.push_back(member.address);
      grouped.insert(member.address);
    }
    groups.push_back(std::move(entry));
  }
  std::set<IpAddress> singles;
  for (const auto& [address, who] : holders) {
    if (!grouped.contains(address)) singles.insert(address);
  }
  for (const auto& entry : input.planned.ips()) {
    if (!grouped.contains(entry.address)) singles.insert(entry.address);
  }
  for (const auto& address : singles) groups.push_back(GroupOfAddresses{std::nullopt, {address}});
  return groups;
}

bool touches_frozen(const GroupOfAddresses& group, const std::map<IpAddress, std::vector<Holder>>& holders,
                    const std::set<NodeId>& frozen) {
  for (const auto& address : group.addresses) {
    auto it = holders.find(address);
    if (it == holders.end()) continue;
    for (const auto& holder : it->second) {
      if (frozen.contains(holder.node)) return true;
    }
  }
  return false;
}

void plan_group(const GroupOfAddresses& group, const PlanInput& input,
                const std::map<IpAddress, std::vector<Holder>>& holders, TakeoverPlan& plan) {
  for (const auto& address : group.addresses) {
    const auto placement = input.planned.placement_of(address);
    const auto held = holders.find(address);
    bool is_on_target = false;
    if (held != holders.end()) {
      for (const auto& holder : held->second) {
        if (placement && holder.node == placement->node) {
          if (!holder.is_confirmed) continue;  // take it again: that confirms it
          is_on_target = true;
          if (holder.interface != placement->interface) {
            plan.orders[holder.node].updates.push_back({holder.prefix, placement->interface, group.name});
          }
          continue;
        }
        plan.orders[holder.node].releases.push_back({holder.prefix, holder.interface, group.name});
      }
    }
    if (!placement || is_on_target) continue;
    auto prefix = input.prefixes.find(address);
    if (prefix == input.prefixes.end()) continue;  // nobody lists it: nothing to configure
    plan.orders[placement->node].takes.push_back({prefix->second, placement->interface, group.name});
  }
}

}  // namespace

bool TakeoverPlan::has_releases() const {
  for (const auto& [node, node_orders] : orders) {
    if (!node_orders.releases.empty()) return true;
  }
  return false;
}

TakeoverPlan plan_takeover(const PlanInput& input) {
  std::map<IpAddress, std::vector<Holder>> holders;
  for (const auto& [node, held] : input.held) {
    for (const auto& entry : held) holders[entry.prefix.address].push_back({node, entry.interface, entry.prefix});
  }
  for (const auto& [maybe_holder, held] : input.maybe_held) {
    const NodeId node = maybe_holder;  // a lambda may not capture a structured binding before clang 16
    for (const auto& entry : held) {
      auto& who = holders[entry.prefix.address];
      const bool is_known = std::any_of(who.begin(), who.end(), [&](const Holder& h) { return h.node == node; });
      if (!is_known) who.push_back({node, entry.interface, entry.prefix, false});
    }
  }
  TakeoverPlan plan;
  for (const auto& group : all_groups(input, holders)) {
    if (touches_frozen(group, holders, input.frozen)) {
      ++plan.skipped_groups;
      continue;
    }
    plan_group(group, input, holders, plan);
  }
  return plan;
}

}  // namespace tandem::cluster
