// The planned stop (Shutdown): its phases (PlannedStop), then one NodeMachine fed by hand.
// Whole clusters are in tests/scenarios/planned_stop_scenarios_test.cc.
#include "cluster/planned_stop.h"

#include <gtest/gtest.h>

#include "cluster/follower_test_support.h"

namespace tandem::cluster {
namespace {

using testing::all_of;
using testing::hook_of;
using testing::sent;

using namespace std::chrono_literals;

const InterfaceName kEth1("eth1");
const GroupName kTarget("target1");

IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }
const IpPrefix kAddress = prefix("198.51.100.10/24");

// Node `self` of nodes 0, 1 and 2, with one public address in group target1.
NodeConfig config_of(std::uint32_t self) {
  NodeConfig config;
  config.self = NodeId(self);
  config.nodes = {NodeId(0), NodeId(1), NodeId(2)};
  config.public_addresses = {{kAddress, {kEth1}}};
  config.groups = {IpGroup{kTarget, {GroupMember{kAddress.address, std::nullopt}}}};
  config.random_seed = 5;
  return config;
}

bool is_done(const std::vector<Action>& actions) { return !all_of<ShutdownDone>(actions).empty(); }

// A follower of node 1 with a lease, and kAddress to take.
struct Follower : testing::Follower {
  Follower() : testing::Follower(config_of(0), {{kEth1, LinkState::kUp}}) {}
  // Node 1 orders run 1 to put kAddress here; the takeip and takegroup hooks succeed.
  void take_the_address() {
    const proto::TakeoverOrder take{1, 1, proto::TakeoverKind::kTake, {{kAddress, kEth1, kTarget}}};
    const auto taken = on(PeerMessage{NodeId(1), take});
    ASSERT_EQ(all_of<AddAddress>(taken).size(), 1u);
    const auto announce = on(HookFinished{hook_of(taken, HookEvent::kTakeIp)->id, true});
    (void)on(HookFinished{hook_of(announce, HookEvent::kTakeGroup)->id, true});
    ASSERT_EQ(machine.held().size(), 1u);
  }
};

TEST(PlannedStop, ReleasesWithHooksLikeAReleaseOrderThenReportsThatItHoldsNothing) {
  Follower f;
  f.take_the_address();

  const auto stopping = f.on(Shutdown{});
  const auto releasegroup = hook_of(stopping, HookEvent::kReleaseGroup);
  ASSERT_TRUE(releasegroup);
  EXPECT_EQ(releasegroup->arguments, std::vector<std::string>{"target1"});
  EXPECT_TRUE(all_of<RemoveAddress>(stopping).empty()) << "the addresses go after releasegroup";
  const auto early = sent<proto::StateReport>(stopping, NodeId(1));
  ASSERT_EQ(early.size(), 1u);
  EXPECT_TRUE(early[0].shutting_down && early[0].flags.has(NodeFlags::kStopped));
  EXPECT_EQ(early[0].held.size(), 1u);
  EXPECT_TRUE(f.machine.flags().has(NodeFlags::kStopped));

  const auto removing = f.on(HookFinished{releasegroup->id, true});
  ASSERT_EQ(all_of<RemoveAddress>(removing).size(), 1u);
  EXPECT_EQ(all_of<RemoveAddress>(removing)[0].prefix, kAddress);
  const auto releaseip = hook_of(removing, HookEvent::kReleaseIp);
  ASSERT_TRUE(releaseip);
  EXPECT_EQ(releaseip->arguments, (std::vector<std::string>{"eth1", "198.51.100.10", "24"}));
  EXPECT_TRUE(f.machine.held().empty());
  // Until its releaseip hook is done (so a refused removal has been heard), a report still
  // lists the address.
  const auto meanwhile = sent<proto::StateReport>(f.on(LinkChanged{kEth1, LinkState::kUp}), NodeId(1));
  ASSERT_EQ(meanwhile.size(), 1u);
  EXPECT_EQ(meanwhile[0].held.size(), 1u);

  const auto released = f.on(HookFinished{releaseip->id, true});
  const auto last = sent<proto::StateReport>(released, NodeId(1));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_TRUE(last[0].held.empty());
  EXPECT_TRUE(last[0].shutting_down && last[0].flags.has(NodeFlags::kStopped));
  EXPECT_FALSE(is_done(released)) << "it waits for its leader to have the report";

  (void)f.tick(100ms);  // a heartbeat after the report...
  EXPECT_TRUE(is_done(f.echo_from_leader())) << "...echoed by the leader: done";
}

TEST(PlannedStop, RefusesEveryTakeFromTheShutdownOn) {
  Follower f;
  (void)f.on(Shutdown{});
  const proto::TakeoverOrder take{1, 2, proto::TakeoverKind::kTake, {{kAddress, kEth1, kTarget}}};
  const auto refused = f.on(PeerMessage{NodeId(1), take});
  EXPECT_TRUE(all_of<AddAddress>(refused).empty());
  const auto acks = sent<proto::TakeoverAck>(refused, NodeId(1));
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_FALSE(acks[0].ok);
  ASSERT_EQ(acks[0].failures.size(), 1u);
  EXPECT_EQ(acks[0].failures[0].reason, "this node is shutting down");
  EXPECT_EQ(acks[0].failures[0].cause, proto::FailureCause::kShuttingDown);
  EXPECT_TRUE(f.machine.held().empty());
}

TEST(PlannedStop, AReleaseOrderDuringTheStopRunsNoHookTwice) {
  Follower f;
  f.take_the_address();
  const auto releasegroup = hook_of(f.on(Shutdown{}), HookEvent::kReleaseGroup);
  const proto::TakeoverOrder release{1, 2, proto::TakeoverKind::kRelease, {{kAddress, kEth1, kTarget}}};
  EXPECT_TRUE(all_of<RunHook>(f.on(PeerMessage{NodeId(1), release})).empty());
  const auto removing = f.on(HookFinished{releasegroup->id, true});
  EXPECT_EQ(all_of<RemoveAddress>(removing).size(), 1u);
  const auto released = f.on(HookFinished{hook_of(removing, HookEvent::kReleaseIp)->id, true});
  const auto acks = sent<proto::TakeoverAck>(released, NodeId(1));
  ASSERT_EQ(acks.size(), 1u) << "the order is answered once the stop's release is done";
  EXPECT_TRUE(acks[0].ok);
}

TEST(PlannedStop, IsCutShortAtEventScriptTimeoutLeavingTheAddressToTheDaemon) {
  Follower f;
  f.take_the_address();
  (void)f.on(Shutdown{});                  // the releasegroup hook never finishes
  const TimePoint deadline = f.now + 30s;  // EventScriptTimeoutMs
  while (f.now + 100ms < deadline) {
    EXPECT_FALSE(is_done(f.tick(100ms)));
    (void)f.echo_from_leader();  // the lease holds all along
  }
  const auto cut = f.tick(deadline - f.now);
  EXPECT_TRUE(is_done(cut));
  EXPECT_EQ(f.machine.held().size(), 1u) << "the daemon removes it";
  for (const auto& report : sent<proto::StateReport>(cut, NodeId(1))) EXPECT_EQ(report.held.size(), 1u);
}

TEST(PlannedStop, WithoutALeaderToTellItIsDoneAfterThreeDeadTimeouts) {
  NodeMachine machine(config_of(0));
  TimePoint now = kTimeZero + 1s;
  (void)machine.on(Start{{}, {{kEth1, LinkState::kUp}}}, now);
  EXPECT_FALSE(is_done(machine.on(Shutdown{}, now)));
  EXPECT_FALSE(is_done(machine.on(Tick{}, now + 1400ms)));
  EXPECT_TRUE(is_done(machine.on(Tick{}, now + 1500ms)));
}

TEST(PlannedStop, BeforeStartIsDoneAtOnce) {
  NodeMachine machine(config_of(0));
  EXPECT_TRUE(is_done(machine.on(Shutdown{}, kTimeZero)));
}

TEST(PlannedStop, AFollowerLooksForANewLeaderAsSoonAsItsLeaderStepsDown) {
  Follower f;
  ASSERT_EQ(f.machine.leader(), NodeId(1));
  (void)f.echo_from_leader(std::nullopt);  // node 1's newest heartbeat: it leads no more
  EXPECT_FALSE(f.machine.leader());
}

// Node 0 leads nodes 1 and 2, which report that they hold nothing and may host nothing;
// so node 0 holds kAddress, its hooks done.
struct Leader {
  Leader() : machine(config_of(0)) {
    auto actions = machine.on(Start{{}, {{kEth1, LinkState::kUp}}}, now);
    incarnation = sent<proto::Heartbeat>(actions, NodeId(1)).at(0).incarnation;
    finish_hooks(actions);  // startup: healthy
    for (std::uint32_t peer : {1u, 2u}) {
      proto::Heartbeat heartbeat{0, std::nullopt, 1, 1, NodeFlags(), 70 + peer, incarnation};
      (void)machine.on(PeerMessage{NodeId(peer), heartbeat}, now);
    }
    finish_hooks(machine.on(LockChanged{LockState::kHeld}, now));
    for (std::uint32_t peer : {1u, 2u}) {
      proto::StateReport report;
      report.epoch = machine.epoch();
      finish_hooks(machine.on(PeerMessage{NodeId(peer), report}, now));
    }
  }
  // Every hook in `actions`, and in what their ends bring, succeeds.
  void finish_hooks(std::vector<Action> actions) {
    for (int round = 0; round < 10; ++round) {
      std::vector<Action> next;
      for (const auto& hook : all_of<RunHook>(actions)) {
        auto more = machine.on(HookFinished{hook.id, true}, now);
        next.insert(next.end(), more.begin(), more.end());
      }
      actions = std::move(next);
    }
  }
  TimePoint now = kTimeZero + 1s;
  NodeMachine machine;
  std::uint64_t incarnation = 0;
};

TEST(PlannedStop, ALeaderStepsDownReleasesTheLockAndSaysSoInItsHeartbeats) {
  Leader l;
  ASSERT_TRUE(l.machine.is_leader());
  ASSERT_EQ(l.machine.held().size(), 1u);
  std::vector<Action> actions = l.machine.on(Shutdown{}, l.now);
  // Its release's hooks (releasegroup, then releaseip) run; it steps down after them.
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(l.machine.is_leader());
    for (const auto& hook : all_of<RunHook>(actions)) actions = l.machine.on(HookFinished{hook.id, true}, l.now);
  }
  EXPECT_TRUE(l.machine.held().empty());
  EXPECT_FALSE(l.machine.is_leader());
  EXPECT_EQ(all_of<ReleaseLock>(actions).size(), 1u);
  const auto heartbeats = sent<proto::Heartbeat>(actions, NodeId(1));
  ASSERT_FALSE(heartbeats.empty());
  EXPECT_FALSE(heartbeats.back().leader);
  EXPECT_TRUE(heartbeats.back().flags.has(NodeFlags::kStopped));
  EXPECT_TRUE(all_of<TryLock>(l.machine.on(Tick{}, l.now + 2s)).empty()) << "a stopping node never leads again";
}

