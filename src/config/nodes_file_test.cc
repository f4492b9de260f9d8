#include "config/nodes_file.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }

TEST(Nodes, GivesEachLineAPnnFromZero) {
  auto nodes = parse_nodes("192.0.2.1\n192.0.2.2\n192.0.2.3\n", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0], (NodeEntry{NodeId(0), ip("192.0.2.1"), 1}));
  EXPECT_EQ((*nodes)[2], (NodeEntry{NodeId(2), ip("192.0.2.3"), 3}));
}

TEST(Nodes, ParsesIpv6Addresses) {
  auto nodes = parse_nodes("2001:db8::1\n2001:db8::2\n", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_EQ((*nodes)[1].address, ip("2001:db8::2"));
}

TEST(Nodes, KeepsThePnnOfADeletedNodeSoLaterNodesAreNotRenumbered) {
  auto nodes = parse_nodes("192.0.2.1\n#192.0.2.2\n192.0.2.3\n", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_TRUE((*nodes)[1].is_deleted());
  EXPECT_EQ((*nodes)[1].pnn, NodeId(1));
  EXPECT_EQ((*nodes)[2], (NodeEntry{NodeId(2), ip("192.0.2.3"), 3}));
}

TEST(Nodes, TreatsAHashAfterBlanksAsADeletedNodeWhateverFollows) {
  auto nodes = parse_nodes("  # anything at all\n192.0.2.1\n", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_TRUE((*nodes)[0].is_deleted());
  EXPECT_EQ((*nodes)[1].pnn, NodeId(1));
}

TEST(Nodes, SkipsBlankLinesWithoutGivingThemAPnn) {
  auto nodes = parse_nodes("\n192.0.2.1\n \t\n\n192.0.2.2\n", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_EQ((*nodes)[1], (NodeEntry{NodeId(1), ip("192.0.2.2"), 5}));
}

TEST(Nodes, AcceptsBlanksAroundTheAddressCrlfAndNoFinalNewline) {
  auto nodes = parse_nodes("  192.0.2.1 \t\r\n192.0.2.2", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  ASSERT_EQ(nodes->size(), 2u);
  EXPECT_EQ((*nodes)[0].address, ip("192.0.2.1"));
  EXPECT_EQ((*nodes)[1].address, ip("192.0.2.2"));
}

TEST(Nodes, GivesAnEmptyListForAnEmptyFile) {
  auto nodes = parse_nodes("", "nodes");
  ASSERT_TRUE(succeeds(nodes));
  EXPECT_TRUE(nodes->empty());
}

TEST(Nodes, RejectsABadAddress) {
  EXPECT_TRUE(fails_at(parse_nodes("192.0.2.1\n192.0.2.300\n", "nodes"), "nodes:2",
                       "'192.0.2.300' is not a valid IPv4 or IPv6 address"));
}

TEST(Nodes, RejectsAnAddressWithAPrefixLength) {
  EXPECT_TRUE(fails_at(parse_nodes("192.0.2.1/24\n", "nodes"), "nodes:1", "'192.0.2.1/24' has a prefix length"));
}

TEST(Nodes, RejectsADuplicateAddressNamingBothLines) {
  EXPECT_TRUE(fails_at(parse_nodes("192.0.2.1\n192.0.2.2\n\n192.0.2.1\n", "/etc/tandem/nodes"), "/etc/tandem/nodes:4",
                       "address 192.0.2.1 is already node 0 on line 1"));
}

TEST(Nodes, RejectsOneIpv6AddressWrittenTwoWays) {
  EXPECT_TRUE(fails_at(parse_nodes("2001:db8::1\n2001:DB8:0:0::1\n", "nodes"), "nodes:2",
                       "address 2001:db8::1 is already node 0 on line 1"));
}

TEST(Nodes, RejectsTextAfterTheAddress) {
  EXPECT_TRUE(fails_at(parse_nodes("192.0.2.1\n192.0.2.2 extra\n", "nodes"), "nodes:2",
                       "unexpected 'extra' after the address '192.0.2.2'"));
}

TEST(Nodes, RejectsATrailingCommentBecauseTheFileHasNoComments) {
  EXPECT_TRUE(fails_at(parse_nodes("192.0.2.1 # node one\n", "nodes"), "nodes:1", "unexpected '#'"));
}

}  // namespace
}  // namespace tandem::config
