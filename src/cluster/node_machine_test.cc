// One NodeMachine, fed by hand: the status question and configuration reloads. Scenarios
// with whole clusters are in tests/scenarios/status_reload_scenarios_test.cc.
#include "cluster/node_machine.h"

#include <gtest/gtest.h>

#include "cluster/action_test_support.h"

namespace tandem::cluster {
namespace {

using testing::all_of;
using testing::sent;

using namespace std::chrono_literals;

const InterfaceName kEth1("eth1");

IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }

// Node `self` of nodes 0, 1 and 2, with one public address.
NodeConfig config_of(std::uint32_t self) {
  NodeConfig config;
  config.self = NodeId(self);
  config.nodes = {NodeId(0), NodeId(1), NodeId(2)};
  config.public_addresses = {{prefix("198.51.100.10/24"), {kEth1}}};
  config.random_seed = 5;
  return config;
}

struct Harness {
  explicit Harness(NodeConfig config = config_of(0)) : machine(std::move(config)) {
    (void)machine.on(Start{{}, {{kEth1, LinkState::kUp}}}, now);
  }
  std::vector<Action> on(const Event& event) { return machine.on(event, now); }
  // Node 1 claims leadership of epoch 1: this node follows it.
  std::vector<Action> follow_node_1() {
    return on(PeerMessage{NodeId(1), proto::Heartbeat{1, NodeId(1), 1, 0, NodeFlags(), 77, 0}});
  }

  TimePoint now = kTimeZero + 1s;
  NodeMachine machine;
};

TEST(NodeMachineStatus, WithoutALeaderAnswersAtOnceWithItsOwnView) {
  Harness h;
  const auto replies = all_of<ReplyStatus>(h.on(StatusQuery{4}));
  ASSERT_EQ(replies.size(), 1u);
  const proto::StatusReply& status = replies[0].status;
  EXPECT_EQ(replies[0].request_id, 4u);
  EXPECT_EQ(status.request_id, 4u);
  EXPECT_FALSE(status.from_leader);
  EXPECT_EQ(status.answered_by, NodeId(0));
  ASSERT_EQ(status.nodes.size(), 3u);
  const proto::NodeStatus& self = status.nodes[0];
  EXPECT_TRUE(self.connected && self.has_report);
  EXPECT_TRUE(self.flags.has(NodeFlags::kUnhealthy));  // its startup hook has not finished
  EXPECT_EQ(self.links.at(kEth1), LinkState::kUp);
  EXPECT_EQ(self.addresses, config_of(0).public_addresses);
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(status.nodes[i].node, NodeId(static_cast<std::uint32_t>(i)));
    EXPECT_FALSE(status.nodes[i].connected || status.nodes[i].has_report);
    EXPECT_TRUE(status.nodes[i].flags.has(NodeFlags::kDisconnected));
  }
}

// `tandem disable -n 9` where the nodes are 0 to 2: refused at once, not sent to nobody.
TEST(NodeMachineAdmin, RefusesACommandNamingANodeThatIsNotConfigured) {
  Harness h;
  (void)h.follow_node_1();
  const proto::AdminCommand disable = proto::Disable{NodeId(9)};
  const auto actions = h.on(AdminCommandReceived{3, disable});
  const auto replies = all_of<ReplyAdmin>(actions);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].request_id, 3u);
  EXPECT_FALSE(replies[0].ok);
  EXPECT_EQ(replies[0].message, "no node 9 in this cluster");
  EXPECT_TRUE(sent<proto::AdminRequest>(actions, NodeId(9)).empty());
}

TEST(NodeMachineStatus, AFollowerAsksItsLeaderAndPassesTheAnswerOn) {
  Harness h;
  (void)h.follow_node_1();
  const auto asked = h.on(StatusQuery{9});
  EXPECT_TRUE(all_of<ReplyStatus>(asked).empty());
  ASSERT_EQ(sent<proto::StatusRequest>(asked, NodeId(1)), std::vector<proto::StatusRequest>{{9}});
  proto::StatusReply answer{9, 1, NodeId(1), true, {}};
  const auto replies = all_of<ReplyStatus>(h.on(PeerMessage{NodeId(1), answer}));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].request_id, 9u);
  EXPECT_EQ(replies[0].status, answer);
  // Answered once: the same reply again is a duplicate.
  EXPECT_TRUE(all_of<ReplyStatus>(h.on(PeerMessage{NodeId(1), answer})).empty());
}

TEST(NodeMachineStatus, IgnoresAnswersItDidNotAskFor) {
  Harness h;
  (void)h.follow_node_1();
  (void)h.on(StatusQuery{9});
  EXPECT_TRUE(
      all_of<ReplyStatus>(h.on(PeerMessage{NodeId(1), proto::StatusReply{10, 1, NodeId(1), true, {}}})).empty());
  EXPECT_TRUE(all_of<ReplyStatus>(h.on(PeerMessage{NodeId(2), proto::StatusReply{9, 1, NodeId(2), true, {}}})).empty());
  // An admin answer with the same number does not answer the status question, nor the reverse.
  EXPECT_TRUE(all_of<ReplyStatus>(h.on(PeerMessage{NodeId(1), proto::AdminReply{9, true, "done"}})).empty());
  EXPECT_TRUE(all_of<ReplyAdmin>(h.on(PeerMessage{NodeId(1), proto::StatusReply{9, 1, NodeId(1), true, {}}})).empty());
}

