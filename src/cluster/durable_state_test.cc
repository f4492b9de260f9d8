// What a node keeps across a restart, and when it says so (docs/design/cluster.md,
// "Durable state"): one NodeMachine fed by hand. The pins that outlive a leader's crash
// across a whole cluster are in tests/scenarios/leadership_scenarios_test.cc.
#include <gtest/gtest.h>

#include <algorithm>

#include "cluster/action_test_support.h"
#include "cluster/node_machine.h"

namespace tandem::cluster {
namespace {

using testing::all_of;
using testing::sent;

using namespace std::chrono_literals;

const InterfaceName kEth1("eth1");

IpAddress address(std::string_view text) { return IpAddress::parse(text).value(); }

// Node 0 of `count` nodes, with one public address.
NodeConfig config_of(std::uint32_t count, bool has_lock) {
  NodeConfig config;
  config.self = NodeId(0);
  for (std::uint32_t node = 0; node < count; ++node) config.nodes.push_back(NodeId(node));
  config.public_addresses = {{IpPrefix::parse("198.51.100.10/24").value(), {kEth1}}};
  config.has_cluster_lock = has_lock;
  config.random_seed = 5;
  return config;
}

struct Harness {
  Harness(NodeConfig config, std::optional<DurableState> durable) : machine(std::move(config)) {
    started = machine.on(Start{{}, {{kEth1, LinkState::kUp}}, durable}, now);
  }
  std::vector<Action> on(const Event& event) { return machine.on(event, now); }
  // Ticks every 10 ms for `span`, and gives every action on the way.
  std::vector<Action> run_for(Duration span) {
    std::vector<Action> all;
    for (const TimePoint end = now + span; now < end;) {
      now += 10ms;
      for (auto& action : on(Tick{})) all.push_back(std::move(action));
    }
    return all;
  }
  std::vector<Action> vote_request(std::uint64_t epoch) {
    return on(PeerMessage{NodeId(1), proto::VoteRequest{epoch, NodeId(1)}});
  }

  TimePoint now = kTimeZero + 1s;
  NodeMachine machine;
  std::vector<Action> started;
};

// Where the first action of type T is in `actions` (actions.size(): none).
template <typename T>
std::size_t first(const std::vector<Action>& actions) {
  const auto it =
      std::find_if(actions.begin(), actions.end(), [](const Action& a) { return std::holds_alternative<T>(a); });
  return static_cast<std::size_t>(it - actions.begin());
}

TEST(DurableState, AVoteIsPersistedBeforeItIsSent) {
  Harness h(config_of(3, false), DurableState{3, 3});
  const auto actions = h.vote_request(4);
  ASSERT_EQ(sent<proto::Vote>(actions, NodeId(1)).size(), 1u);
  ASSERT_FALSE(actions.empty());
  EXPECT_EQ(std::get<PersistState>(actions.front()).state, (DurableState{3, 4}));
}

TEST(DurableState, ARestartedNodeNeverVotesInAnEpochAtOrBelowThoseItPersisted) {
  Harness h(config_of(3, false), DurableState{5, 7});
  EXPECT_TRUE(sent<proto::Vote>(h.vote_request(5), NodeId(1)).empty());
  EXPECT_TRUE(sent<proto::Vote>(h.vote_request(7), NodeId(1)).empty());
  EXPECT_EQ(sent<proto::Vote>(h.vote_request(8), NodeId(1)).size(), 1u);  // at once: no sit-out
}

TEST(DurableState, AFreshNodeSitsOutOneElectionRoundBeforeItVotes) {
  Harness h(config_of(3, false), std::nullopt);
  EXPECT_TRUE(sent<proto::Vote>(h.vote_request(1), NodeId(1)).empty());
  h.now += 1s;  // 2 x DeadTimeoutMs
  EXPECT_EQ(sent<proto::Vote>(h.vote_request(2), NodeId(1)).size(), 1u);
}

TEST(DurableState, ARestartedNodeStandsForAnEpochAboveItsPersistedVoteAndSaysSoFirst) {
  Harness h(config_of(3, false), DurableState{5, 9});
  std::vector<Action> standing = h.started;
  for (int round = 0; round < 200 && sent<proto::VoteRequest>(standing, NodeId(1)).empty(); ++round) {
    h.now += 10ms;
    standing = h.on(Tick{});
  }
  const auto requests = sent<proto::VoteRequest>(standing, NodeId(1));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].epoch, 10u);
  EXPECT_EQ(std::get<PersistState>(standing.front()).state, (DurableState{5, 10}));
}

