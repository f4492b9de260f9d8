// Property tests of allocate(): the rules of allocate.h checked on random clusters.
//
// Each property states one rule as a sentence and checks it with an oracle written from
// the rule alone (which node may host, which interfaces an IP may use there), not from
// the engine's internals. Clusters are drawn by rapidcheck, which shrinks a failure to a
// small one; the failure message prints that cluster in the text form of
// tests/alloc_cases (ready to paste into a `bug_<what>.case` file) with the result as
// `expect` lines. Replay a failure with the RC_PARAMS="reproduce=..." line it prints.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <numeric>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "alloc/allocate.h"
#include "support/case_text.h"
#include "support/cluster_text.h"

namespace tandem::alloc {
namespace {

// ---------------------------------------------------------------------------------------
// Random choices. Each is one rapidcheck pick, so a failure shrinks pick by pick: numbers
// toward `low`, and chances toward false, so every call site words its chance so that
// false is the plainer cluster.

int pick(int low, int high) { return *rc::gen::inRange(low, high + 1); }  // inclusive
bool chance(int percent) { return *rc::gen::inRange(0, 100) >= 100 - percent; }

template <typename T>
void shuffle(std::vector<T>& items) {
  if (items.size() < 2) return;
  const auto keys = *rc::gen::container<std::vector<int>>(items.size(), rc::gen::arbitrary<int>());
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<T> shuffled;
  shuffled.reserve(items.size());
  for (std::size_t i : order) shuffled.push_back(std::move(items[i]));
  items = std::move(shuffled);
}

InterfaceName interface_name(int number) { return InterfaceName("eth" + std::to_string(number)); }

// The documentation ranges: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/64.
constexpr int kSubnetV6 = 3;

IpPrefix address_in(int subnet, int host) {
  const auto low = static_cast<std::uint32_t>(host);
  switch (subnet) {
    case 0:
      return {IpAddress::v4(0xC0000200u | low), 24};
    case 1:
      return {IpAddress::v4(0xC6336400u | low), 24};
    case 2:
      return {IpAddress::v4(0xCB007100u | low), 24};
    default: {
      IpAddress::Bytes bytes{0x20, 0x01, 0x0d, 0xb8};
      bytes[14] = static_cast<std::uint8_t>(host >> 8);
      bytes[15] = static_cast<std::uint8_t>(host & 0xff);
      return {IpAddress::v6(bytes), 64};
    }
  }
}

// Interfaces eth1..eth<interfaces_max>, a non-empty random subset in name order.
std::vector<InterfaceName> allowed_interfaces(int interfaces_max) {
  const int mask = pick(1, (1 << interfaces_max) - 1);
  std::vector<InterfaceName> names;
  for (int i = 0; i < interfaces_max; ++i) {
    if ((mask >> i) & 1) names.push_back(interface_name(i + 1));
  }
  return names;
}

// 0..count_max distinct addresses in 1-3 of the documentation subnets, IPv6 sometimes.
std::vector<IpPrefix> random_addresses(int count_max) {
  std::vector<int> subnets{0, 1, 2};
  if (chance(25)) subnets.push_back(kSubnetV6);
  shuffle(subnets);
  subnets.resize(static_cast<std::size_t>(pick(1, 3)));
  const int count = pick(0, count_max);
  std::set<IpAddress> seen;
  std::vector<IpPrefix> addresses;
  for (int i = 0; i < count; ++i) {
    const IpPrefix prefix =
        address_in(subnets[static_cast<std::size_t>(pick(0, static_cast<int>(subnets.size()) - 1))], pick(1, 60));
    if (seen.insert(prefix.address).second) addresses.push_back(prefix);
  }
  return addresses;
}

NodeFlags random_flags() {
  if (!chance(30)) return NodeFlags();
  static constexpr NodeFlags::Flag kFlags[] = {NodeFlags::kDisconnected, NodeFlags::kUnhealthy, NodeFlags::kDisabled,
                                               NodeFlags::kBanned,       NodeFlags::kDeleted,   NodeFlags::kStopped};
  if (!chance(30)) return NodeFlags().with(kFlags[pick(0, 5)]);
  return NodeFlags(static_cast<std::uint32_t>(pick(1, 63)));
}

Tunables random_tunables() {
  Tunables tunables;
  tunables.ip_alloc_algorithm = static_cast<std::uint32_t>(pick(0, 2));
  tunables.no_ip_failback = chance(25) ? 1 : 0;
  tunables.no_ip_host_on_all_disabled = chance(50) ? 0 : 1;
  tunables.no_ip_takeover = chance(15) ? 1 : 0;
  return tunables;
}

struct Scenario {
  ClusterView view;
  Tunables tunables;
  Assignment current;
};

// Cuts the addresses, in random order, into groups of 1-4 with optional preferred
// interfaces. A cut of one becomes an explicit group only sometimes (an address in no
// group is a group of its own anyway); `must_group` addresses always go in a group.
std::vector<IpGroup> random_groups(std::vector<IpAddress> addresses, const std::set<IpAddress>& must_group) {
  shuffle(addresses);
  std::vector<IpGroup> groups;
  for (std::size_t i = 0; i < addresses.size();) {
    const auto size = std::min(static_cast<std::size_t>(pick(1, 4)), addresses.size() - i);
    const bool is_explicit = size > 1 || must_group.contains(addresses[i]) || chance(40);
    if (is_explicit) {
      IpGroup group{GroupName("g" + std::to_string(groups.size())), {}};
      for (std::size_t m = i; m < i + size; ++m) {
        GroupMember member{addresses[m], std::nullopt};
        if (chance(50)) member.preferred = interface_name(pick(1, 4));
        group.members.push_back(std::move(member));
      }
      groups.push_back(std::move(group));
    }
    i += size;
  }
  return groups;
}

// Where IPs are now: for each address sometimes a node (rarely one that does not exist)
// and an interface; split groups and inactive nodes included.
Assignment random_current(const std::vector<IpAddress>& addresses, const std::vector<NodeId>& pnns) {
  std::vector<IpAssignment> entries;
  for (const auto& address : addresses) {
    if (!chance(50)) continue;
    NodeId node(99);
    if (!pnns.empty() && !chance(5)) node = pnns[static_cast<std::size_t>(pick(0, static_cast<int>(pnns.size()) - 1))];
    entries.push_back({address, Placement{node, interface_name(pick(1, 4))}, ""});
  }
  return Assignment(std::move(entries));
}

std::vector<NodeId> random_pnns(int count) {
  std::vector<NodeId> pnns;
  if (!chance(20)) {
    for (int i = 0; i < count; ++i) pnns.emplace_back(static_cast<std::uint32_t>(i));
    return pnns;
  }
  std::set<std::uint32_t> taken;
  while (static_cast<int>(taken.size()) < count) taken.insert(static_cast<std::uint32_t>(pick(0, 30)));
  for (auto pnn : taken) pnns.emplace_back(pnn);
  return pnns;
}

AddressList random_list(const std::vector<IpPrefix>& addresses, int keep_percent) {
  AddressList list;
  for (const auto& prefix : addresses) {
    if (chance(keep_percent)) list.push_back(PublicAddress{prefix, allowed_interfaces(4)});
  }
  return list;
}

// Any valid cluster: 1-12 nodes with 1-4 interfaces in random link states and random
// (mostly no) flags; a shared address list and sometimes nodes with lists of their own;
// a few addresses that no node lists; random groups, tunables and current assignment.
Scenario random_cluster(int nodes_min = 1) {
  Scenario scenario;
  const auto pnns = random_pnns(pick(nodes_min, 12));
  const auto addresses = random_addresses(40);
  auto shared = std::make_shared<AddressList>(random_list(addresses, 100));
  const bool has_own_lists = chance(20);
  for (const auto& pnn : pnns) {
    NodeView node{pnn, random_flags(), {}, shared};
    const int interfaces = pick(1, 4);
    for (int i = 1; i <= interfaces; ++i) {
      node.links[interface_name(i)] = chance(20) ? LinkState::kDown : LinkState::kUp;
    }
    if (has_own_lists && chance(40)) node.addresses = std::make_shared<AddressList>(random_list(addresses, 70));
    scenario.view.nodes.push_back(std::move(node));
  }
  std::vector<IpAddress> all;
  for (const auto& prefix : addresses) all.push_back(prefix.address);
  std::set<IpAddress> unlisted;
  const int unlisted_count = pick(0, 3);
  for (int i = 0; i < unlisted_count; ++i) {
    const IpAddress address = address_in(pick(0, 3), 200 + i).address;
    unlisted.insert(address);
    all.push_back(address);
  }
  scenario.view.groups = random_groups(all, unlisted);
  scenario.tunables = random_tunables();
  scenario.current = random_current(all, pnns);
  return scenario;
}

// Identical healthy nodes (PNN 0..N-1): the same interfaces eth1..ethK, all up, one shared
// list that uses only those interfaces, so every node can serve every group in full.
Scenario healthy_identical_cluster(int nodes_min) {
  Scenario scenario;
  const int nodes = pick(nodes_min, 12);
  const int interfaces = pick(1, 4);
  const auto addresses = random_addresses(40);
  auto shared = std::make_shared<AddressList>();
  for (const auto& prefix : addresses) shared->push_back(PublicAddress{prefix, allowed_interfaces(interfaces)});
  std::vector<NodeId> pnns;
  for (int n = 0; n < nodes; ++n) {
    pnns.emplace_back(static_cast<std::uint32_t>(n));
    NodeView node{pnns.back(), NodeFlags(), {}, shared};
    for (int i = 1; i <= interfaces; ++i) node.links[interface_name(i)] = LinkState::kUp;
    scenario.view.nodes.push_back(std::move(node));
  }
  std::vector<IpAddress> all;
  for (const auto& prefix : addresses) all.push_back(prefix.address);
  scenario.view.groups = random_groups(all, {});
  scenario.tunables = random_tunables();
  scenario.tunables.no_ip_takeover = 0;
  scenario.current = random_current(all, pnns);
  return scenario;
}

// Whole clusters as one generated value, so that rapidcheck prints a counterexample as the
// cluster in the tests/alloc_cases text form rather than as the list of its picks.
void showValue(const Scenario& scenario, std::ostream& out) {
  out << "\n" << testing::to_case_text(scenario.view, scenario.tunables, scenario.current);
}
rc::Gen<Scenario> any_cluster() {
  return rc::gen::exec([] { return random_cluster(); });
}
rc::Gen<Scenario> any_healthy_identical_cluster(int nodes_min) {
  return rc::gen::exec([nodes_min] { return healthy_identical_cluster(nodes_min); });
}

// ---------------------------------------------------------------------------------------
// The oracle: what the rules say, computed from the view directly.

class Rules {
 public:
  Rules(const ClusterView& view, const Tunables& tunables) {
    const bool all_disabled = std::all_of(view.nodes.begin(), view.nodes.end(), [](const NodeView& node) {
      return node.flags.is_inactive() || node.flags.is_disabled();
    });
    for (const auto& node : view.nodes) {
      nodes_[node.pnn] = &node;
      const bool may_host = !node.flags.is_inactive() &&
                            (!node.flags.is_disabled() || (all_disabled && tunables.no_ip_host_on_all_disabled == 0));
      if (may_host) hosts_.push_back(&node);
    }
    std::set<IpAddress> grouped;
    for (const auto& group : view.groups) {
      groups_.emplace_back();
      for (const auto& member : group.members) {
        groups_.back().push_back(member.address);
        grouped.insert(member.address);
        addresses_.insert(member.address);
      }
    }
    for (const auto& node : view.nodes) {
      for (const auto& entry : *node.addresses) {
        addresses_.insert(entry.address());
        if (grouped.insert(entry.address()).second) groups_.push_back({entry.address()});
      }
    }
  }

