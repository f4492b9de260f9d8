#include "node/takeover_watch.h"

#include <gtest/gtest.h>

namespace tandem::node {
namespace {

using cluster::Action;

IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }
InterfaceName eth(std::string_view name) { return InterfaceName(std::string(name)); }
TimePoint at_ms(int ms) { return kTimeZero + milliseconds(ms); }

Action log(std::string text) { return cluster::Log{cluster::Log::Level::kInfo, std::move(text), std::nullopt}; }

// The machine's line for a run's start or end; the words are deliberately not the machine's,
// since the watch must read only the milestone.
Action run_line(cluster::RunMilestone::Kind kind, std::uint64_t run) {
  return cluster::Log{cluster::Log::Level::kInfo, "run line", cluster::RunMilestone{kind, run}};
}
Action run_starts(std::uint64_t run) { return run_line(cluster::RunMilestone::Kind::kStarts, run); }
Action run_done(std::uint64_t run) { return run_line(cluster::RunMilestone::Kind::kDone, run); }
Action run_failed(std::uint64_t run) { return run_line(cluster::RunMilestone::Kind::kFailed, run); }

Action order(std::uint32_t to, std::uint64_t run, proto::TakeoverKind kind, std::string_view address,
             std::string_view interface, std::optional<std::string> group = std::nullopt) {
  std::optional<GroupName> name;
  if (group) name = GroupName(*group);
  return cluster::SendMessage{NodeId(to),
                              proto::TakeoverOrder{3, run, kind, {{prefix(address), eth(interface), name}}}};
}

// The leader's view before a run: node 1 holds 203.0.113.10 on eth1, with `flags`.
proto::StatusReply view_with_node1(NodeFlags flags, LinkState eth1 = LinkState::kUp) {
  proto::StatusReply status{kWatchStatusIdBase, 3, NodeId(0), true, {}};
  status.nodes.push_back(proto::NodeStatus{NodeId(0), true, NodeFlags(), true, true, {}, {}, {}, {}});
  proto::NodeStatus node1{NodeId(1), true, flags, true, true, {{eth("eth1"), eth1}}, {}, {}, {}};
  node1.held.push_back(proto::HeldAddress{prefix("203.0.113.10/24"), eth("eth1")});
  status.nodes.push_back(node1);
  return status;
}

// Runs "takeover run 5" with the given view before it and the given orders.
MoveRecord run_with(const proto::StatusReply& before, const std::vector<Action>& release_phase,
                    const std::vector<Action>& take_phase, bool ok = true) {
  TakeoverWatch watch(NodeId(0), {});
  std::vector<Action> start{run_starts(5)};
  start.insert(start.end(), release_phase.begin(), release_phase.end());
  const auto question = watch.observe(cluster::Tick{}, start, at_ms(100));
  EXPECT_TRUE(question.has_value());
  if (question) {
    auto reply = before;
    reply.request_id = question->request_id;
    watch.on_status(reply);
  }
  std::vector<Action> end = take_phase;
  end.push_back(ok ? run_done(5) : run_failed(5));
  (void)watch.observe(cluster::PeerMessage{NodeId(2), proto::TakeoverAck{}}, end, at_ms(350));
  auto records = watch.take_finished();
  EXPECT_EQ(records.size(), 1u);
  return records.empty() ? MoveRecord{} : records.front();
}

TEST(TakeoverWatch, IgnoresALogLineThatReadsLikeARunButCarriesNoMilestone) {
  TakeoverWatch watch(NodeId(0), {});
  EXPECT_FALSE(watch.observe(cluster::Tick{}, {log("takeover run 1 starts")}, at_ms(0)));
}

TEST(TakeoverWatch, AsksForTheLeadersViewWhenARunStarts) {
  TakeoverWatch watch(NodeId(0), {});
  EXPECT_FALSE(watch.observe(cluster::Tick{}, {log("became leader in epoch 3")}, at_ms(0)));
  const auto question = watch.observe(cluster::Tick{}, {run_starts(1)}, at_ms(0));
  ASSERT_TRUE(question);
  EXPECT_GE(question->request_id, kWatchStatusIdBase);
}

TEST(TakeoverWatch, AMoveFromADisconnectedNodeSaysSoWithItsDuration) {
  const auto record = run_with(view_with_node1(NodeFlags().with(NodeFlags::kDisconnected)), {},
                               {order(2, 5, proto::TakeoverKind::kTake, "203.0.113.10/24", "eth2", "g1")});
  EXPECT_EQ(record.run_id, 5u);
  EXPECT_TRUE(record.ok);
  EXPECT_EQ(record.ended - record.started, milliseconds(250));
  ASSERT_EQ(record.moves.size(), 1u);
  EXPECT_EQ(describe(record, record.moves[0]),
            "takeover run 5: 203.0.113.10/24 (group g1) from node 1 eth1 to node 2 eth2: node 1 is disconnected");
}

TEST(TakeoverWatch, AMoveAwayFromADownInterfaceNamesIt) {
  const auto record = run_with(view_with_node1(NodeFlags(), LinkState::kDown),
                               {order(1, 5, proto::TakeoverKind::kRelease, "203.0.113.10/24", "eth1")},
                               {order(2, 5, proto::TakeoverKind::kTake, "203.0.113.10/24", "eth1")});
  ASSERT_EQ(record.moves.size(), 1u);
  EXPECT_EQ(record.moves[0].why, "interface eth1 of node 1 is down");
}

TEST(TakeoverWatch, AMoveFromAHealthyNodeIsARebalance) {
  const auto record =
      run_with(view_with_node1(NodeFlags()), {order(1, 5, proto::TakeoverKind::kRelease, "203.0.113.10/24", "eth1")},
               {cluster::AddAddress{prefix("203.0.113.10/24"), eth("eth2")}});
  ASSERT_EQ(record.moves.size(), 1u);
  EXPECT_EQ(record.moves[0].to, (AddressPlace{NodeId(0), eth("eth2")}));
  EXPECT_EQ(record.moves[0].why, "rebalancing, failback or an administrator's move");
}

TEST(TakeoverWatch, AReleaseWithoutATakeLeavesTheAddressNowhere) {
  const auto record = run_with(view_with_node1(NodeFlags().with(NodeFlags::kBanned)),
                               {order(1, 5, proto::TakeoverKind::kRelease, "203.0.113.10/24", "eth1")}, {}, false);
  EXPECT_FALSE(record.ok);
  ASSERT_EQ(record.moves.size(), 1u);
  EXPECT_EQ(describe(record, record.moves[0]),
            "takeover run 5: 203.0.113.10/24 from node 1 eth1 to nowhere: node 1 is banned; no node can host it now");
}

TEST(TakeoverWatch, ATakeWhereTheAddressAlreadyIsIsNoMove) {
  const auto record =
      run_with(view_with_node1(NodeFlags()), {}, {order(1, 5, proto::TakeoverKind::kTake, "203.0.113.10/24", "eth1")});
  EXPECT_TRUE(record.moves.empty());
}

TEST(TakeoverWatch, AnAddressOfANodeGivenUpOnComesFromItsLastReport) {
  TakeoverWatch watch(NodeId(0), {});
  proto::StateReport report;
  report.held.push_back(proto::HeldAddress{prefix("198.51.100.7/24"), eth("eth2")});
  (void)watch.observe(cluster::PeerMessage{NodeId(1), report}, {}, at_ms(0));
  const auto question = watch.observe(cluster::Tick{}, {run_starts(5)}, at_ms(100));
  ASSERT_TRUE(question);
  auto before = view_with_node1(NodeFlags().with(NodeFlags::kDisconnected));
  before.nodes[1].held.clear();  // the leader no longer counts what node 1 may hold
  before.request_id = question->request_id;
  watch.on_status(before);
  (void)watch.observe(cluster::Tick{},
                      {order(2, 5, proto::TakeoverKind::kTake, "198.51.100.7/24", "eth1"), run_done(5)}, at_ms(200));
  const auto records = watch.take_finished();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records[0].moves.size(), 1u);
  EXPECT_EQ(describe(records[0], records[0].moves[0]),
            "takeover run 5: 198.51.100.7/24 from node 1 eth2 to node 2 eth1: node 1 is disconnected");
}

