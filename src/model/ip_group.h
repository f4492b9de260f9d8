// IpGroup: public IPs that are always hosted by one node (the seed's "IP tuple").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem {

struct GroupMember {
  IpAddress address;
  std::optional<InterfaceName> preferred;  // the "@IFACE" of the ip_groups file

  friend bool operator==(const GroupMember&, const GroupMember&) = default;
};

// What a group does when its node can no longer serve one of its IPs (the IP's allowed
// interfaces there are all down) while another node could serve the whole group:
//   kMove: the group moves whole to a node that serves more of it (the default);
//   kStay: the group stays while its node serves at least one of its IPs; the lost IP is
//          unhosted until its link returns. For separate fabrics, where moving would
//          interrupt the healthy path too.
// Either way the group is never split across nodes.
enum class PathLossPolicy : std::uint8_t { kMove = 0, kStay = 1 };

// "move" / "stay", as written in ip_groups and shown by `tandem alloc`.
std::string_view to_string(PathLossPolicy policy);
std::optional<PathLossPolicy> parse_path_loss_policy(std::string_view text);

struct IpGroup {
  GroupName name;
  std::vector<GroupMember> members;
  PathLossPolicy on_path_loss = PathLossPolicy::kMove;

  friend bool operator==(const IpGroup&, const IpGroup&) = default;
};

// A group's size is bounded so that choosing interfaces inside a node stays cheap and
// exact; sixty-four paths to one target is far beyond any real storage network.
inline constexpr std::size_t kGroupSizeMax = 64;

}  // namespace tandem