// Not a planned stop, but found by the sweep that planned stops reshuffled: a leader that
// hears another node claim its own epoch (a stale claim: that node won the lock just
// before and lost it) steps down instead of leading while following another.
TEST(EpochClaims, ALeaderHearingAnotherClaimOfItsEpochStepsDown) {
  Leader l;
  ASSERT_TRUE(l.machine.is_leader());
  proto::Heartbeat stale{l.machine.epoch(), NodeId(1), 2, 1, NodeFlags(), 71, l.incarnation};
  const auto actions = l.machine.on(PeerMessage{NodeId(1), stale}, l.now + 1ms);
  EXPECT_FALSE(l.machine.is_leader());
  EXPECT_EQ(all_of<ReleaseLock>(actions).size(), 1u);
}

TEST(PlannedStop, ALeaderTakesTheFinalReportOfAStoppingNodeForTheReleaseItOwes) {
  Leader l;
  proto::StateReport early;  // node 1 stops, holding kAddress too: the leader orders its release
  early.epoch = l.machine.epoch();
  early.flags = NodeFlags().with(NodeFlags::kStopped);
  early.held = {{kAddress, kEth1}};
  early.addresses = {{kAddress, {kEth1}}};
  early.shutting_down = true;
  const auto ordered = sent<proto::TakeoverOrder>(l.machine.on(PeerMessage{NodeId(1), early}, l.now), NodeId(1));
  ASSERT_EQ(ordered.size(), 1u);
  EXPECT_EQ(ordered[0].kind, proto::TakeoverKind::kRelease);

  // A report from before the stop, overtaken, that holds nothing: it answers nothing, and
  // it does not replace the stop's report.
  proto::StateReport before = early;
  before.held.clear();
  before.shutting_down = false;
  before.flags = NodeFlags();
  EXPECT_TRUE(sent<proto::TakeoverOrder>(l.machine.on(PeerMessage{NodeId(1), before}, l.now + 5ms), NodeId(2)).empty());
  const auto status = all_of<ReplyStatus>(l.machine.on(StatusQuery{7}, l.now + 5ms));
  ASSERT_EQ(status.size(), 1u);
  EXPECT_TRUE(status[0].status.nodes.at(1).flags.has(NodeFlags::kStopped));
  EXPECT_EQ(status[0].status.nodes.at(1).held.size(), 1u) << "the stop's report still stands";

  // Node 1 exits before the order reaches it; its final report says the address is gone.
  proto::StateReport last = early;
  last.held.clear();
  const auto actions = l.machine.on(PeerMessage{NodeId(1), last}, l.now + 10ms);
  const auto ends = sent<proto::TakeoverOrder>(actions, NodeId(2));
  ASSERT_EQ(ends.size(), 1u) << "the run ended at once, without node 1's acknowledgement";
  EXPECT_EQ(ends[0].kind, proto::TakeoverKind::kIpReallocated);
  EXPECT_EQ(ends[0].run_id, ordered[0].run_id);
}

