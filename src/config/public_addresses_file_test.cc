#include "config/public_addresses_file.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

PublicAddress address(std::string_view prefix, std::vector<std::string> interfaces) {
  PublicAddress out{IpPrefix::parse(prefix).value(), {}};
  for (auto& name : interfaces) out.interfaces.emplace_back(name);
  return out;
}

Result<AddressList> parse(std::string_view text) { return parse_public_addresses(text, "public_addresses"); }

TEST(PublicAddresses, ParsesIpv4AndIpv6AddressesWithTheirInterfacesInFileOrder) {
  auto list = parse("203.0.113.10/24 eth2\n198.51.100.10/24 eth1,eth2\n2001:db8:100::10/64 eth1\n");
  ASSERT_TRUE(succeeds(list));
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0], address("203.0.113.10/24", {"eth2"}));
  EXPECT_EQ((*list)[1], address("198.51.100.10/24", {"eth1", "eth2"}));
  EXPECT_EQ((*list)[2], address("2001:db8:100::10/64", {"eth1"}));
}

TEST(PublicAddresses, IgnoresCommentAndBlankLines) {
  auto list = parse("# public IPs\n\n   # indented comment\n198.51.100.10/24 eth1\n\t\n");
  ASSERT_TRUE(succeeds(list));
  ASSERT_EQ(list->size(), 1u);
}

TEST(PublicAddresses, AcceptsCrlfLineEndingsAndNoFinalNewline) {
  auto list = parse("198.51.100.10/24 eth1\r\n198.51.100.11/24 eth1");
  ASSERT_TRUE(succeeds(list));
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1], address("198.51.100.11/24", {"eth1"}));
}

TEST(PublicAddresses, AcceptsFullLengthPrefixes) {
  auto list = parse("198.51.100.10/32 eth1\n2001:db8::10/128 eth1\n");
  ASSERT_TRUE(succeeds(list));
  EXPECT_EQ((*list)[1].prefix.length, 128);
}

TEST(PublicAddresses, AcceptsAnEmptyFile) {
  auto list = parse("");
  ASSERT_TRUE(succeeds(list));
  EXPECT_TRUE(list->empty());
}

TEST(PublicAddresses, RejectsAnAddressWithoutAPrefixLength) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth1\n198.51.100.11 eth1\n"), "public_addresses:2",
                       "'198.51.100.11' has no prefix length; write ADDRESS/PREFIX"));
}

TEST(PublicAddresses, RejectsAPrefixLongerThan32ForIpv4) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/33 eth1\n"), "public_addresses:1",
                       "prefix length '/33' of 198.51.100.10 is not a number from 1 to 32"));
}

TEST(PublicAddresses, RejectsAPrefixLongerThan128ForIpv6) {
  EXPECT_TRUE(fails_at(parse("2001:db8::10/129 eth1\n"), "public_addresses:1",
                       "prefix length '/129' of 2001:db8::10 is not a number from 1 to 128"));
}

TEST(PublicAddresses, RejectsAPrefixLengthThatIsNotANumber) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/x eth1\n"), "public_addresses:1", "prefix length '/x'"));
  EXPECT_TRUE(fails_at(parse("198.51.100.10/ eth1\n"), "public_addresses:1", "prefix length '/'"));
  EXPECT_TRUE(fails_at(parse("198.51.100.10/024 eth1\n"), "public_addresses:1", "prefix length '/024'"));
}

TEST(PublicAddresses, RejectsAPrefixLengthOfZero) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/0 eth1\n"), "public_addresses:1",
                       "prefix length /0 of 198.51.100.10 would make every address its subnet"));
}

TEST(PublicAddresses, RejectsABadAddress) {
  EXPECT_TRUE(fails_at(parse("198.51.100.256/24 eth1\n"), "public_addresses:1",
                       "'198.51.100.256' is not a valid IPv4 or IPv6 address"));
  EXPECT_TRUE(fails_at(parse("2001:db8:::1/64 eth1\n"), "public_addresses:1",
                       "'2001:db8:::1' is not a valid IPv4 or IPv6 address"));
}