  // Every address the view knows: listed by some node or in some group.
  const std::set<IpAddress>& addresses() const { return addresses_; }
  // Every group, with each address in no group as a group of its own.
  const std::vector<std::vector<IpAddress>>& groups() const { return groups_; }
  const std::vector<const NodeView*>& hosts() const { return hosts_; }

  const NodeView* node(NodeId pnn) const {
    auto it = nodes_.find(pnn);
    return it == nodes_.end() ? nullptr : it->second;
  }
  bool may_host(NodeId pnn) const {
    return std::any_of(hosts_.begin(), hosts_.end(), [&](const NodeView* host) { return host->pnn == pnn; });
  }

  // The interfaces `address` may use on `node` and whose link is up there.
  static std::set<InterfaceName> usable(const NodeView& node, const IpAddress& address) {
    std::set<InterfaceName> out;
    for (const auto& entry : *node.addresses) {
      if (entry.address() != address) continue;
      for (const auto& name : entry.interfaces) {
        auto link = node.links.find(name);
        if (link != node.links.end() && link->second == LinkState::kUp) out.insert(name);
      }
    }
    return out;
  }

  // How many of the group's IPs `node` could serve (0 if it may not host).
  std::size_t servable(const std::vector<IpAddress>& group, const NodeView& node) const {
    if (!may_host(node.pnn)) return 0;
    return static_cast<std::size_t>(std::count_if(
        group.begin(), group.end(), [&](const IpAddress& address) { return !usable(node, address).empty(); }));
  }
  std::size_t best_servable(const std::vector<IpAddress>& group) const {
    std::size_t best = 0;
    for (const NodeView* host : hosts_) best = std::max(best, servable(group, *host));
    return best;
  }

