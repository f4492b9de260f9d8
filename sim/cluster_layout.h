// ClusterLayout: the configuration of a simulated cluster of N nodes with K public
// interfaces each and G groups of S addresses.
//
// Every node may host every address on any of its interfaces (one public_addresses file for
// the whole cluster); member j of every group prefers interface j mod K, so a group of two
// on two interfaces takes one path per interface. With separate fabrics, member j may use
// interface j mod K only (interface k is fabric k, and nothing joins the fabrics), so an
// interface that fails costs its node those IPs: what the groups do then is their
// on_path_loss policy. Addresses come from the documentation
// ranges: member j of group g is host g+1 of 192.0.2.0/24, 198.51.100.0/24 or
// 203.0.113.0/24 (j = 0, 1, 2) when the shape fits, else 2001:db8:0:j::g+1/64, so that each
// subnet holds one member of every group.
#pragma once

#include <cstdint>
#include <vector>

#include "model/ip_group.h"
#include "model/public_address.h"

namespace tandem::sim {

struct ClusterShape {
  std::uint32_t nodes = 3;
  std::uint32_t interfaces = 2;
  std::uint32_t groups = 3;
  std::uint32_t group_size = 2;
  bool has_separate_fabrics = false;
  PathLossPolicy on_path_loss = PathLossPolicy::kMove;  // of every group
};

struct ClusterLayout {
  std::vector<InterfaceName> interfaces;  // eth1 .. ethK
  SharedAddressList addresses;            // every node's public_addresses
  std::vector<IpGroup> groups;            // target1 .. targetG
};

// Checks the shape's limits (S <= 64, G <= 1022, S <= 127, at least one of each).
Result<ClusterLayout> make_layout(const ClusterShape& shape);

}  // namespace tandem::sim
