// The administrator's commands (CTDB's names), one type each with exactly the arguments it
// takes, so a command without its arguments, or with another command's, cannot be built.
//
// On the wire (payload.cc) and on the control socket (ctl/control_request.cc) a command is
// flat: its kind and each argument an optional field. AdminArguments is that flat form;
// make_admin_command() and arguments_of() convert, and every argument rule lives here.
// Pure data and functions: no IO.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <optional>
#include <string_view>
#include <variant>

#include "model/cluster_view.h"
#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem::proto {

// The commands that act on one node name it in `node`: the node that received the command
// carries it out itself.
struct Disable {
  NodeId node;
  friend bool operator==(const Disable&, const Disable&) = default;
};
struct Enable {
  NodeId node;
  friend bool operator==(const Enable&, const Enable&) = default;
};
struct Ban {
  NodeId node;
  std::uint32_t seconds = 0;
  friend bool operator==(const Ban&, const Ban&) = default;
};
struct Unban {
  NodeId node;
  friend bool operator==(const Unban&, const Unban&) = default;
};
struct Stop {
  NodeId node;
  friend bool operator==(const Stop&, const Stop&) = default;
};
struct Continue {
  NodeId node;
  friend bool operator==(const Continue&, const Continue&) = default;
};
struct SetInterfaceLink {
  NodeId node;
  InterfaceName interface;
  LinkState link = LinkState::kUp;
  friend bool operator==(const SetInterfaceLink&, const SetInterfaceLink&) = default;
};

// The commands the leader carries out for the cluster; `to` is the destination.
struct MoveIp {
  IpAddress address;
  NodeId to;
  friend bool operator==(const MoveIp&, const MoveIp&) = default;
};
struct MoveGroup {
  GroupName group;
  NodeId to;
  friend bool operator==(const MoveGroup&, const MoveGroup&) = default;
};
// Re-read the public addresses: on `node` only, or on every node when none is given.
struct ReloadIps {
  std::optional<NodeId> node;
  friend bool operator==(const ReloadIps&, const ReloadIps&) = default;
};
struct IpReallocate {
  friend bool operator==(const IpReallocate&, const IpReallocate&) = default;
};

// In the order of AdminCommandKind: alternative i has kind i + 1.
using AdminCommand = std::variant<Disable, Enable, Ban, Unban, Stop, Continue, MoveIp, MoveGroup, ReloadIps,
                                  SetInterfaceLink, IpReallocate>;

template <typename T, typename... Ts>
inline constexpr bool kIsOneOf = (std::is_same_v<T, Ts> || ...);

// The one place that decides where a command acts. A NodeCommand acts on one node (the
// node it names, or the node that received it when the request named none: disable,
// enable, ban, unban, stop, continue, setifacelink), which that node carries out itself;
// a ClusterCommand is carried out by the leader for the cluster (moveip, movegroup,
// reloadips, ipreallocate; for moveip and movegroup the node named is the destination).
// A visitor takes one group with `[](const proto::NodeCommand auto& c)` and names the
// others one by one: a new command in neither list fails to compile there.
template <typename T>
concept NodeCommand = kIsOneOf<std::remove_cvref_t<T>, Disable, Enable, Ban, Unban, Stop, Continue, SetInterfaceLink> &&
    requires(const T& command) {
  { command.node } -> std::convertible_to<NodeId>;
};
template <typename T>
concept ClusterCommand = kIsOneOf<std::remove_cvref_t<T>, MoveIp, MoveGroup, ReloadIps, IpReallocate>;

// A command's number on the wire (AdminRequest's `command` field). Numbers are never reused.
enum class AdminCommandKind : std::uint8_t {
  kDisable = 1,
  kEnable = 2,
  kBan = 3,
  kUnban = 4,
  kStop = 5,
  kContinue = 6,
  kMoveIp = 7,
  kMoveGroup = 8,
  kReloadIps = 9,
  kSetInterfaceLink = 10,
  kIpReallocate = 11,
};
inline constexpr std::uint8_t kAdminCommandKindMax = 11;

AdminCommandKind kind_of(const AdminCommand& command);
// The kind with this number, if there is one.
std::optional<AdminCommandKind> admin_command_kind(std::uint8_t number);

// "disable", "moveip", "setifacelink", ...: the word the CLI takes.
std::string_view command_word(AdminCommandKind kind);
std::string_view command_word(const AdminCommand& command);

// Whether the command is a NodeCommand.
bool acts_on_node(AdminCommandKind kind);
bool acts_on_node(const AdminCommand& command);
// Whether a command may name a node at all: ipreallocate acts on the whole cluster only.
bool may_name_node(AdminCommandKind kind);

// The node a command names, if any: the node it acts on, moveip's and movegroup's
// destination, reloadips's node.
std::optional<NodeId> named_node(const AdminCommand& command);
// The node a command that acts on one node (acts_on_node) acts on; nullopt for the others.
std::optional<NodeId> acting_node(const AdminCommand& command);
// The same command acting on `node` instead; other commands are returned as they are.
AdminCommand acting_on(AdminCommand command, NodeId node);

// A command's arguments, flat, as the wire and the control socket carry them.
enum class AdminArgument : std::uint8_t { kNode, kAddress, kGroup, kInterface, kLink, kSeconds };

struct AdminArguments {
  std::optional<NodeId> node;
  std::optional<IpAddress> address;
  std::optional<GroupName> group;
  std::optional<InterfaceName> interface;
  std::optional<LinkState> link;
  std::optional<std::uint32_t> seconds;

  friend bool operator==(const AdminArguments&, const AdminArguments&) = default;
};

// Which arguments a kind takes, and which of those it cannot do without:
//   disable, enable, unban, stop, continue: node
//   ban: node, seconds                  moveip: address, node (the destination)
//   movegroup: group, node              setifacelink: node, interface, link
//   reloadips: node, optional           ipreallocate: none
bool takes(AdminCommandKind kind, AdminArgument argument);
bool requires_argument(AdminCommandKind kind, AdminArgument argument);

// The command of `kind` from its arguments, or the first required argument missing.
// Arguments the kind does not take are ignored.
std::variant<AdminCommand, AdminArgument> make_admin_command(AdminCommandKind kind, const AdminArguments& arguments);
// The inverse: exactly the arguments the command carries.
AdminArguments arguments_of(const AdminCommand& command);

}  // namespace tandem::proto