TEST(DurableState, ARestartedNodeLeadsWithTheLockOnlyAboveItsPersistedEpoch) {
  Harness h(config_of(2, true), DurableState{12, 3});  // of two nodes, one may lead with the lock
  ASSERT_EQ(all_of<TryLock>(h.started).size(), 1u);
  const auto actions = h.on(LockChanged{LockState::kHeld});
  ASSERT_TRUE(h.machine.is_leader());
  EXPECT_EQ(h.machine.epoch(), 13u);
  EXPECT_EQ(std::get<PersistState>(actions.front()).state, (DurableState{13, 3}));
  const auto heartbeats = sent<proto::Heartbeat>(actions, NodeId(1));
  ASSERT_EQ(heartbeats.size(), 1u);
  EXPECT_EQ(heartbeats[0].epoch, 13u);
}

TEST(DurableState, AnEpochHeardIsPersistedAndNothingElseIs) {
  Harness h(config_of(3, true), DurableState{2, 2});
  EXPECT_TRUE(all_of<PersistState>(h.started).empty());  // read, not written again
  const auto following = h.on(PeerMessage{NodeId(1), proto::Heartbeat{4, NodeId(1), 1, 0, NodeFlags(), 77, 0}});
  EXPECT_EQ(std::get<PersistState>(following.front()).state, (DurableState{4, 2}));
  EXPECT_TRUE(all_of<PersistState>(h.run_for(100ms)).empty());
}

TEST(DurableState, ANewLeaderKeepsThePinsOfTheLeaderItFollowed) {
  Harness h(config_of(2, true), std::nullopt);
  (void)h.on(LockChanged{LockState::kContended});  // node 1 holds the lock
  const std::vector<proto::Pin> pins{{address("198.51.100.10"), NodeId(1)}};
  proto::Heartbeat heartbeat{1, NodeId(1), 1, 0, NodeFlags(), 77, 0, pins};
  (void)h.on(PeerMessage{NodeId(1), heartbeat});
  ASSERT_EQ(h.machine.leader(), NodeId(1));
  // Node 1 is lost; this node takes the lock and leads the next epoch.
  std::vector<Action> actions = h.run_for(2s);
  ASSERT_FALSE(all_of<TryLock>(actions).empty());
  actions = h.on(LockChanged{LockState::kHeld});
  ASSERT_TRUE(h.machine.is_leader());
  const auto heartbeats = sent<proto::Heartbeat>(actions, NodeId(1));
  ASSERT_EQ(heartbeats.size(), 1u);
  EXPECT_EQ(heartbeats[0].pins, pins);
}

TEST(DurableState, AFollowerTakesItsLeadersNewestPinsOnly) {
  Harness h(config_of(2, true), std::nullopt);
  (void)h.on(LockChanged{LockState::kContended});
  (void)h.on(PeerMessage{
      NodeId(1), proto::Heartbeat{1, NodeId(1), 1, 0, NodeFlags(), 77, 0, {{address("198.51.100.10"), NodeId(1)}}}});
  // The leader's next heartbeat has no pin: the group is pinned no more.
  (void)h.on(PeerMessage{NodeId(1), proto::Heartbeat{1, NodeId(1), 2, 0, NodeFlags(), 77, 0}});
  (void)h.run_for(2s);
  const auto actions = h.on(LockChanged{LockState::kHeld});
  ASSERT_TRUE(h.machine.is_leader());
  const auto heartbeats = sent<proto::Heartbeat>(actions, NodeId(1));
  ASSERT_EQ(heartbeats.size(), 1u);
  EXPECT_TRUE(heartbeats[0].pins.empty());
}

}  // namespace
}  // namespace tandem::cluster
