#include "sim/cluster_layout.h"

#include <memory>
#include <string>

namespace tandem::sim {

namespace {

// Documentation ranges only: member j of group g is host g+1 of the j-th IPv4
// documentation network when they fit, else 2001:db8:0:j::g+1.
IpPrefix member_prefix(const ClusterShape& shape, std::uint32_t g, std::uint32_t j) {
  static constexpr std::uint32_t kNetworks[] = {0xC0000200u, 0xC6336400u,
                                                0xCB007100u};  // 192.0.2, 198.51.100, 203.0.113
  if (shape.group_size <= 3 && shape.groups <= 254) return IpPrefix{IpAddress::v4(kNetworks[j] + g + 1), 24};
  IpAddress::Bytes bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, static_cast<std::uint8_t>(j >> 8), static_cast<std::uint8_t>(j)};
  bytes[14] = static_cast<std::uint8_t>((g + 1) >> 8);
  bytes[15] = static_cast<std::uint8_t>(g + 1);
  return IpPrefix{IpAddress::v6(bytes), 64};
}

}  // namespace

Result<ClusterLayout> make_layout(const ClusterShape& shape) {
  if (shape.nodes == 0 || shape.interfaces == 0 || shape.groups == 0 || shape.group_size == 0) {
    return fail("cluster shape", "nodes, interfaces, groups and group size must be at least 1");
  }
  if (shape.group_size > kGroupSizeMax) return fail("cluster shape", "group size is at most 64");
  if (shape.groups > 1022) return fail("cluster shape", "at most 1022 groups");
  if (shape.interfaces > 64) return fail("cluster shape", "at most 64 interfaces");
  ClusterLayout layout;
  for (std::uint32_t k = 1; k <= shape.interfaces; ++k) layout.interfaces.emplace_back("eth" + std::to_string(k));
  AddressList addresses;
  for (std::uint32_t g = 0; g < shape.groups; ++g) {
    IpGroup group{GroupName("target" + std::to_string(g + 1)), {}, shape.on_path_loss};
    for (std::uint32_t j = 0; j < shape.group_size; ++j) {
      const IpPrefix prefix = member_prefix(shape, g, j);
      const InterfaceName& own = layout.interfaces[j % shape.interfaces];
      group.members.push_back(GroupMember{prefix.address, own});
      addresses.push_back(PublicAddress{prefix, shape.has_separate_fabrics ? std::vector{own} : layout.interfaces});
    }
    layout.groups.push_back(std::move(group));
  }
  layout.addresses = std::make_shared<const AddressList>(std::move(addresses));
  return layout;
}

}  // namespace tandem::sim
