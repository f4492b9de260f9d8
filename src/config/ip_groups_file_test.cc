#include "config/ip_groups_file.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

Result<IpGroupsFile> parse(std::string_view text) { return parse_ip_groups(text, "ip_groups"); }

GroupMember member(std::string_view address, std::optional<std::string> preferred = std::nullopt) {
  GroupMember out{IpAddress::parse(address).value(), std::nullopt};
  if (preferred) out.preferred = InterfaceName(*preferred);
  return out;
}

// A line of one group named `name` with `count` IPv4 addresses from 198.51.100.1 up.
std::string group_line(std::string_view name, std::size_t count) {
  std::string line(name);
  for (std::size_t i = 1; i <= count; ++i) line += " 198.51.100." + std::to_string(i);
  return line + "\n";
}

TEST(IpGroups, ParsesGroupsWithPreferredInterfaces) {
  auto file = parse("target1 198.51.100.10@eth1 203.0.113.10@eth2\ntarget2 198.51.100.11@eth1 203.0.113.11@eth2\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->file_name, "ip_groups");
  ASSERT_EQ(file->entries.size(), 2u);
  const GroupEntry& first = file->entries[0];
  EXPECT_EQ(first.line, 1);
  EXPECT_EQ(first.group.name, GroupName("target1"));
  EXPECT_EQ(first.group.members, (std::vector{member("198.51.100.10", "eth1"), member("203.0.113.10", "eth2")}));
  EXPECT_EQ(file->entries[1].line, 2);
}

TEST(IpGroups, SplitsIpv6MembersAtTheLastAt) {
  auto file = parse("v6 2001:db8:100::10@eth1 2001:db8:113::10\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.members,
            (std::vector{member("2001:db8:100::10", "eth1"), member("2001:db8:113::10")}));
}

TEST(IpGroups, AcceptsMembersWithoutAPreferredInterface) {
  auto file = parse("smb 198.51.100.20\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.members, (std::vector{member("198.51.100.20")}));
}

TEST(IpGroups, IgnoresCommentsAndBlankLinesAndCountsThemInLineNumbers) {
  auto file = parse("# iSCSI targets\n\n  # another\ntarget1 198.51.100.10@eth1\n");
  ASSERT_TRUE(succeeds(file));
  ASSERT_EQ(file->entries.size(), 1u);
  EXPECT_EQ(file->entries[0].line, 4);
}

TEST(IpGroups, AcceptsCrlfLineEndingsAndNoFinalNewline) {
  auto file = parse("a 198.51.100.10@eth1\r\nb 198.51.100.11@eth1");
  ASSERT_TRUE(succeeds(file));
  ASSERT_EQ(file->entries.size(), 2u);
  EXPECT_EQ(file->entries[0].group.members, (std::vector{member("198.51.100.10", "eth1")}));
}

TEST(IpGroups, AcceptsNamesOfLettersDigitsUnderscoresDotsAndDashes) {
  auto file =
      parse("iqn.2024-01.Example_Target-9 198.51.100.10\n" + std::string(kGroupNameMax, 'n') + " 198.51.100.11\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.name, GroupName("iqn.2024-01.Example_Target-9"));
}

TEST(IpGroups, AcceptsAGroupOfTheMaximumSize) {
  auto file = parse(group_line("big", kGroupSizeMax));
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.members.size(), kGroupSizeMax);
}

TEST(IpGroups, GroupsListsTheGroupsInFileOrder) {
  auto file = parse("b 198.51.100.2\na 198.51.100.1\n");
  ASSERT_TRUE(succeeds(file));
  auto groups = file->groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, GroupName("b"));
}

TEST(IpGroups, AcceptsAnEmptyFile) {
  auto file = parse("# nothing yet\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_TRUE(file->entries.empty());
}

TEST(IpGroups, RejectsANameWithCharactersOutsideTheAllowedSet) {
  EXPECT_TRUE(fails_at(parse("a 198.51.100.1\ntarget/1 198.51.100.10\n"), "ip_groups:2",
                       "group name 'target/1' is not 1 to 64 letters, digits, '_', '.' or '-'"));
}

TEST(IpGroups, RejectsANameLongerThan64) {
  EXPECT_TRUE(fails_at(parse(std::string(kGroupNameMax + 1, 'n') + " 198.51.100.10\n"), "ip_groups:1",
                       "is not 1 to 64 letters"));
}

TEST(IpGroups, RejectsALineThatStartsWithAnAddressInsteadOfAName) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10@eth1 203.0.113.10@eth2\n"), "ip_groups:1",
                       "starts with the address '198.51.100.10@eth1' where the group's name should be"));
  EXPECT_TRUE(fails_at(parse("198.51.100.10 203.0.113.10\n"), "ip_groups:1",
                       "starts with the address '198.51.100.10' where the group's name should be"));
}

TEST(IpGroups, RejectsAGroupWithNoAddresses) {
  EXPECT_TRUE(fails_at(parse("target1\n"), "ip_groups:1", "group target1 has no addresses"));
}

TEST(IpGroups, RejectsAGroupNameUsedTwiceNamingBothLines) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10\n\ntarget1 198.51.100.11\n"), "ip_groups:3",
                       "group name target1 is already used on line 1"));
}

