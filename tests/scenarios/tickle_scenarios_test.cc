// Scenarios: tickle lists and tickle ACKs after a node failure, and the planned release
// that ends a group's TCP connections. The simulated kernel (SimNetOps) gives every held
// public address one client connection (sim_connection_to), records every tickle ACK and
// every reset, and the world checks each tickle against the kernel (invariant 6,
// stale-tickle): run_for() fails on a tickle for an address the node does not hold.
#include <set>

#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

ScenarioOptions three_nodes(std::uint64_t seed) {
  return {.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = seed};
}

// A follower holding a group (losing the leader is Leadership's case).
std::pair<std::string, NodeId> follower_group(const Scenario& s) {
  for (std::string group : {"target1", "target2", "target3"}) {
    const auto node = s.node_hosting(group);
    if (node && node != s.leader()) return {group, *node};
  }
  return {"", NodeId(0)};
}

std::vector<TickleRecord> tickles_of(Scenario& s, const IpAddress& address) {
  std::vector<TickleRecord> found;
  for (const auto& record : s.world().tickles()) {
    if (record.address == address) found.push_back(record);
  }
  return found;
}

bool was_reset(Scenario& s, const IpAddress& address, NodeId node) {
  return std::any_of(s.world().resets().begin(), s.world().resets().end(), [&](const ResetRecord& record) {
    return record.node == node.value() &&
           std::find(record.addresses.begin(), record.addresses.end(), address) != record.addresses.end();
  });
}

TEST(Tickles, TheNewHolderTicklesTheFailedHoldersConnectionsTickleCountTimes) {
  Scenario s(three_nodes(21));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  ASSERT_FALSE(group.empty());
  const IpAddress address = s.ip(group, 0);
  // (A group moved while the cluster formed was tickled at its new holder too: harmless,
  // as the old holder had ended those connections.)
  const std::size_t before = tickles_of(s, address).size();
  s.power_off(node).run_for(3s).expect_group_not_on(group, node).expect_all_groups_hosted();
  const NodeId taker = *s.node_hosting(group);
  auto sent = tickles_of(s, address);
  sent.erase(sent.begin(), sent.begin() + static_cast<std::ptrdiff_t>(before));
  ASSERT_EQ(sent.size(), Tunables{}.tickle_count);
  for (const auto& record : sent) {
    EXPECT_EQ(record.node, taker.value());
    EXPECT_EQ(record.connections, std::vector<TcpConnection>{sim_connection_to(address)});
  }
  // The first goes out with the new holder's first announcement of the address: once its
  // takeip and takegroup hooks are done, after the address arrived in its kernel.
  std::optional<TimePoint> first_announced;
  for (const auto& announcement : s.world().announcements()) {
    if (announcement.address == address && announcement.node == taker.value() &&
        announcement.at >= *s.last_added(address, taker)) {
      first_announced = announcement.at;
      break;
    }
  }
  ASSERT_TRUE(first_announced.has_value());
  EXPECT_EQ(std::optional<TimePoint>(sent[0].at), first_announced);
  EXPECT_GT(sent[0].at, *s.last_added(address, taker));
}

TEST(Tickles, NoTickleAcksWhenTickleUpdateIntervalIsZero) {
  ScenarioOptions options = three_nodes(22);
  options.tunables.tickle_update_interval_ms = 0;
  Scenario s(options);
  s.run_for(3s);
  const auto [group, node] = follower_group(s);
  s.power_off(node).run_for(3s).expect_all_groups_hosted();
  EXPECT_TRUE(tickles_of(s, s.ip(group, 0)).empty());
}

TEST(Tickles, APlannedMoveEndsTheGroupsConnectionsOnTheNodeItLeaves) {
  Scenario s(three_nodes(23));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  NodeId target(0);
  while (target == node || target == s.leader()) target = NodeId(target.value() + 1);
  const auto reply = s.admin(*s.leader(), proto::MoveGroup{GroupName(group), target});
  ASSERT_TRUE(reply.ok) << reply.message;
  s.run_for(3s).expect_group_on(group, target);
  EXPECT_TRUE(was_reset(s, s.ip(group, 0), node));
  EXPECT_TRUE(was_reset(s, s.ip(group, 1), node));
}