TEST(TakeoverWatch, AnAddressNobodyHeldComesFromNowhere) {
  const auto record =
      run_with(view_with_node1(NodeFlags()), {}, {order(2, 5, proto::TakeoverKind::kTake, "198.51.100.7/24", "eth1")});
  ASSERT_EQ(record.moves.size(), 1u);
  EXPECT_FALSE(record.moves[0].from);
  EXPECT_EQ(record.moves[0].why, "it was not hosted");
}

TEST(TakeoverWatch, ARunCutShortByLostLeadershipEndsAsFailed) {
  TakeoverWatch watch(NodeId(0), {});
  (void)watch.observe(cluster::Tick{}, {run_starts(2)}, at_ms(0));
  watch.leadership_lost(at_ms(30));
  const auto records = watch.take_finished();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].ok);
  watch.leadership_lost(at_ms(40));
  EXPECT_TRUE(watch.take_finished().empty());
}

TEST(TakeoverWatch, ALinkDownThatMovesAnAddressIsALocalFailover) {
  TakeoverWatch watch(NodeId(3),
                      {IpGroup{GroupName("g1"), {{IpAddress::parse("203.0.113.10").value(), std::nullopt}}}});
  (void)watch.observe(cluster::LinkChanged{eth("eth1"), LinkState::kDown},
                      {cluster::RemoveAddress{prefix("203.0.113.10/24"), eth("eth1")},
                       cluster::AddAddress{prefix("203.0.113.10/24"), eth("eth2")}},
                      at_ms(10));
  const auto records = watch.take_finished();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].kind, MoveRecord::Kind::kLocalFailover);
  EXPECT_EQ(records[0].cause, "interface eth1 down");
  ASSERT_EQ(records[0].moves.size(), 1u);
  EXPECT_EQ(describe(records[0], records[0].moves[0]),
            "local failover: 203.0.113.10/24 (group g1) from node 3 eth1 to node 3 eth2: interface eth1 is down");
}

TEST(TakeoverWatch, ALinkChangeThatMovesNothingIsNoRecord) {
  TakeoverWatch watch(NodeId(3), {});
  (void)watch.observe(cluster::LinkChanged{eth("eth1"), LinkState::kUp}, {}, at_ms(10));
  EXPECT_TRUE(watch.take_finished().empty());
}

}  // namespace
}  // namespace tandem::node