TEST(IpGroups, RejectsAnAddressTwiceInOneGroup) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10@eth1 198.51.100.10@eth2\n"), "ip_groups:1",
                       "address 198.51.100.10 is listed twice in group target1"));
}

TEST(IpGroups, RejectsAnAddressInTwoGroupsNamingTheOtherGroupAndItsLine) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10 203.0.113.10\ntarget2 198.51.100.11\ntarget3 203.0.113.10\n"),
                       "ip_groups:3", "address 203.0.113.10 is already in group target1 on line 1"));
}

TEST(IpGroups, RejectsAGroupLargerThanTheMaximum) {
  EXPECT_TRUE(fails_at(parse(group_line("big", kGroupSizeMax + 1)), "ip_groups:1",
                       "group big has 65 addresses; a group may have at most 64"));
}

TEST(IpGroups, RejectsAnAddressWithAPrefixLength) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10/24@eth1\n"), "ip_groups:1",
                       "'198.51.100.10/24' has a prefix length; prefixes belong in public_addresses"));
}

TEST(IpGroups, RejectsABadAddress) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10 198.51.100.x@eth2\n"), "ip_groups:1",
                       "'198.51.100.x' is not a valid IPv4 or IPv6 address"));
}

TEST(IpGroups, RejectsAnEmptyInterfaceAfterAt) {
  EXPECT_TRUE(
      fails_at(parse("target1 198.51.100.10@\n"), "ip_groups:1", "'198.51.100.10@' has no interface after '@'"));
}

TEST(IpGroups, RejectsAnInvalidInterfaceAfterAt) {
  EXPECT_TRUE(
      fails_at(parse("target1 198.51.100.10@averyverylongname\n"), "ip_groups:1",
               "preferred interface of 198.51.100.10: interface name 'averyverylongname' is 17 characters long"));
}

TEST(IpGroups, RejectsSeveralInterfacesAfterAt) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10@eth1,eth2\n"), "ip_groups:1", "at most one preferred interface"));
}

TEST(IpGroups, RejectsAnAtWithNoAddressBeforeIt) {
  EXPECT_TRUE(fails_at(parse("target1 @eth1\n"), "ip_groups:1", "'' is not a valid IPv4 or IPv6 address"));
}

TEST(IpGroups, ReadsAnOnPathLossPolicyAfterTheAddresses) {
  auto file = parse(
      "target1 198.51.100.10@eth1 203.0.113.10@eth2 on-path-loss=stay\n"
      "target2 198.51.100.11@eth1 203.0.113.11@eth2 on-path-loss=move\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.on_path_loss, PathLossPolicy::kStay);
  EXPECT_EQ(file->entries[0].group.members,
            (std::vector{member("198.51.100.10", "eth1"), member("203.0.113.10", "eth2")}));
  EXPECT_EQ(file->entries[1].group.on_path_loss, PathLossPolicy::kMove);
}

TEST(IpGroups, MovesAGroupOnPathLossWhenNoPolicyIsGiven) {
  auto file = parse("target1 198.51.100.10@eth1 203.0.113.10@eth2\n");
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.on_path_loss, PathLossPolicy::kMove);
}

TEST(IpGroups, AcceptsAGroupOfTheMaximumSizeWithAPolicy) {
  std::string line = group_line("big", kGroupSizeMax);
  line.insert(line.size() - 1, " on-path-loss=stay");
  auto file = parse(line);
  ASSERT_TRUE(succeeds(file));
  EXPECT_EQ(file->entries[0].group.on_path_loss, PathLossPolicy::kStay);
}

TEST(IpGroups, RejectsAnUnknownPolicy) {
  EXPECT_TRUE(
      fails_at(parse("# fabrics\ntarget1 198.51.100.10@eth1 on-path-loss=split\n"), "ip_groups:2",
               "unknown on-path-loss policy 'split' in group target1; write on-path-loss=move or on-path-loss=stay"));
}

TEST(IpGroups, RejectsAnEmptyPolicy) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10 on-path-loss=\n"), "ip_groups:1",
                       "unknown on-path-loss policy '' in group target1"));
}

TEST(IpGroups, RejectsAnUnknownOption) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10 on-link-loss=stay\n"), "ip_groups:1",
                       "unknown option 'on-link-loss' in group target1; the only option is on-path-loss=move|stay"));
}

TEST(IpGroups, RejectsAnOptionBeforeTheAddresses) {
  EXPECT_TRUE(fails_at(parse("target1 on-path-loss=stay 198.51.100.10\n"), "ip_groups:1",
                       "option 'on-path-loss=stay' comes before the addresses of group target1"));
}

TEST(IpGroups, RejectsAnAddressAfterAnOption) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10 on-path-loss=stay 203.0.113.10\n"), "ip_groups:1",
                       "address '203.0.113.10' comes after an option in group target1"));
}

TEST(IpGroups, RejectsAPolicyGivenTwice) {
  EXPECT_TRUE(fails_at(parse("target1 198.51.100.10 on-path-loss=stay on-path-loss=stay\n"), "ip_groups:1",
                       "on-path-loss is given twice in group target1"));
}

}  // namespace
}  // namespace tandem::config
