#include "alloc/allocate.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <optional>
#include <set>
#include <tuple>

#include "alloc/cluster_index.h"
#include "alloc/interface_choice.h"
#include "base/check.h"

namespace tandem::alloc {

namespace {

// Decides which node hosts each group. Load is counted in groups first (the unit of
// balance), then in IPs; under LCP2 the next criterion is CTDB's: the sum over the node's
// IPs of the squared common-prefix length with the newcomer's IPs, so that IPs of one
// subnet repel each other. Node number breaks the last tie.
class GroupPlacer {
 public:
  GroupPlacer(const ClusterIndex& index, const Tunables& tunables);

  // Fills node_of_group(): kNoIndex where the group is not hosted.
  void run();
  const std::vector<Index>& node_of_group() const { return node_of_group_; }

 private:
  using LoadKey = std::tuple<std::uint32_t, std::uint32_t, Index>;  // groups, IPs, node

  // An IP as LCP2's inner loop reads it: contiguous per node, no indirection.
  struct Lcp2Ip {
    std::uint64_t high_bits;
    std::uint64_t low_bits;
    int bit_length;
    Index group;
  };

  struct Choice {
    Index node = kNoIndex;
    std::uint64_t cost = 0;  // LCP2 cost of adding the group there
  };

  std::uint32_t servable(Index group, Index node) const;
  bool serves_best(Index group, Index node) const;
  bool keeps_lost_path(Index group, Index node) const;
  bool can_stay(Index group, Index node) const;
  bool may_rebalance(Index group, Index node) const;
  void keep_or_home();
  Index current_node(Index group) const;
  void place_unplaced();
  void rebalance();
  bool move_one_from(Index source);
  Choice choose_node(Index group, Index excluded, std::uint32_t groups_max) const;
  // Stops counting once past `bound`: the caller only needs to know it lost.
  std::uint64_t lcp2_cost(Index group, Index node,
                          std::uint64_t bound = std::numeric_limits<std::uint64_t>::max()) const;
  Lcp2Ip lcp2_ip(Index ip) const { return lcp2_ips_[ip]; }
  void assign(Index group, Index node);
  void unassign(Index group);
  LoadKey key(Index node) const { return {static_cast<std::uint32_t>(groups_on_[node].size()), ip_count_[node], node}; }
  void unindex(Index node);
  void reindex(Index node);