TEST(Tickles, AnInterfaceFailoverKeepsEveryConnection) {
  Scenario s(three_nodes(24));
  s.run_for(3s);
  const auto [group, node] = follower_group(s);
  const std::size_t before = s.world().resets().size();
  s.link_down(node, "eth1").run_for(2s).expect_group_on(group, node);
  EXPECT_EQ(s.world().resets().size(), before);
}

TEST(Tickles, APlannedStopEndsTheConnectionsOfWhatTheNodeHeld) {
  Scenario s(three_nodes(25));
  s.run_for(3s);
  const auto [group, node] = follower_group(s);
  s.shutdown(node).run_for(3s).expect_group_not_on(group, node);
  EXPECT_TRUE(was_reset(s, s.ip(group, 0), node));
}

// The list `node`'s machine knows for `address` (empty when none).
std::set<TcpConnection> listed_at(Scenario& s, NodeId node, const IpAddress& address) {
  const auto* entry = s.world().node(node.value()).daemon->machine().tickle_lists().find(address);
  return entry == nullptr ? std::set<TcpConnection>{} : entry->connections;
}

TcpConnection admin_connection(const IpAddress& address) {
  return TcpConnection{{address, 3260}, {IpAddress::parse("203.0.113.77").value(), 40001}};
}

TEST(TickleEdits, AnAddedConnectionIsListedByTheHolderAndReachesItsPeers) {
  Scenario s(three_nodes(31));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  ASSERT_FALSE(group.empty());
  const TcpConnection connection = admin_connection(s.ip(group, 0));
  const auto reply = s.tickle_edit(node, true, connection);
  EXPECT_TRUE(reply.ok) << reply.message;
  EXPECT_TRUE(listed_at(s, node, connection.server.address).contains(connection));
  s.run_for(100ms);
  EXPECT_TRUE(listed_at(s, *s.leader(), connection.server.address).contains(connection));
}

TEST(TickleEdits, AnAddedConnectionStaysListedAcrossKernelRefreshes) {
  Scenario s(three_nodes(32));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  ASSERT_FALSE(group.empty());
  const TcpConnection connection = admin_connection(s.ip(group, 0));
  ASSERT_TRUE(s.tickle_edit(node, true, connection).ok);
  s.run_for(std::chrono::milliseconds(3 * Tunables{}.tickle_update_interval_ms));
  EXPECT_TRUE(listed_at(s, node, connection.server.address).contains(connection));
}

TEST(TickleEdits, ADeletedConnectionLeavesTheList) {
  Scenario s(three_nodes(33));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  ASSERT_FALSE(group.empty());
  const TcpConnection connection = admin_connection(s.ip(group, 0));
  ASSERT_TRUE(s.tickle_edit(node, true, connection).ok);
  const auto reply = s.tickle_edit(node, false, connection);
  EXPECT_TRUE(reply.ok) << reply.message;
  EXPECT_FALSE(listed_at(s, node, connection.server.address).contains(connection));
}

TEST(TickleEdits, DeletingAConnectionNotListedIsRefused) {
  Scenario s(three_nodes(34));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  ASSERT_FALSE(group.empty());
  const auto reply = s.tickle_edit(node, false, admin_connection(s.ip(group, 0)));
  EXPECT_FALSE(reply.ok);
  EXPECT_NE(reply.message.find("is not in the tickle list of " + s.ip(group, 0).to_string()), std::string::npos)
      << reply.message;
}

TEST(TickleEdits, ANodeThatDoesNotHoldTheAddressRefusesToAddAConnectionToIt) {
  Scenario s(three_nodes(35));
  s.run_for(3s).expect_converged();
  const auto [group, node] = follower_group(s);
  ASSERT_FALSE(group.empty());
  const NodeId other((node.value() + 1) % 3);
  const auto reply = s.tickle_edit(other, true, admin_connection(s.ip(group, 0)));
  EXPECT_FALSE(reply.ok);
  EXPECT_NE(reply.message.find(s.ip(group, 0).to_string() + " is not a public IP node"), std::string::npos)
      << reply.message;
  EXPECT_FALSE(listed_at(s, other, s.ip(group, 0)).contains(admin_connection(s.ip(group, 0))));
}

}  // namespace
}  // namespace tandem::sim