TEST(NodeMachineStatus, AnswersLocallyWhenTheLeaderStaysSilent) {
  Harness h;
  (void)h.follow_node_1();
  (void)h.on(StatusQuery{9});
  h.now += 3s;  // under 2 x TakeoverTimeout (4 s)
  EXPECT_TRUE(all_of<ReplyStatus>(h.on(Tick{})).empty());
  h.now += 1s;
  const auto replies = all_of<ReplyStatus>(h.on(Tick{}));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].request_id, 9u);
  EXPECT_FALSE(replies[0].status.from_leader);
  // The late answer of the leader finds no question any more.
  EXPECT_TRUE(all_of<ReplyStatus>(h.on(PeerMessage{NodeId(1), proto::StatusReply{9, 1, NodeId(1), true, {}}})).empty());
}

TEST(NodeMachineStatus, KeepsABoundedNumberOfQuestionsAndAnswersTheOldestLocally) {
  Harness h;
  (void)h.follow_node_1();
  for (std::uint64_t id = 1; id <= 64; ++id) EXPECT_TRUE(all_of<ReplyStatus>(h.on(StatusQuery{id})).empty());
  const auto replies = all_of<ReplyStatus>(h.on(StatusQuery{65}));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].request_id, 1u);
  EXPECT_FALSE(replies[0].status.from_leader);
}

TEST(NodeMachineStatus, ANodeAskedAsLeaderThatDoesNotLeadAnswersWithItsOwnView) {
  Harness h;
  const auto answers = sent<proto::StatusReply>(h.on(PeerMessage{NodeId(2), proto::StatusRequest{3}}), NodeId(2));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].request_id, 3u);
  EXPECT_FALSE(answers[0].from_leader);
  EXPECT_EQ(answers[0].answered_by, NodeId(0));
}

TEST(NodeMachineReload, KeepsTheRunningNodeListAndWarns) {
  Harness h;
  NodeConfig changed = config_of(0);
  changed.nodes.push_back(NodeId(3));
  const auto logs = all_of<Log>(h.on(Reconfigure{changed}));
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs[0].level, Log::Level::kWarning);
  EXPECT_NE(logs[0].text.find("needs a restart"), std::string::npos) << logs[0].text;
  EXPECT_EQ(all_of<ReplyStatus>(h.on(StatusQuery{1}))[0].status.nodes.size(), 3u);
}

TEST(NodeMachineReload, ReportsTheNewAddressesToTheLeader) {
  Harness h;
  (void)h.follow_node_1();
  NodeConfig changed = config_of(0);
  changed.public_addresses.push_back({prefix("203.0.113.7/24"), {kEth1}});
  const auto reports = sent<proto::StateReport>(h.on(Reconfigure{changed}), NodeId(1));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].addresses, changed.public_addresses);
}

TEST(NodeMachineReload, AppliesChangedTimingTunables) {
  Harness h;
  (void)h.follow_node_1();
  NodeConfig changed = config_of(0);
  changed.tunables.takeover_timeout_ms = 500;  // status questions now expire after 1 s
  (void)h.on(Reconfigure{changed});
  (void)h.on(StatusQuery{9});
  h.now += 1s;
  EXPECT_EQ(all_of<ReplyStatus>(h.on(Tick{})).size(), 1u);
}

TEST(NodeMachineAdmin, ANodeCommandNamingAnotherNodeIsForwardedToIt) {
  Harness h;
  const proto::AdminCommand command = proto::Disable{NodeId(2)};
  const auto forwarded = sent<proto::AdminRequest>(h.on(AdminCommandReceived{6, command}), NodeId(2));
  ASSERT_EQ(forwarded.size(), 1u);
  EXPECT_EQ(forwarded[0].command, command);
}

TEST(NodeMachineServingLimit, TellsTheKernelAtStartThatNothingServesYet) {
  NodeMachine machine(config_of(0));
  const auto limits = all_of<LimitServing>(machine.on(Start{{}, {{kEth1, LinkState::kUp}}}, kTimeZero + 1s));
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_LE(limits[0].until, kTimeZero + 1s);
  EXPECT_EQ(limits[0].addresses, std::vector<IpAddress>{prefix("198.51.100.10/24").address});
}

// The lease runs LeaseTimeoutMs (800 ms) from when this node sent the heartbeat its leader
// echoes; the kernel hears that very end, in the step that renewed it.
TEST(NodeMachineServingLimit, TellsTheKernelTheLeasesEndWhenItsLeaderRenewsIt) {
  Harness h;
  (void)h.follow_node_1();
  h.now += 100ms;  // HeartbeatIntervalMs: the next heartbeats go out
  const auto heartbeats = sent<proto::Heartbeat>(h.on(Tick{}), NodeId(1));
  ASSERT_FALSE(heartbeats.empty());
  const TimePoint sent_at = h.now;
  h.now += 30ms;
  proto::Heartbeat echo{1, NodeId(1), 2, heartbeats.back().sent_seq, NodeFlags(), 77, heartbeats.back().incarnation};
  const auto limits = all_of<LimitServing>(h.on(PeerMessage{NodeId(1), echo}));
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].until, sent_at + 800ms);
  EXPECT_TRUE(h.machine.has_lease(h.now));
}

TEST(NodeMachineServingLimit, TellsTheKernelNothingNewWhileTheLeaseIsNotRenewed) {
  Harness h;
  (void)h.follow_node_1();
  h.now += 50ms;
  EXPECT_TRUE(all_of<LimitServing>(h.on(Tick{})).empty());
}

}  // namespace
}  // namespace tandem::cluster
