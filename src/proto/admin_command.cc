#include "proto/admin_command.h"

#include <array>
#include <utility>

#include "base/overloaded.h"

namespace tandem::proto {

AdminCommandKind kind_of(const AdminCommand& command) {
  static_assert(std::variant_size_v<AdminCommand> == kAdminCommandKindMax);
  return static_cast<AdminCommandKind>(command.index() + 1);
}

std::optional<AdminCommandKind> admin_command_kind(std::uint8_t number) {
  if (number < 1 || number > kAdminCommandKindMax) return std::nullopt;
  return static_cast<AdminCommandKind>(number);
}

std::string_view command_word(AdminCommandKind kind) {
  switch (kind) {
    case AdminCommandKind::kDisable:
      return "disable";
    case AdminCommandKind::kEnable:
      return "enable";
    case AdminCommandKind::kBan:
      return "ban";
    case AdminCommandKind::kUnban:
      return "unban";
    case AdminCommandKind::kStop:
      return "stop";
    case AdminCommandKind::kContinue:
      return "continue";
    case AdminCommandKind::kMoveIp:
      return "moveip";
    case AdminCommandKind::kMoveGroup:
      return "movegroup";
    case AdminCommandKind::kReloadIps:
      return "reloadips";
    case AdminCommandKind::kSetInterfaceLink:
      return "setifacelink";
    case AdminCommandKind::kIpReallocate:
      return "ipreallocate";
  }
  return "unknown command";
}

std::string_view command_word(const AdminCommand& command) { return command_word(kind_of(command)); }

namespace {

// Every command is exactly one of the two.
template <std::size_t... I>
constexpr bool each_is_node_or_cluster_command(std::index_sequence<I...>) {
  return ((NodeCommand<std::variant_alternative_t<I, AdminCommand>> !=
           ClusterCommand<std::variant_alternative_t<I, AdminCommand>>)&&...);
}
static_assert(each_is_node_or_cluster_command(std::make_index_sequence<std::variant_size_v<AdminCommand>>{}),
              "an admin command that is neither a NodeCommand nor a ClusterCommand, or both");

template <std::size_t... I>
constexpr std::array<bool, sizeof...(I)> node_command_table(std::index_sequence<I...>) {
  return {NodeCommand<std::variant_alternative_t<I, AdminCommand>>...};
}
constexpr auto kIsNodeCommand = node_command_table(std::make_index_sequence<std::variant_size_v<AdminCommand>>{});

}  // namespace

bool acts_on_node(AdminCommandKind kind) { return kIsNodeCommand.at(static_cast<std::size_t>(kind) - 1); }

bool acts_on_node(const AdminCommand& command) { return kIsNodeCommand.at(command.index()); }

bool may_name_node(AdminCommandKind kind) { return takes(kind, AdminArgument::kNode); }

std::optional<NodeId> named_node(const AdminCommand& command) {
  using Named = std::optional<NodeId>;
  return std::visit(Overloaded{
                        [](const NodeCommand auto& c) -> Named { return c.node; },
                        [](const MoveIp& c) -> Named { return c.to; },
                        [](const MoveGroup& c) -> Named { return c.to; },
                        [](const ReloadIps& c) -> Named { return c.node; },
                        [](const IpReallocate&) -> Named { return std::nullopt; },
                    },
                    command);
}

std::optional<NodeId> acting_node(const AdminCommand& command) {
  return acts_on_node(command) ? named_node(command) : std::nullopt;
}

AdminCommand acting_on(AdminCommand command, NodeId node) {
  std::visit(
      [&](auto& c) {
        if constexpr (NodeCommand<decltype(c)>) c.node = node;
      },
      command);
  return command;
}

namespace {

constexpr unsigned bit(AdminArgument argument) { return 1U << static_cast<unsigned>(argument); }

constexpr unsigned kNode = bit(AdminArgument::kNode);

// The arguments a kind cannot do without.
unsigned required_arguments(AdminCommandKind kind) {
  switch (kind) {
    case AdminCommandKind::kBan:
      return kNode | bit(AdminArgument::kSeconds);
    case AdminCommandKind::kMoveIp:
      return kNode | bit(AdminArgument::kAddress);
    case AdminCommandKind::kMoveGroup:
      return kNode | bit(AdminArgument::kGroup);
    case AdminCommandKind::kSetInterfaceLink:
      return kNode | bit(AdminArgument::kInterface) | bit(AdminArgument::kLink);
    case AdminCommandKind::kReloadIps:
    case AdminCommandKind::kIpReallocate:
      return 0;
    case AdminCommandKind::kDisable:
    case AdminCommandKind::kEnable:
    case AdminCommandKind::kUnban:
    case AdminCommandKind::kStop:
    case AdminCommandKind::kContinue:
      return kNode;
  }
  return 0;
}

// The required ones, and reloadips's optional node.
unsigned taken_arguments(AdminCommandKind kind) {
  return required_arguments(kind) | (kind == AdminCommandKind::kReloadIps ? kNode : 0);
}

// The first argument the kind requires that `arguments` lacks.
std::optional<AdminArgument> missing_argument(AdminCommandKind kind, const AdminArguments& arguments) {
  const unsigned required = required_arguments(kind);
  const std::pair<AdminArgument, bool> given[] = {
      {AdminArgument::kNode, arguments.node.has_value()},
      {AdminArgument::kAddress, arguments.address.has_value()},
      {AdminArgument::kGroup, arguments.group.has_value()},
      {AdminArgument::kInterface, arguments.interface.has_value()},
      {AdminArgument::kLink, arguments.link.has_value()},
      {AdminArgument::kSeconds, arguments.seconds.has_value()},
  };
  for (const auto& [argument, is_given] : given) {
    if ((required & bit(argument)) && !is_given) return argument;
  }
  return std::nullopt;
}

// Only called once every required argument is known to be there.
AdminCommand build(AdminCommandKind kind, const AdminArguments& a) {
  switch (kind) {
    case AdminCommandKind::kDisable:
      return Disable{*a.node};
    case AdminCommandKind::kEnable:
      return Enable{*a.node};
    case AdminCommandKind::kBan:
      return Ban{*a.node, *a.seconds};
    case AdminCommandKind::kUnban:
      return Unban{*a.node};
    case AdminCommandKind::kStop:
      return Stop{*a.node};
    case AdminCommandKind::kContinue:
      return Continue{*a.node};
    case AdminCommandKind::kMoveIp:
      return MoveIp{*a.address, *a.node};
    case AdminCommandKind::kMoveGroup:
      return MoveGroup{*a.group, *a.node};
    case AdminCommandKind::kReloadIps:
      return ReloadIps{a.node};
    case AdminCommandKind::kSetInterfaceLink:
      return SetInterfaceLink{*a.node, *a.interface, *a.link};
    case AdminCommandKind::kIpReallocate:
      return IpReallocate{};
  }
  return IpReallocate{};
}

}  // namespace

bool takes(AdminCommandKind kind, AdminArgument argument) { return (taken_arguments(kind) & bit(argument)) != 0; }

bool requires_argument(AdminCommandKind kind, AdminArgument argument) {
  return (required_arguments(kind) & bit(argument)) != 0;
}

std::variant<AdminCommand, AdminArgument> make_admin_command(AdminCommandKind kind, const AdminArguments& arguments) {
  if (const auto missing = missing_argument(kind, arguments)) return *missing;
  return build(kind, arguments);
}

AdminArguments arguments_of(const AdminCommand& command) {
  AdminArguments out;
  std::visit(Overloaded{
                 [&](const Disable& c) { out.node = c.node; },
                 [&](const Enable& c) { out.node = c.node; },
                 [&](const Ban& c) {
                   out.node = c.node;
                   out.seconds = c.seconds;
                 },
                 [&](const Unban& c) { out.node = c.node; },
                 [&](const Stop& c) { out.node = c.node; },
                 [&](const Continue& c) { out.node = c.node; },
                 [&](const MoveIp& c) {
                   out.node = c.to;
                   out.address = c.address;
                 },
                 [&](const MoveGroup& c) {
                   out.node = c.to;
                   out.group = c.group;
                 },
                 [&](const ReloadIps& c) { out.node = c.node; },
                 [&](const SetInterfaceLink& c) {
                   out.node = c.node;
                   out.interface = c.interface;
                   out.link = c.link;
                 },
                 [&](const IpReallocate&) {},
             },
             command);
  return out;
}

}  // namespace tandem::proto