TEST(PublicAddresses, RejectsALineWithoutInterfaces) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24\n"), "public_addresses:1",
                       "198.51.100.10/24 has no interfaces; write ADDRESS/PREFIX INTERFACE[,INTERFACE...]"));
}

TEST(PublicAddresses, RejectsAnEmptyInterfaceNameBetweenCommas) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth1,,eth2\n"), "public_addresses:1",
                       "interface list 'eth1,,eth2' has an empty name"));
}

TEST(PublicAddresses, RejectsATrailingCommaInTheInterfaceList) {
  EXPECT_TRUE(
      fails_at(parse("198.51.100.10/24 eth1,\n"), "public_addresses:1", "interface list 'eth1,' has an empty name"));
}

TEST(PublicAddresses, RejectsAnInterfaceListedTwiceOnOneLine) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth1,eth2,eth1\n"), "public_addresses:1",
                       "interface eth1 is listed twice in 'eth1,eth2,eth1'"));
}

TEST(PublicAddresses, RejectsAnInterfaceNameLongerThanLinuxAllows) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth1,averyverylongname\n"), "public_addresses:1",
                       "interface name 'averyverylongname' is 17 characters long; Linux allows at most 15"));
}

TEST(PublicAddresses, RejectsAnInterfaceNameWithASlashOrColon) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth/1\n"), "public_addresses:1", "interface name 'eth/1' contains '/'"));
  EXPECT_TRUE(
      fails_at(parse("198.51.100.10/24 eth1:0\n"), "public_addresses:1", "interface name 'eth1:0' contains ':'"));
}

TEST(PublicAddresses, RejectsDotAndDotDotAsInterfaceNames) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 ..\n"), "public_addresses:1", "interface name '..' is not allowed"));
}

TEST(PublicAddresses, RejectsInterfacesSeparatedByBlanks) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth1 eth2\n"), "public_addresses:1",
                       "unexpected 'eth2' after the interface list 'eth1'; separate interfaces with commas"));
}

TEST(PublicAddresses, RejectsACommentAfterAnAddress) {
  EXPECT_TRUE(
      fails_at(parse("198.51.100.10/24 eth1 # web\n"), "public_addresses:1", "a comment must be on a line of its own"));
}

TEST(PublicAddresses, RejectsAnAddressListedTwiceNamingBothLines) {
  EXPECT_TRUE(fails_at(parse("# a comment\n198.51.100.10/24 eth1\n198.51.100.11/24 eth1\n198.51.100.10/25 eth2\n"),
                       "public_addresses:4", "address 198.51.100.10 is already listed on line 2"));
}

TEST(PublicAddresses, QuotesUnprintableBytesInMessages) {
  EXPECT_TRUE(fails_at(parse(std::string_view("198.51.100.1\0/24 eth1\n", 22)), "public_addresses:1",
                       "'198.51.100.1\\x00' is not a valid"));
}

TEST(PublicAddresses, RefusesNetworkAndBroadcastAddresses) {
  EXPECT_TRUE(fails_at(parse("198.51.100.10/24 eth1\n198.51.100.0/24 eth1\n"), "public_addresses:2",
                       "198.51.100.0/24 is the network address of its subnet; a public IP must be a host address"));
  EXPECT_TRUE(fails_at(parse("203.0.113.255/24 eth1\n"), "public_addresses:1",
                       "203.0.113.255/24 is the broadcast address of its subnet; a public IP must be a host address"));
  EXPECT_TRUE(fails_at(parse("2001:db8:100::/64 eth1\n"), "public_addresses:1",
                       "2001:db8:100::/64 is the subnet-router anycast address of its subnet; a public IP must be a "
                       "host address"));
  EXPECT_TRUE(succeeds(parse("198.51.100.0/31 eth1\n198.51.100.255/32 eth1\n203.0.113.4/23 eth1\n")));
}

}  // namespace
}  // namespace tandem::config
