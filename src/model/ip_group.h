// IpGroup: public IPs that are always hosted by one node (the seed's "IP tuple").
#pragma once

#include <optional>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem {

struct GroupMember {
  IpAddress address;
  std::optional<InterfaceName> preferred;  // the "@IFACE" of the ip_groups file

  friend bool operator==(const GroupMember&, const GroupMember&) = default;
};

struct IpGroup {
  GroupName name;
  std::vector<GroupMember> members;

  friend bool operator==(const IpGroup&, const IpGroup&) = default;
};

// A group's size is bounded so that choosing interfaces inside a node stays cheap and
// exact; sixty-four paths to one target is far beyond any real storage network.
inline constexpr std::size_t kGroupSizeMax = 64;

}  // namespace tandem