// ---- PlannedStop alone: the phases

using Phase = PlannedStop::Phase;

TEST(PlannedStopPhases, ARunningNodeIsNotStopping) {
  PlannedStop stop;
  EXPECT_EQ(stop.phase(), Phase::kRunning);
  EXPECT_FALSE(stop.is_stopping());
  EXPECT_EQ(stop.wakeup(), TimePoint::max());
}

TEST(PlannedStopPhases, GoesThroughItsPhasesInOrder) {
  PlannedStop stop;
  stop.begin(kTimeZero + 30s);
  EXPECT_EQ(stop.phase(), Phase::kWaitingForOrders);
  EXPECT_TRUE(stop.is_under_way());
  stop.release_started();
  EXPECT_EQ(stop.phase(), Phase::kReleasing);
  stop.released();
  EXPECT_TRUE(stop.is_released());
  stop.finish();
  EXPECT_TRUE(stop.is_done());
  EXPECT_TRUE(stop.is_stopping());
  EXPECT_FALSE(stop.is_under_way());
}

TEST(PlannedStopPhases, MayBeCutShortInAnyPhase) {
  PlannedStop stop;
  stop.begin(kTimeZero + 30s);
  stop.release_started();
  stop.finish();
  EXPECT_TRUE(stop.is_done());
}