  const ClusterIndex& index_;
  const Tunables& tunables_;
  const bool uses_lcp2_;
  std::vector<Index> node_of_group_;
  std::vector<std::vector<Index>> groups_on_;          // per node, unordered
  std::vector<Lcp2Ip> lcp2_ips_;                       // per IP, when LCP2 is in use
  std::vector<std::vector<Lcp2Ip>> ips_on_;            // per node: its servable IPs, for LCP2
  std::vector<std::uint32_t> ip_count_;                // per node
  std::vector<std::set<LoadKey>> by_load_;             // per class: its nodes, least loaded first
  std::set<std::pair<std::size_t, Index>> by_groups_;  // every hosting node: (groups, node)
};

GroupPlacer::GroupPlacer(const ClusterIndex& index, const Tunables& tunables)
    : index_(index),
      tunables_(tunables),
      uses_lcp2_(tunables.algorithm() == AllocAlgorithm::kLcp2),
      node_of_group_(index.groups.size(), kNoIndex),
      groups_on_(index.nodes.size()),
      ips_on_(index.nodes.size()),
      ip_count_(index.nodes.size(), 0),
      by_load_(index.classes.size()) {
  if (uses_lcp2_) {
    lcp2_ips_.reserve(index.ips.size());
    for (const auto& ip : index.ips) {
      lcp2_ips_.push_back({ip.address.high_bits(), ip.address.low_bits(), ip.address.bit_length(), ip.group});
    }
  }
  for (Index n = 0; n < index.nodes.size(); ++n) {
    if (index.nodes[n].may_host) reindex(n);
  }
}

void GroupPlacer::run() {
  keep_or_home();
  if (tunables_.no_ip_takeover != 0) return;  // nobody takes a group it does not hold
  place_unplaced();
  const bool rebalances = tunables_.algorithm() != AllocAlgorithm::kDeterministic && tunables_.no_ip_failback == 0;
  if (rebalances) rebalance();
}

std::uint32_t GroupPlacer::servable(Index group, Index node) const {
  const NodeEntry& entry = index_.nodes[node];
  if (!entry.may_host) return 0;
  return index_.classes[entry.node_class].servable[group];
}

// Whether a node serves as many of a group's IPs as any node could (a node that can serve
// all of a group beats one that can serve some).
bool GroupPlacer::serves_best(Index group, Index node) const {
  const std::uint32_t count = servable(group, node);
  return count != 0 && count == index_.best_servable[group];
}

// Whether the group has lost a path on this node and stays there anyway, because it says
// on-path-loss=stay: the node serves some of its IPs, not all.
bool GroupPlacer::keeps_lost_path(Index group, Index node) const {
  if (node == kNoIndex || index_.groups[group].on_path_loss != PathLossPolicy::kStay) return false;
  const std::uint32_t count = servable(group, node);
  return count != 0 && count < index_.groups[group].ips.size();
}

// A group stays where it is while its node serves it best. Under NoIPTakeover there is
// nowhere else to go, so serving any of its IPs is enough; and a group that lost a path
// under on-path-loss=stay stays too, rather than interrupt the paths it still has.
bool GroupPlacer::can_stay(Index group, Index node) const {
  if (serves_best(group, node) || keeps_lost_path(group, node)) return true;
  return tunables_.no_ip_takeover != 0 && servable(group, node) != 0;
}

// Rebalancing moves neither a group put on its node by hand nor one that stays there with
// a lost path: moving it would interrupt the paths the policy is there to keep.
bool GroupPlacer::may_rebalance(Index group, Index node) const {
  return index_.groups[group].pinned_node != node && !keeps_lost_path(group, node);
}

// The deterministic algorithm puts every group it can on its home node (group i on node
// i mod N, as CTDB does); then, for every algorithm, a group stays on its current node (the
// one holding most of its IPs, lowest PNN on a tie) while that node serves it best. So under
// the deterministic algorithm too, a group kept from home by a failure does not wander
// each time something unrelated changes.
void GroupPlacer::keep_or_home() {
  for (Index g = 0; g < index_.groups.size(); ++g) {
    const Index pinned = index_.groups[g].pinned_node;
    if (pinned != kNoIndex && can_stay(g, pinned)) assign(g, pinned);
  }
  const bool is_deterministic =
      tunables_.algorithm() == AllocAlgorithm::kDeterministic && tunables_.no_ip_takeover == 0;
  if (is_deterministic && !index_.nodes.empty()) {
    for (Index g = 0; g < index_.groups.size(); ++g) {
      const auto home = static_cast<Index>(g % index_.nodes.size());
      if (node_of_group_[g] != kNoIndex || keeps_lost_path(g, current_node(g))) continue;
      if (serves_best(g, home)) assign(g, home);
    }
  }
  for (Index g = 0; g < index_.groups.size(); ++g) {
    if (node_of_group_[g] != kNoIndex) continue;
    const Index node = current_node(g);
    if (node != kNoIndex && can_stay(g, node)) assign(g, node);
  }
}

Index GroupPlacer::current_node(Index group) const {
  std::vector<Index> holders;
  for (Index ip : index_.groups[group].ips) {
    if (index_.ips[ip].current_node != kNoIndex) holders.push_back(index_.ips[ip].current_node);
  }
  std::sort(holders.begin(), holders.end());
  Index node = kNoIndex;
  std::size_t best_run = 0;
  for (std::size_t i = 0; i < holders.size();) {
    std::size_t j = i;
    while (j < holders.size() && holders[j] == holders[i]) ++j;
    if (j - i > best_run) {
      best_run = j - i;
      node = holders[i];
    }
    i = j;
  }
  return node;
}

// The most constrained groups go first, so a group that only a few nodes can serve is not
// crowded out by one that could have gone anywhere.
void GroupPlacer::place_unplaced() {
  std::vector<std::pair<std::size_t, Index>> order;
  for (Index g = 0; g < index_.groups.size(); ++g) {
    if (node_of_group_[g] != kNoIndex || index_.best_servable[g] == 0) continue;
    std::size_t candidates = 0;
    for (const auto& node_class : index_.classes) {
      if (node_class.servable[g] == index_.best_servable[g]) candidates += node_class.nodes.size();
    }
    order.emplace_back(candidates, g);
  }
  std::sort(order.begin(), order.end());
  for (const auto& [candidates, g] : order) {
    const Choice choice = choose_node(g, kNoIndex, std::numeric_limits<std::uint32_t>::max());
    TANDEM_CHECK(choice.node != kNoIndex);
    assign(g, choice.node);
  }
}

GroupPlacer::Choice GroupPlacer::choose_node(Index group, Index excluded, std::uint32_t groups_max) const {
  // First the lightest load among the nodes that serve the group best ...
  std::pair<std::uint32_t, std::uint32_t> lightest{std::numeric_limits<std::uint32_t>::max(), 0};
  for (std::size_t c = 0; c < index_.classes.size(); ++c) {
    if (index_.classes[c].servable[group] != index_.best_servable[group]) continue;
    for (const auto& [groups, ips, node] : by_load_[c]) {
      if (node == excluded) continue;
      lightest = std::min(lightest, {groups, ips});
      break;
    }
  }
  Choice best;
  if (lightest.first > groups_max) return best;
  // ... then, among the nodes at that load, the cheapest by LCP2 and the lowest number.
  for (std::size_t c = 0; c < index_.classes.size(); ++c) {
    if (index_.classes[c].servable[group] != index_.best_servable[group]) continue;
    for (const auto& [groups, ips, node] : by_load_[c]) {
      if (node == excluded) continue;
      if (std::pair{groups, ips} != lightest) break;
      const std::uint64_t cost =
          uses_lcp2_
              ? lcp2_cost(group, node, best.node == kNoIndex ? std::numeric_limits<std::uint64_t>::max() : best.cost)
              : 0;
      if (best.node == kNoIndex || std::tie(cost, node) < std::tie(best.cost, best.node)) best = {node, cost};
      if (!uses_lcp2_) break;
    }
  }
  return best;
}

// CTDB's LCP2 measure: the square of the common-prefix length between each of the group's
// IPs and each IP the node has (other than the group's own). Unlike CTDB, IPv4 addresses
// are compared as 32-bit strings and never against IPv6 ones, so unrelated IPv4 subnets do
// not look alike through 96 shared zero bits.
std::uint64_t GroupPlacer::lcp2_cost(Index group, Index node, std::uint64_t bound) const {
  std::uint64_t cost = 0;
  for (Index ip : index_.groups[group].ips) {
    const Lcp2Ip newcomer = lcp2_ip(ip);
    for (const Lcp2Ip& other : ips_on_[node]) {
      if (other.group == group || other.bit_length != newcomer.bit_length) continue;
      const std::uint64_t high = newcomer.high_bits ^ other.high_bits;
      const int length =
          std::min(high != 0 ? std::countl_zero(high) : 64 + std::countl_zero(newcomer.low_bits ^ other.low_bits),
                   newcomer.bit_length);
      cost += static_cast<std::uint64_t>(length * length);
    }
    if (cost > bound) return cost;
  }
  return cost;
}

void GroupPlacer::rebalance() {
  while (!by_groups_.empty()) {
    const std::size_t fewest = by_groups_.begin()->first;
    bool moved = false;
    for (auto it = by_groups_.rbegin(); it != by_groups_.rend() && it->first >= fewest + 2; ++it) {
      if (move_one_from(it->second)) {
        moved = true;
        break;
      }
    }
    if (!moved) return;
  }
}

// Moves the one group whose departure helps most: to the least loaded node that serves it
// as well, at least two groups lighter than the source, and under LCP2 the move that
// lowers the subnet cost the most.
bool GroupPlacer::move_one_from(Index source) {
  const auto source_groups = static_cast<std::uint32_t>(groups_on_[source].size());
  using Rank = std::tuple<std::uint32_t, std::uint32_t, std::int64_t, Index>;  // groups, IPs, cost change, group
  std::optional<std::pair<Rank, Index>> best;
  for (Index g : groups_on_[source]) {
    if (!may_rebalance(g, source)) continue;
    const Choice choice = choose_node(g, source, source_groups - 2);
    if (choice.node == kNoIndex) continue;
    const std::int64_t change =
        static_cast<std::int64_t>(choice.cost) - (uses_lcp2_ ? static_cast<std::int64_t>(lcp2_cost(g, source)) : 0);
    const Rank rank{static_cast<std::uint32_t>(groups_on_[choice.node].size()), ip_count_[choice.node], change, g};
    if (!best || rank < best->first) best = std::pair{rank, choice.node};
  }
  if (!best) return false;
  const Index group = std::get<3>(best->first);
  unassign(group);
  assign(group, best->second);
  return true;
}

void GroupPlacer::assign(Index group, Index node) {
  unindex(node);
  node_of_group_[group] = node;
  groups_on_[node].push_back(group);
  const NodeClass& node_class = index_.classes[index_.nodes[node].node_class];
  for (Index ip : index_.groups[group].ips) {
    if (node_class.usable_for(ip).empty()) continue;
    ++ip_count_[node];
    if (uses_lcp2_) ips_on_[node].push_back(lcp2_ip(ip));
  }
  reindex(node);
}

void GroupPlacer::unassign(Index group) {
  const Index node = node_of_group_[group];
  unindex(node);
  node_of_group_[group] = kNoIndex;
  std::erase(groups_on_[node], group);
  const NodeClass& node_class = index_.classes[index_.nodes[node].node_class];
  for (Index ip : index_.groups[group].ips) {
    if (node_class.usable_for(ip).empty()) continue;
    --ip_count_[node];
  }
  std::erase_if(ips_on_[node], [&](const Lcp2Ip& entry) { return entry.group == group; });
  reindex(node);
}

void GroupPlacer::unindex(Index node) {
  by_load_[index_.nodes[node].node_class].erase(key(node));
  by_groups_.erase({groups_on_[node].size(), node});
}

void GroupPlacer::reindex(Index node) {
  by_load_[index_.nodes[node].node_class].insert(key(node));
  by_groups_.insert({groups_on_[node].size(), node});
}

// Chooses interfaces node by node, each node's groups in canonical order, and writes the
// assignment with a reason for every IP left unhosted.
std::vector<IpAssignment> place_on_interfaces(const ClusterIndex& index, const std::vector<Index>& node_of_group,
                                              bool no_ip_takeover) {
  std::vector<IpAssignment> result(index.ips.size());
  std::vector<std::vector<Index>> groups_on(index.nodes.size());
  for (Index g = 0; g < index.groups.size(); ++g) {
    if (node_of_group[g] != kNoIndex) groups_on[node_of_group[g]].push_back(g);
  }
  std::vector<std::uint32_t> load(index.interface_names.size());
  std::vector<InterfaceCandidates> candidates;
  std::vector<Index> chosen_ips;
  for (Index n = 0; n < index.nodes.size(); ++n) {
    if (groups_on[n].empty()) continue;
    const NodeClass& node_class = index.classes[index.nodes[n].node_class];
    std::fill(load.begin(), load.end(), 0);
    for (Index g : groups_on[n]) {
      candidates.clear();
      chosen_ips.clear();
      for (Index ip : index.groups[g].ips) {
        const IpEntry& entry = index.ips[ip];
        if (node_class.usable_for(ip).empty()) {
          result[ip].unhosted_reason = "its group is hosted on node " + std::to_string(index.nodes[n].pnn.value()) +
                                       (node_class.listed[ip] ? ", where none of its interfaces is up"
                                                              : ", which does not list it in public_addresses");
          continue;
        }
        const InterfaceId current = entry.current_node == n ? entry.current_interface : kNoInterface;
        candidates.push_back({node_class.usable_for(ip), entry.preferred, current});
        chosen_ips.push_back(ip);
      }
      const auto interfaces = choose_interfaces(candidates, load);
      for (std::size_t i = 0; i < chosen_ips.size(); ++i) {
        result[chosen_ips[i]].placement = Placement{index.nodes[n].pnn, index.interface_names[interfaces[i]]};
      }
    }
  }
  for (Index ip = 0; ip < index.ips.size(); ++ip) {
    result[ip].address = index.ips[ip].address;
    if (result[ip].placement || !result[ip].unhosted_reason.empty()) continue;
    result[ip].unhosted_reason = no_ip_takeover && index.best_servable[index.ips[ip].group] != 0
                                     ? "NoIPTakeover is set and no node that can serve it holds it"
                                     : unplaced_reason(index, ip);
  }
  return result;
}

}  // namespace

Assignment allocate(const ClusterView& view, const Tunables& tunables, const Assignment& current) {
  const ClusterIndex index = build_index(view, tunables, current);
  GroupPlacer placer(index, tunables);
  placer.run();
  return Assignment(place_on_interfaces(index, placer.node_of_group(), tunables.no_ip_takeover != 0));
}

}  // namespace tandem::alloc
