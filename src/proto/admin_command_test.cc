#include "proto/admin_command.h"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::proto {
namespace {

std::vector<AdminCommand> one_of_each() {
  return {Disable{NodeId(1)},
          Enable{NodeId(2)},
          Ban{NodeId(3), 60},
          Unban{NodeId(3)},
          Stop{NodeId(0)},
          Continue{NodeId(0)},
          MoveIp{IpAddress::parse("203.0.113.10").value(), NodeId(2)},
          MoveGroup{GroupName("g1"), NodeId(1)},
          ReloadIps{NodeId(4)},
          SetInterfaceLink{NodeId(1), InterfaceName("eth2"), LinkState::kDown},
          IpReallocate{}};
}

TEST(AdminCommand, IsMadeBackFromItsOwnArguments) {
  for (const auto& command : one_of_each()) {
    const auto made = make_admin_command(kind_of(command), arguments_of(command));
    ASSERT_TRUE(std::holds_alternative<AdminCommand>(made)) << command_word(command);
    EXPECT_EQ(std::get<AdminCommand>(made), command) << command_word(command);
  }
}

TEST(AdminCommand, KindNumbersFollowTheVariantAndTheWire) {
  EXPECT_EQ(kind_of(Disable{}), AdminCommandKind::kDisable);
  EXPECT_EQ(kind_of(SetInterfaceLink{}), AdminCommandKind::kSetInterfaceLink);
  EXPECT_EQ(kind_of(IpReallocate{}), AdminCommandKind::kIpReallocate);
  EXPECT_EQ(admin_command_kind(11), AdminCommandKind::kIpReallocate);
  EXPECT_EQ(admin_command_kind(0), std::nullopt);
  EXPECT_EQ(admin_command_kind(12), std::nullopt);
}

TEST(AdminCommand, NamesTheFirstRequiredArgumentMissing) {
  AdminArguments arguments;
  arguments.node = NodeId(1);
  arguments.interface = InterfaceName("eth1");
  const auto made = make_admin_command(AdminCommandKind::kSetInterfaceLink, arguments);
  ASSERT_TRUE(std::holds_alternative<AdminArgument>(made));
  EXPECT_EQ(std::get<AdminArgument>(made), AdminArgument::kLink);
}

TEST(AdminCommand, KeepsOnlyTheArgumentsItsKindTakes) {
  AdminArguments arguments;
  arguments.node = NodeId(1);
  arguments.seconds = 30;
  arguments.group = GroupName("g1");
  EXPECT_EQ(std::get<AdminCommand>(make_admin_command(AdminCommandKind::kStop, arguments)),
            AdminCommand(Stop{NodeId(1)}));
  EXPECT_EQ(std::get<AdminCommand>(make_admin_command(AdminCommandKind::kIpReallocate, arguments)),
            AdminCommand(IpReallocate{}));
}

TEST(AdminCommand, ActsOnTheNodeItNamesOnlyForNodeCommands) {
  EXPECT_EQ(acting_node(Ban{NodeId(3), 60}), NodeId(3));
  EXPECT_EQ(acting_node(SetInterfaceLink{NodeId(2), InterfaceName("eth1"), LinkState::kUp}), NodeId(2));
  EXPECT_EQ(acting_node(MoveIp{IpAddress::parse("203.0.113.10").value(), NodeId(2)}), std::nullopt);
  EXPECT_EQ(named_node(MoveIp{IpAddress::parse("203.0.113.10").value(), NodeId(2)}), NodeId(2));
  EXPECT_EQ(acting_node(ReloadIps{NodeId(1)}), std::nullopt);
}

TEST(AdminCommand, EveryNodeCommandNamesANodeAndOnlyIpreallocateMayNameNone) {
  for (const auto& command : one_of_each()) {
    const auto kind = kind_of(command);
    if (acts_on_node(kind)) {
      EXPECT_TRUE(requires_argument(kind, AdminArgument::kNode)) << command_word(kind);
    }
    EXPECT_EQ(may_name_node(kind), kind != AdminCommandKind::kIpReallocate) << command_word(kind);
  }
}

TEST(AdminCommand, ActingOnAnotherNodeChangesOnlyANodeCommandsNode) {
  EXPECT_EQ(acting_on(Ban{NodeId(0), 60}, NodeId(5)), AdminCommand(Ban{NodeId(5), 60}));
  const AdminCommand move = MoveGroup{GroupName("g1"), NodeId(1)};
  EXPECT_EQ(acting_on(move, NodeId(5)), move);
}

}  // namespace
}  // namespace tandem::proto
