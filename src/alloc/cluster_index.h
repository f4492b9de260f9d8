// ClusterIndex: the ClusterView turned into dense numbers for allocate(). PURE, internal.
//
// Addresses, groups, interfaces and nodes become indexes in a canonical order (addresses
// ascending, groups by their lowest address, interfaces by name, nodes by PNN), so the
// result cannot depend on input order. Nodes that share an address list and the same up
// interfaces form one NodeClass: what a node can serve is computed once per class, which
// keeps a 1,000-node cluster as cheap as a handful of distinct nodes.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "alloc/interface_choice.h"
#include "model/assignment.h"
#include "model/cluster_view.h"
#include "model/tunables.h"

namespace tandem::alloc {

using Index = std::uint32_t;
inline constexpr Index kNoIndex = std::numeric_limits<Index>::max();

struct IpEntry {
  IpAddress address;
  Index group = kNoIndex;
  InterfaceId preferred = kNoInterface;
  Index current_node = kNoIndex;
  InterfaceId current_interface = kNoInterface;
  bool is_listed = false;            // some node lists it in public_addresses
  bool is_listed_by_host = false;    // ... and that node may host IPs
  bool is_usable_somewhere = false;  // ... and has one of its interfaces up
};

struct GroupEntry {
  std::vector<Index> ips;        // ascending address
  Index pinned_node = kNoIndex;  // where an administrator put it (ClusterView::pins)
  PathLossPolicy on_path_loss = PathLossPolicy::kMove;
};

struct NodeClass {
  std::vector<Index> nodes;             // members, ascending PNN
  std::vector<std::uint32_t> servable;  // per group: its IPs this class can serve
  std::vector<bool> listed;             // per IP: in this class's address list
  // usable interfaces of IP i: usable[usable_begin[i] .. usable_begin[i + 1])
  std::vector<std::uint32_t> usable_begin;
  std::vector<InterfaceId> usable;

  std::span<const InterfaceId> usable_for(Index ip) const {
    return {usable.data() + usable_begin[ip], usable.data() + usable_begin[ip + 1]};
  }
};

struct NodeEntry {
  NodeId pnn;
  NodeFlags flags;
  bool may_host = false;        // flags (and NoIPHostOnAllDisabled) allow hosting
  Index node_class = kNoIndex;  // set when may_host
  const AddressList* list = nullptr;
};

struct ClusterIndex {
  std::vector<IpEntry> ips;
  std::vector<GroupEntry> groups;
  std::vector<InterfaceName> interface_names;
  std::vector<NodeEntry> nodes;
  std::vector<NodeClass> classes;
  std::vector<std::uint32_t> best_servable;  // per group: the most any hosting node serves
};

ClusterIndex build_index(const ClusterView& view, const Tunables& tunables, const Assignment& current);

// Why an IP that no node was chosen for cannot be hosted.
std::string unplaced_reason(const ClusterIndex& index, Index ip);

}  // namespace tandem::alloc
