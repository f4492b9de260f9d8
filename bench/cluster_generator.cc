#include "cluster_generator.h"

#include <memory>
#include <string>

namespace tandem::bench {

namespace {

IpAddress address_in(std::uint8_t subnet, std::size_t host) {
  IpAddress::Bytes bytes{0x20, 0x01, 0x0d, 0xb8, 0, subnet};  // 2001:db8:0:SUBNET::/64
  for (std::size_t i = 0; i < 4; ++i) bytes[15 - i] = static_cast<std::uint8_t>(host >> (8 * i));
  return IpAddress::v6(bytes);
}

}  // namespace

ClusterView make_cluster(std::size_t nodes, std::size_t ips, std::size_t group_size) {
  const InterfaceName eth1("eth1");
  const InterfaceName eth2("eth2");
  auto list = std::make_shared<AddressList>();
  ClusterView view;
  const std::size_t groups = ips / group_size;
  for (std::size_t g = 0; g < groups; ++g) {
    IpGroup group{GroupName("target" + std::to_string(g)), {}};
    for (std::size_t m = 0; m < group_size; ++m) {
      const IpAddress address = address_in(static_cast<std::uint8_t>(m + 1), g + 1);
      list->push_back(PublicAddress{IpPrefix{address, 64}, {eth1, eth2}});
      group.members.push_back(GroupMember{address, m == 0 ? eth1 : eth2});
    }
    if (group_size > 1) view.groups.push_back(std::move(group));
  }
  for (std::size_t n = 0; n < nodes; ++n) {
    view.nodes.push_back(NodeView{
        NodeId(static_cast<std::uint32_t>(n)), NodeFlags(), {{eth1, LinkState::kUp}, {eth2, LinkState::kUp}}, list});
  }
  return view;
}

}  // namespace tandem::bench
