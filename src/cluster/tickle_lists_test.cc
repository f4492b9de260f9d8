#include "cluster/tickle_lists.h"

#include <gtest/gtest.h>

#include "proto/limits.h"

namespace tandem::cluster {
namespace {

const NodeId kSelf(0);
const NodeId kPeer(1);

IpAddress address(const char* text) { return IpAddress::parse(text).value(); }
TcpConnection connection(const char* text) { return TcpConnection::parse(text).value(); }

const IpAddress kHeld = address("198.51.100.10");
const TcpConnection kFirst = connection("198.51.100.10:3260 203.0.113.7:40001");
const TcpConnection kSecond = connection("198.51.100.10:3260 203.0.113.8:40002");

TEST(TickleLists, KeepsTheListedConnectionsOfHeldAddressesOnly) {
  TickleLists lists;
  const auto recorded = lists.record_own(kSelf, {kHeld}, {kFirst, connection("198.51.100.99:3260 203.0.113.7:40001")});
  EXPECT_EQ(recorded.changed, std::vector<IpAddress>{kHeld});
  ASSERT_NE(lists.find(kHeld), nullptr);
  EXPECT_EQ(lists.find(kHeld)->connections, std::set<TcpConnection>{kFirst});
  EXPECT_EQ(lists.find(address("198.51.100.99")), nullptr);
}

TEST(TickleLists, ReportsAChangeOnlyWhenAListChanged) {
  TickleLists lists;
  (void)lists.record_own(kSelf, {kHeld}, {kFirst});
  EXPECT_TRUE(lists.record_own(kSelf, {kHeld}, {kFirst}).changed.empty());
  EXPECT_EQ(lists.record_own(kSelf, {kHeld}, {kFirst, kSecond}).changed, std::vector<IpAddress>{kHeld});
  EXPECT_EQ(lists.record_own(kSelf, {kHeld}, {}).changed, std::vector<IpAddress>{kHeld});
}

TEST(TickleLists, TicklesWhatAnotherNodeRecordedAndNothingOfItsOwn) {
  TickleLists lists;
  lists.record_peer(kPeer, proto::TickleList{kHeld, {kFirst, kSecond}}, false);
  EXPECT_EQ(lists.to_tickle(kSelf, kHeld), (std::vector<TcpConnection>{kFirst, kSecond}));
  (void)lists.record_own(kSelf, {kHeld}, {kFirst});
  EXPECT_TRUE(lists.to_tickle(kSelf, kHeld).empty());
}

TEST(TickleLists, IgnoresAPeersListForAnAddressHeldHere) {
  TickleLists lists;
  (void)lists.record_own(kSelf, {kHeld}, {kFirst});
  lists.record_peer(kPeer, proto::TickleList{kHeld, {kSecond}}, true);
  EXPECT_EQ(lists.find(kHeld)->recorded_by, kSelf);
  EXPECT_EQ(lists.find(kHeld)->connections, std::set<TcpConnection>{kFirst});
}

TEST(TickleLists, ANewerPeerListReplacesTheOlder) {
  TickleLists lists;
  lists.record_peer(kPeer, proto::TickleList{kHeld, {kFirst}}, false);
  lists.record_peer(NodeId(2), proto::TickleList{kHeld, {kSecond}}, false);
  EXPECT_EQ(lists.find(kHeld)->recorded_by, NodeId(2));
  EXPECT_EQ(lists.to_tickle(kSelf, kHeld), std::vector<TcpConnection>{kSecond});
}

TEST(TickleLists, KeepsAnAddedConnectionAcrossRefreshesUntilDeleted) {
  TickleLists lists;
  (void)lists.record_own(kSelf, {kHeld}, {kFirst});
  EXPECT_TRUE(lists.add(kSelf, kSecond));
  EXPECT_FALSE(lists.add(kSelf, kSecond));
  (void)lists.record_own(kSelf, {kHeld}, {kFirst});
  EXPECT_EQ(lists.find(kHeld)->connections, (std::set<TcpConnection>{kFirst, kSecond}));
  EXPECT_TRUE(lists.remove(kSecond));
  EXPECT_FALSE(lists.remove(kSecond));
  (void)lists.record_own(kSelf, {kHeld}, {kFirst});
  EXPECT_EQ(lists.find(kHeld)->connections, std::set<TcpConnection>{kFirst});
}

TEST(TickleLists, KeepsAtMostTheWireLimitOfConnectionsPerAddress) {
  TickleLists lists;
  std::vector<TcpConnection> many;
  for (std::uint32_t i = 0; i <= proto::kTickleConnectionsMax; ++i) {
    many.push_back(TcpConnection{{kHeld, 3260},
                                 {IpAddress::v4(0xCB007100U + i / 60000), static_cast<std::uint16_t>(1 + i % 60000)}});
  }
  const auto recorded = lists.record_own(kSelf, {kHeld}, many);
  EXPECT_EQ(recorded.cut, std::vector<IpAddress>{kHeld});
  EXPECT_EQ(lists.message_for(kHeld).connections.size(), proto::kTickleConnectionsMax);
}

}  // namespace
}  // namespace tandem::cluster