TEST(PlannedStopPhases, WakesAtTheDeadlineOrTheEndOfTheLingerWhicheverIsFirst) {
  PlannedStop stop;
  stop.begin(kTimeZero + 30s);
  EXPECT_EQ(stop.wakeup(), kTimeZero + 30s);
  stop.linger_until(kTimeZero + 10s);
  EXPECT_EQ(stop.wakeup(), kTimeZero + 10s);
  stop.finish();
  EXPECT_EQ(stop.wakeup(), TimePoint::max());
}

TEST(PlannedStopPhases, RemembersAddressesWhoseReleaseHooksStillRun) {
  PlannedStop stop;
  const proto::HeldAddress address{prefix("198.51.100.10/24"), kEth1};
  stop.releasing(7, address);
  EXPECT_EQ(stop.releasing().at(7), address);
  stop.hook_done(7);
  EXPECT_TRUE(stop.releasing().empty());
}

TEST(PlannedStopPhasesDeathTest, ReleasingTwiceIsABug) {
  PlannedStop stop;
  stop.begin(kTimeZero + 30s);
  stop.release_started();
  EXPECT_DEATH(stop.release_started(), "kWaitingForOrders");
}

TEST(PlannedStopPhasesDeathTest, FinishingTwiceIsABug) {
  PlannedStop stop;
  stop.begin(kTimeZero + 30s);
  stop.finish();
  EXPECT_DEATH(stop.finish(), "is_under_way");
}

}  // namespace
}  // namespace tandem::cluster