 private:
  std::map<NodeId, const NodeView*> nodes_;
  std::vector<const NodeView*> hosts_;
  std::vector<std::vector<IpAddress>> groups_;
  std::set<IpAddress> addresses_;
};

// The nodes that host some IP of the group.
std::set<NodeId> nodes_of(const std::vector<IpAddress>& group, const Assignment& result) {
  std::set<NodeId> nodes;
  for (const auto& address : group) {
    if (auto placement = result.placement_of(address)) nodes.insert(placement->node);
  }
  return nodes;
}

std::map<NodeId, std::size_t> groups_per_node(const Rules& rules, const Assignment& result) {
  std::map<NodeId, std::size_t> count;
  for (const NodeView* host : rules.hosts()) count[host->pnn] = 0;
  for (const auto& group : rules.groups()) {
    for (NodeId node : nodes_of(group, result)) ++count[node];
  }
  return count;
}

std::string spread_of(const std::map<NodeId, std::size_t>& count) {
  std::string out;
  for (const auto& [node, groups] : count)
    out += " node " + std::to_string(node.value()) + ": " + std::to_string(groups);
  return out;
}

bool is_balanced(const std::map<NodeId, std::size_t>& count) {
  if (count.empty()) return true;
  const auto [low, high] =
      std::minmax_element(count.begin(), count.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return high->second - low->second <= 1;
}

std::string show(const std::optional<Placement>& placement) {
  if (!placement) return "unhosted";
  return "node " + std::to_string(placement->node.value()) + " " + placement->interface.value();
}

std::string group_text(const std::vector<IpAddress>& group) {
  std::string out = "{";
  for (const auto& address : group) out += (out.size() > 1 ? " " : "") + address.to_string();
  return out + "}";
}

// Fails the property with the violations and the whole case, readable and pasteable.
void fail_with(const std::string& violations, const ClusterView& view, const Tunables& tunables,
               const Assignment& current, const Assignment& result) {
  RC_FAIL(violations + "\n--- the cluster (tests/alloc_cases format) ---\n" +
          testing::to_case_text(view, tunables, current) + "--- allocate() returned ---\n" +
          testing::expect_lines(result));
}

Assignment allocate_valid(const Scenario& scenario) {
  const auto valid = validate(scenario.view);
  if (!valid.ok()) RC_FAIL("the generator made an invalid cluster: " + valid.error().message());
  return allocate(scenario.view, scenario.tunables, scenario.current);
}

// ---------------------------------------------------------------------------------------
// Checks, each returning its violations (empty: the rule holds).

std::string check_group_unity(const Rules& rules, const Assignment& result) {
  std::string out;
  for (const auto& group : rules.groups()) {
    if (nodes_of(group, result).size() > 1) out += "group " + group_text(group) + " is split over nodes\n";
  }
  return out;
}

std::string check_eligibility(const Rules& rules, const Assignment& result) {
  std::string out;
  for (const auto& entry : result.ips()) {
    if (!entry.placement) continue;
    const std::string ip = entry.address.to_string() + " on " + show(entry.placement);
    const NodeView* node = rules.node(entry.placement->node);
    if (node == nullptr) {
      out += ip + ": no such node\n";
    } else if (!rules.may_host(node->pnn)) {
      out += ip + ": the node may not host (flags " + std::to_string(node->flags.bits()) + ")\n";
    } else if (!Rules::usable(*node, entry.address).contains(entry.placement->interface)) {
      out += ip + ": the node does not list it on that interface, or its link is not up\n";
    }
  }
  return out;
}

std::string check_best_service(const Rules& rules, const Assignment& result) {
  std::string out;
  for (const auto& group : rules.groups()) {
    const std::size_t best = rules.best_servable(group);
    const auto nodes = nodes_of(group, result);
    std::size_t hosted = 0;
    for (const auto& address : group) {
      if (result.placement_of(address)) ++hosted;
    }
    if (nodes.empty() && best > 0) {
      out += "group " + group_text(group) + " is unhosted, yet a node can serve " + std::to_string(best) + " of it\n";
    } else if (nodes.size() == 1 && hosted < best) {
      out += "group " + group_text(group) + " has " + std::to_string(hosted) + " IPs hosted on node " +
             std::to_string(nodes.begin()->value()) + ", yet a node can serve " + std::to_string(best) + "\n";
    }
  }
  return out;
}

std::string check_path_diversity(const Rules& rules, const Assignment& result) {
  std::string out;
  for (const auto& group : rules.groups()) {
    const auto nodes = nodes_of(group, result);
    if (nodes.size() != 1) continue;
    const NodeView& node = *rules.node(*nodes.begin());
    const auto usable = Rules::usable(node, group.front());
    const bool same_everywhere = std::all_of(
        group.begin(), group.end(), [&](const IpAddress& address) { return Rules::usable(node, address) == usable; });
    if (!same_everywhere) continue;
    std::set<InterfaceName> used;
    for (const auto& address : group) {
      if (auto placement = result.placement_of(address)) used.insert(placement->interface);
    }
    const std::size_t want = std::min(group.size(), usable.size());
    if (used.size() != want) {
      out += "group " + group_text(group) + " uses " + std::to_string(used.size()) + " interfaces of node " +
             std::to_string(node.pnn.value()) + ", but " + std::to_string(want) + " distinct ones were possible\n";
    }
  }
  return out;
}

std::string check_reasons(const Rules& rules, const Assignment& result) {
  std::string out;
  std::set<IpAddress> seen;
  for (const auto& entry : result.ips()) {
    seen.insert(entry.address);
    if (!rules.addresses().contains(entry.address)) out += entry.address.to_string() + ": not in the view\n";
    if (!entry.placement && entry.unhosted_reason.empty()) out += entry.address.to_string() + ": unhosted, no reason\n";
    if (entry.placement && !entry.unhosted_reason.empty()) {
      out += entry.address.to_string() + ": hosted, yet with the reason '" + entry.unhosted_reason + "'\n";
    }
  }
  for (const auto& address : rules.addresses()) {
    if (!seen.contains(address)) out += address.to_string() + ": missing from the result\n";
  }
  return out;
}

// The placements that differ between two results, as lines.
std::string moves_between(const Assignment& from, const Assignment& to) {
  std::string out;
  for (const auto& entry : to.ips()) {
    const auto before = from.placement_of(entry.address);
    if (before != entry.placement) {
      out += "  " + entry.address.to_string() + ": " + show(before) + " -> " + show(entry.placement) + "\n";
    }
  }
  return out;
}

ClusterView with_flag(ClusterView view, NodeId pnn, NodeFlags::Flag flag) {
  for (auto& node : view.nodes) {
    if (node.pnn == pnn) node.flags = node.flags.with(flag);
  }
  return view;
}

// The same cluster in other orders: nodes, address-list entries and the interfaces inside
// them, groups and their members. Lists shared before are shared after, or sometimes
// copied to every node (which must not matter either).
ClusterView reordered(const ClusterView& view) {
  ClusterView out;
  out.groups = view.groups;
  for (auto& group : out.groups) shuffle(group.members);
  shuffle(out.groups);
  const bool unshares = chance(30);
  std::map<const AddressList*, SharedAddressList> copies;
  for (const auto& node : view.nodes) {
    auto& copy = copies[node.addresses.get()];
    if (!copy || unshares) {
      auto list = std::make_shared<AddressList>(*node.addresses);
      for (auto& entry : *list) shuffle(entry.interfaces);
      shuffle(*list);
      copy = list;
    }
    NodeView reordered_node = node;
    reordered_node.addresses = copy;
    out.nodes.push_back(std::move(reordered_node));
  }
  shuffle(out.nodes);
  return out;
}

// ---------------------------------------------------------------------------------------
// The properties.

RC_GTEST_PROP(AllocateProperty, PlacesAllHostedIpsOfAGroupOnOneNode, ()) {
  const Scenario s = *any_cluster();
  const Assignment result = allocate_valid(s);
  const auto violations = check_group_unity(Rules(s.view, s.tunables), result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

RC_GTEST_PROP(AllocateProperty, HostsEveryIpOnANodeThatMayHostItOnAnAllowedUpInterface, ()) {
  const Scenario s = *any_cluster();
  const Assignment result = allocate_valid(s);
  const auto violations = check_eligibility(Rules(s.view, s.tunables), result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

RC_GTEST_PROP(AllocateProperty, PutsEachGroupOnANodeThatServesAsManyOfItsIpsAsAnyNodeCould, ()) {
  Scenario s = *any_cluster();
  s.tunables.no_ip_takeover = 0;  // under NoIPTakeover a group may only stay where it is
  const Assignment result = allocate_valid(s);
  const auto violations = check_best_service(Rules(s.view, s.tunables), result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

RC_GTEST_PROP(AllocateProperty, SpreadsAGroupOverAsManyDistinctInterfacesAsItsNodeAllows, ()) {
  const Scenario s = *any_cluster();
  const Assignment result = allocate_valid(s);
  const auto violations = check_path_diversity(Rules(s.view, s.tunables), result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

RC_GTEST_PROP(AllocateProperty, GivesTheSameResultForTheSameClusterInAnyOrder, ()) {
  const Scenario s = *any_cluster();
  const Assignment result = allocate_valid(s);
  const ClusterView shuffled = reordered(s.view);
  RC_ASSERT(validate(shuffled).ok());
  const Assignment again = allocate(shuffled, s.tunables, s.current);
  if (again != result) {
    fail_with("the reordered cluster gives another result; it moves:\n" + moves_between(result, again) +
                  "--- the reordered cluster ---\n" + testing::to_case_text(shuffled, s.tunables, s.current),
              s.view, s.tunables, s.current, result);
  }
}

RC_GTEST_PROP(AllocateProperty, MovesNothingWhenAllocatingAgainFromItsOwnResult, ()) {
  const Scenario s = *any_cluster();
  const Assignment first = allocate_valid(s);
  const Assignment second = allocate(s.view, s.tunables, first);
  if (second != first) {
    fail_with("allocating again from the result (shown below) gives another result; it moves:\n" +
                  moves_between(first, second),
              s.view, s.tunables, s.current, first);
  }
}

RC_GTEST_PROP(AllocateProperty, BalancesGroupsOverIdenticalHealthyNodesWithinOne, ()) {
  Scenario s = *any_healthy_identical_cluster(1);
  s.tunables.no_ip_failback = 0;  // NoIPFailback=1 keeps groups wherever `current` has them
  const Assignment result = allocate_valid(s);
  const Rules rules(s.view, s.tunables);
  const auto count = groups_per_node(rules, result);
  if (!is_balanced(count))
    fail_with("groups per node:" + spread_of(count) + "\n", s.view, s.tunables, s.current, result);
}

// A stable allocation of a random healthy identical cluster, and the node that fails.
struct NodeFailure {
  Scenario healthy;
  Assignment before;  // stable on the healthy cluster
  NodeId failed;
  ClusterView failed_view;
};

NodeFailure fail_one_node() {
  NodeFailure f;
  f.healthy = *any_healthy_identical_cluster(2);
  f.healthy.tunables.no_ip_takeover = chance(15) ? 1 : 0;
  const Assignment first = allocate_valid(f.healthy);
  f.before = allocate(f.healthy.view, f.healthy.tunables, first);
  f.failed = NodeId(static_cast<std::uint32_t>(pick(0, static_cast<int>(f.healthy.view.nodes.size()) - 1)));
  f.failed_view = with_flag(f.healthy.view, f.failed, NodeFlags::kDisconnected);
  return f;
}

RC_GTEST_PROP(AllocateProperty, ANodeFailureMovesOnlyTheGroupsOfThatNode, ()) {
  const NodeFailure f = fail_one_node();
  const Assignment after = allocate(f.failed_view, f.healthy.tunables, f.before);
  const Rules rules(f.healthy.view, f.healthy.tunables);
  std::string violations;
  for (const auto& group : rules.groups()) {
    if (nodes_of(group, f.before).contains(f.failed)) continue;
    for (const auto& address : group) {
      if (f.before.placement_of(address) != after.placement_of(address)) {
        violations += address.to_string() + " was not on the failed node " + std::to_string(f.failed.value()) +
                      " but moved: " + show(f.before.placement_of(address)) + " -> " +
                      show(after.placement_of(address)) + "\n";
      }
    }
  }
  if (!violations.empty()) fail_with(violations, f.failed_view, f.healthy.tunables, f.before, after);
}

RC_GTEST_PROP(AllocateProperty, ARecoveredNodeReceivesGroupsOnlyAsBalanceNeeds, ()) {
  const NodeFailure f = fail_one_node();
  const Tunables& tunables = f.healthy.tunables;
  const Assignment failed_first = allocate(f.failed_view, tunables, f.before);
  const Assignment during = allocate(f.failed_view, tunables, failed_first);  // stable
  const Assignment after = allocate(f.healthy.view, tunables, during);
  const Rules rules(f.healthy.view, tunables);
  std::string violations;
  // Under NoIPFailback=1 a recovered node receives nothing, and under NoIPTakeover=1 no node
  // takes a group it does not hold. CTDB ignores NoIPFailback under the deterministic
  // algorithm, whose rule "group i on node i mod N" fails back by itself (see
  // tests/alloc_cases/deterministic_ignores_no_ip_failback.case).
  const bool keeps_all = tunables.no_ip_takeover != 0 ||
                         (tunables.no_ip_failback != 0 && tunables.algorithm() != AllocAlgorithm::kDeterministic);
  if (keeps_all && after != during) {
    violations += "NoIPFailback=1 or NoIPTakeover=1, yet groups move:\n" + moves_between(during, after);
  }
  std::size_t hosted_groups = 0;
  for (const auto& group : rules.groups()) {
    const auto before = nodes_of(group, during);
    const auto now = nodes_of(group, after);
    if (!now.empty()) ++hosted_groups;
    if (before == now) {
      for (const auto& address : group) {
        if (during.placement_of(address) != after.placement_of(address)) {
          violations += address.to_string() + " changes interface on its node: " + show(during.placement_of(address)) +
                        " -> " + show(after.placement_of(address)) + "\n";
        }
      }
    } else if (now != std::set<NodeId>{f.failed}) {
      violations += "group " + group_text(group) + " moves, but not onto the recovered node\n";
    }
  }
  const auto count = groups_per_node(rules, after);
  const std::size_t nodes = f.healthy.view.nodes.size();
  const std::size_t fair_share = (hosted_groups + nodes - 1) / nodes;
  if (count.at(f.failed) > fair_share) {
    violations += "the recovered node " + std::to_string(f.failed.value()) + " gets " +
                  std::to_string(count.at(f.failed)) + " groups, more than ceil(" + std::to_string(hosted_groups) +
                  "/" + std::to_string(nodes) + ")\n";
  }
  if (!keeps_all && !is_balanced(count)) violations += "groups per node:" + spread_of(count) + "\n";
  if (!violations.empty()) fail_with(violations, f.healthy.view, tunables, during, after);
}

// How much a group shares interfaces: the sum over interfaces of n(n-1)/2 for the n IPs of
// the group on each. Zero when every IP has an interface of its own; smaller is more
// distinct (and more even).
std::size_t sharing(const std::vector<InterfaceName>& interfaces) {
  std::map<InterfaceName, std::size_t> count;
  std::size_t total = 0;
  for (const auto& name : interfaces) total += count[name]++;
  return total;
}

// The least sharing a group can reach when the IPs that must move each take one of their
// `choices` and the rest stay on `fixed`. Groups are small, so try every combination.
std::size_t least_sharing(const std::vector<InterfaceName>& fixed,
                          const std::vector<std::vector<InterfaceName>>& choices) {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  if (std::any_of(choices.begin(), choices.end(), [](const auto& c) { return c.empty(); })) return best;
  std::vector<std::size_t> at(choices.size(), 0);
  while (true) {
    std::vector<InterfaceName> layout = fixed;
    for (std::size_t i = 0; i < choices.size(); ++i) layout.push_back(choices[i][at[i]]);
    best = std::min(best, sharing(layout));
    std::size_t i = 0;
    while (i < choices.size() && ++at[i] == choices[i].size()) at[i++] = 0;
    if (i == choices.size()) return best;
  }
}

// Local failover: when one interface of a node goes down, a group on that node that the
// node still serves as fully as before stays there, and only its IPs that were on the
// failed interface move, to other up interfaces of the node. Distinct interfaces come
// first among the rules, so another IP of the group may move too, but only when that
// makes the group's interfaces more distinct than moving the failed IPs alone could.
RC_GTEST_PROP(AllocateProperty, AnInterfaceGoingDownMovesOnlyTheIpsThatWereOnIt, ()) {
  const Scenario s = *any_cluster();
  const Assignment before = allocate(s.view, s.tunables, allocate_valid(s));  // stable
  std::vector<Placement> hosted;
  for (const auto& entry : before.ips()) {
    if (entry.placement) hosted.push_back(*entry.placement);
  }
  if (hosted.empty()) return;
  const Placement failing = hosted[static_cast<std::size_t>(pick(0, static_cast<int>(hosted.size()) - 1))];
  ClusterView view = s.view;
  for (auto& node : view.nodes) {
    if (node.pnn == failing.node) node.links[failing.interface] = LinkState::kDown;
  }
  const Assignment after = allocate(view, s.tunables, before);
  const Rules rules_before(s.view, s.tunables);
  const Rules rules_after(view, s.tunables);
  const NodeView& node_before = *rules_before.node(failing.node);
  const NodeView& node_after = *rules_after.node(failing.node);
  std::string violations;
  for (const auto& group : rules_before.groups()) {
    if (nodes_of(group, before) != std::set<NodeId>{failing.node}) continue;
    if (rules_after.servable(group, node_after) < rules_before.servable(group, node_before)) continue;
    std::vector<InterfaceName> fixed, now_used;
    std::vector<std::vector<InterfaceName>> choices;
    std::string moved_others;
    for (const auto& address : group) {
      const auto was = before.placement_of(address);
      const auto now = after.placement_of(address);
      if (!was) continue;
      if (!now || now->node != failing.node) {
        violations += address.to_string() + ": " + show(was) + " -> " + show(now) + ", off the node\n";
        continue;
      }
      now_used.push_back(now->interface);
      if (was->interface == failing.interface) {
        const auto usable = Rules::usable(node_after, address);
        choices.emplace_back(usable.begin(), usable.end());
      } else {
        fixed.push_back(was->interface);
        if (now != was) moved_others += address.to_string() + ": " + show(was) + " -> " + show(now) + "\n";
      }
    }
    if (moved_others.empty() || sharing(now_used) < least_sharing(fixed, choices)) continue;
    violations +=
        "IPs not on the failed interface moved, though that made the group no more distinct:\n" + moved_others;
  }
  if (!violations.empty()) {
    fail_with("interface " + failing.interface.value() + " of node " + std::to_string(failing.node.value()) +
                  " went down; IPs of groups the node still serves moved wrongly:\n" + violations,
              view, s.tunables, before, after);
  }
}

RC_GTEST_PROP(AllocateProperty, GivesEveryUnhostedIpAReasonAndEveryHostedOneNone, ()) {
  const Scenario s = *any_cluster();
  const Assignment result = allocate_valid(s);
  const auto violations = check_reasons(Rules(s.view, s.tunables), result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

// ---------------------------------------------------------------------------------------
// on-path-loss=stay. Everything above runs with the default policy, move, so it states what
// move does (today's behaviour). Below, groups that say stay.

// A random cluster whose explicit groups say on-path-loss=stay, each with even chance.
Scenario random_cluster_with_policies() {
  Scenario s = random_cluster();
  for (auto& group : s.view.groups) {
    if (chance(50)) group.on_path_loss = PathLossPolicy::kStay;
  }
  return s;
}
rc::Gen<Scenario> any_cluster_with_policies() {
  return rc::gen::exec([] { return random_cluster_with_policies(); });
}

// The addresses of the groups that say stay.
std::set<IpAddress> staying_addresses(const ClusterView& view) {
  std::set<IpAddress> out;
  for (const auto& group : view.groups) {
    if (group.on_path_loss != PathLossPolicy::kStay) continue;
    for (const auto& member : group.members) out.insert(member.address);
  }
  return out;
}

RC_GTEST_PROP(AllocateProperty, KeepsGroupsWholeEligibleDiverseAndExplainedWhateverTheirPolicy, ()) {
  const Scenario s = *any_cluster_with_policies();
  const Assignment result = allocate_valid(s);
  const Rules rules(s.view, s.tunables);
  const auto violations = check_group_unity(rules, result) + check_eligibility(rules, result) +
                          check_path_diversity(rules, result) + check_reasons(rules, result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

RC_GTEST_PROP(AllocateProperty, IsStableAndOrderFreeWhateverTheGroupsPolicy, ()) {
  const Scenario s = *any_cluster_with_policies();
  const Assignment first = allocate_valid(s);
  const Assignment second = allocate(s.view, s.tunables, first);
  if (second != first)
    fail_with("allocating again moves:\n" + moves_between(first, second), s.view, s.tunables, s.current, first);
  const ClusterView shuffled = reordered(s.view);
  const Assignment again = allocate(shuffled, s.tunables, s.current);
  if (again != first)
    fail_with("the reordered cluster moves:\n" + moves_between(first, again), s.view, s.tunables, s.current, first);
}

// Links flip on random nodes (1-3 flips, down or up) after a stable allocation: a group that
// says stay, held by one node that may still host and now serves some of it but not all,
// stays on that node, with every IP the node can still serve hosted there.
RC_GTEST_PROP(AllocateProperty, NeverMovesAGroupThatSaysStayWhileItsNodeStillServesPartOfIt, ()) {
  const Scenario s = *any_cluster_with_policies();
  const Assignment before = allocate(s.view, s.tunables, allocate_valid(s));  // stable
  ClusterView view = s.view;
  const int flips = pick(1, 3);
  for (int i = 0; i < flips; ++i) {
    auto& node = view.nodes[static_cast<std::size_t>(pick(0, static_cast<int>(view.nodes.size()) - 1))];
    auto& link = node.links[interface_name(pick(1, 4))];
    link = link == LinkState::kUp ? LinkState::kDown : LinkState::kUp;
  }
  const Assignment after = allocate(view, s.tunables, before);
  const Rules rules(view, s.tunables);
  const auto staying = staying_addresses(view);
  std::string violations;
  for (const auto& group : rules.groups()) {
    if (!staying.contains(group.front())) continue;
    const auto held_by = nodes_of(group, before);
    if (held_by.size() != 1) continue;
    const NodeView& node = *rules.node(*held_by.begin());
    const std::size_t serves = rules.servable(group, node);
    if (serves == 0 || serves == group.size()) continue;
    std::size_t hosted = 0;
    for (const auto& address : group) {
      if (after.placement_of(address)) ++hosted;
    }
    if (nodes_of(group, after) != held_by || hosted != serves) {
      violations += "group " + group_text(group) + " says stay and node " + std::to_string(node.pnn.value()) +
                    " serves " + std::to_string(serves) + " of it, yet it moves:\n" + moves_between(before, after);
    }
  }
  if (!violations.empty()) fail_with(violations, view, s.tunables, before, after);
}

// Where no node has lost part of a group (each serves all of it or none), the policy
// changes nothing: stay differs from move only on a lost path.
RC_GTEST_PROP(AllocateProperty, GivesTheSameResultForStayAndMoveWhenNoPathIsLost, ()) {
  Scenario moving = *any_healthy_identical_cluster(1);
  Scenario staying = moving;
  for (auto& group : staying.view.groups) group.on_path_loss = PathLossPolicy::kStay;
  const Assignment result = allocate_valid(moving);
  const Assignment stay_result = allocate_valid(staying);
  if (stay_result != result) {
    fail_with("with every group saying stay the result differs:\n" + moves_between(result, stay_result), staying.view,
              staying.tunables, staying.current, stay_result);
  }
}

// Valid but odd: maybe no nodes at all, nodes without addresses or links, groups whose IPs
// no node lists, a current assignment full of strangers.
Scenario odd_cluster() {
  Scenario s;
  const auto pnns = random_pnns(pick(0, 3));
  const auto addresses = random_addresses(6);
  auto shared = std::make_shared<AddressList>(random_list(addresses, chance(50) ? 0 : 60));
  for (const auto& pnn : pnns) {
    NodeView node{pnn, random_flags(), {}, shared};
    if (chance(50)) node.links[interface_name(pick(1, 4))] = chance(50) ? LinkState::kUp : LinkState::kDown;
    if (chance(30)) node.addresses = std::make_shared<AddressList>();
    s.view.nodes.push_back(std::move(node));
  }
  std::set<IpAddress> unlisted;
  const int unlisted_count = pick(0, 4);
  for (int i = 0; i < unlisted_count; ++i) unlisted.insert(address_in(pick(0, 3), 200 + i).address);
  std::vector<IpAddress> grouped(unlisted.begin(), unlisted.end());
  if (chance(50)) {
    for (const auto& prefix : addresses) grouped.push_back(prefix.address);
  }
  s.view.groups = random_groups(grouped, unlisted);
  s.tunables = random_tunables();
  std::vector<IpAddress> strangers = grouped;
  strangers.push_back(address_in(0, 250).address);  // in no list and no group
  s.current = random_current(strangers, pnns);
  return s;
}

// allocate() must answer such clusters without crashing or reading past its data, and
// the answer must still keep the rules that apply.
RC_GTEST_PROP(AllocateProperty, AnswersSanelyForEmptyAndOddClusters, ()) {
  const Scenario s = *rc::gen::exec([] { return odd_cluster(); });
  const Assignment result = allocate_valid(s);
  const Rules rules(s.view, s.tunables);
  const auto violations =
      check_reasons(rules, result) + check_group_unity(rules, result) + check_eligibility(rules, result);
  if (!violations.empty()) fail_with(violations, s.view, s.tunables, s.current, result);
}

TEST(AllocateProperty, AnswersAnEmptyClusterWithAnEmptyAssignment) {
  const ClusterView empty;
  ASSERT_TRUE(validate(empty).ok());
  EXPECT_TRUE(allocate(empty, Tunables{}, Assignment{}).ips().empty());
}

}  // namespace
}  // namespace tandem::alloc
