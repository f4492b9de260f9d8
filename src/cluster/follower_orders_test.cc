// What a follower does with the leader's take and update orders, step by step: the order of
// its address changes, hooks and announcements (docs/design/cluster.md, "Take, release and
// update, step by step"). One NodeMachine fed by hand.
#include <gtest/gtest.h>

#include "cluster/follower_test_support.h"

namespace tandem::cluster {
namespace {

using testing::all_of;
using testing::hook_of;
using testing::sent;

using namespace std::chrono_literals;

const InterfaceName kEth1("eth1");
const InterfaceName kEth2("eth2");
const GroupName kTarget("target1");

IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }
const IpPrefix kPathA = prefix("198.51.100.10/24");  // target1's two paths
const IpPrefix kPathB = prefix("203.0.113.10/24");
const IpPrefix kAlone = prefix("192.0.2.10/24");  // in no group

// Node 0 of nodes 0, 1 and 2: target1 (kPathA, kPathB) and kAlone, on eth1 or eth2.
NodeConfig config_of_node_0() {
  NodeConfig config;
  config.self = NodeId(0);
  config.nodes = {NodeId(0), NodeId(1), NodeId(2)};
  for (const auto& address : {kPathA, kPathB, kAlone}) config.public_addresses.push_back({address, {kEth1, kEth2}});
  config.groups = {IpGroup{kTarget, {GroupMember{kPathA.address, kEth1}, GroupMember{kPathB.address, kEth2}}}};
  config.random_seed = 5;
  return config;
}

const proto::TakeoverOrder kTakeTarget{
    1, 1, proto::TakeoverKind::kTake, {{kPathA, kEth1, kTarget}, {kPathB, kEth2, kTarget}}};
const proto::TakeoverOrder kTakeAlone{1, 1, proto::TakeoverKind::kTake, {{kAlone, kEth1, std::nullopt}}};

struct Follower : testing::Follower {
  Follower() : testing::Follower(config_of_node_0(), {{kEth1, LinkState::kUp}, {kEth2, LinkState::kUp}}) {}

  std::vector<Action> order(const proto::TakeoverOrder& order) { return on(PeerMessage{NodeId(1), order}); }
  std::vector<Action> finish(const std::optional<RunHook>& hook, bool ok = true) {
    EXPECT_TRUE(hook) << "no such hook";
    return hook ? on(HookFinished{hook->id, ok}) : std::vector<Action>{};
  }
  // target1 taken: both takeip hooks done, then its takegroup hook.
  std::vector<Action> take_target() {
    const auto taking = order(kTakeTarget);
    const auto takeips = all_of<RunHook>(taking);
    EXPECT_EQ(takeips.size(), 2u);
    (void)finish(takeips.at(0));
    return finish(hook_of(finish(takeips.at(1)), HookEvent::kTakeGroup));
  }
};

std::vector<IpAddress> announced(const std::vector<Action>& actions) {
  std::vector<IpAddress> addresses;
  for (const auto& announce : all_of<Announce>(actions)) addresses.push_back(announce.address);
  return addresses;
}

std::vector<proto::TakeoverAck> acks(const std::vector<Action>& actions) {
  return sent<proto::TakeoverAck>(actions, NodeId(1));
}

TEST(FollowerTake, AnnouncesOnlyAfterTakegroupSucceeded) {
  Follower f;
  const auto taking = f.order(kTakeTarget);
  EXPECT_EQ(all_of<AddAddress>(taking).size(), 2u) << "the addresses are added at once";
  const auto takeips = all_of<RunHook>(taking);
  ASSERT_EQ(takeips.size(), 2u);
  EXPECT_EQ(takeips[0].event, HookEvent::kTakeIp);
  EXPECT_EQ(takeips[1].event, HookEvent::kTakeIp);
  EXPECT_TRUE(announced(taking).empty());

  const auto first = f.finish(takeips[0]);
  EXPECT_FALSE(hook_of(first, HookEvent::kTakeGroup)) << "takegroup waits for every takeip of the group";
  EXPECT_TRUE(announced(first).empty());

  const auto second = f.finish(takeips[1]);
  const auto takegroup = hook_of(second, HookEvent::kTakeGroup);
  ASSERT_TRUE(takegroup);
  EXPECT_EQ(takegroup->arguments, std::vector<std::string>{"target1"});
  EXPECT_TRUE(announced(second).empty()) << "not before the service is ready";
  EXPECT_TRUE(acks(second).empty());

  const auto served = f.finish(takegroup);
  const auto announcements = all_of<Announce>(served);
  ASSERT_EQ(announcements.size(), 2u);
  EXPECT_EQ(announcements[0], (Announce{kPathA.address, kEth1}));
  EXPECT_EQ(announcements[1], (Announce{kPathB.address, kEth2}));
  ASSERT_EQ(acks(served).size(), 1u);
  EXPECT_TRUE(acks(served)[0].ok);
}

TEST(FollowerTake, RepeatsTheAnnouncementsOfATakeFromWhenItWasFirstAnnounced) {
  Follower f;
  (void)f.take_target();
  EXPECT_EQ(announced(f.tick(250ms)).size(), 2u);  // AnnounceIntervalMs later
  EXPECT_EQ(announced(f.tick(250ms)).size(), 2u);  // the third and last of AnnounceCount
  EXPECT_TRUE(announced(f.tick(250ms)).empty());
}

TEST(FollowerTake, AnnouncesAnAddressInNoGroupOnceItsTakeipIsDone) {
  Follower f;
  const auto taking = f.order(kTakeAlone);
  EXPECT_TRUE(announced(taking).empty());
  const auto served = f.finish(hook_of(taking, HookEvent::kTakeIp));
  EXPECT_FALSE(hook_of(served, HookEvent::kTakeGroup));
  EXPECT_EQ(announced(served), std::vector<IpAddress>{kAlone.address});
  ASSERT_EQ(acks(served).size(), 1u);
  EXPECT_TRUE(acks(served)[0].ok);
}

TEST(FollowerTake, AFailedTakegroupLeavesTheGroupUnannouncedAndReleasesIt) {
  Follower f;
  const auto taking = f.order(kTakeTarget);
  const auto takeips = all_of<RunHook>(taking);
  ASSERT_EQ(takeips.size(), 2u);
  (void)f.finish(takeips[0]);
  const auto takegroup = hook_of(f.finish(takeips[1]), HookEvent::kTakeGroup);

  const auto failed = f.finish(takegroup, false);
  const auto releasegroup = hook_of(failed, HookEvent::kReleaseGroup);
  ASSERT_TRUE(releasegroup) << "released as a release order would: releasegroup first";
  EXPECT_EQ(releasegroup->arguments, std::vector<std::string>{"target1"});
  EXPECT_TRUE(all_of<RemoveAddress>(failed).empty());
  EXPECT_TRUE(announced(failed).empty());
  EXPECT_TRUE(acks(failed).empty());

  const auto removing = f.finish(releasegroup);
  EXPECT_EQ(all_of<RemoveAddress>(removing).size(), 2u);
  const auto releaseips = all_of<RunHook>(removing);
  ASSERT_EQ(releaseips.size(), 2u);
  EXPECT_EQ(releaseips[0].event, HookEvent::kReleaseIp);
  EXPECT_TRUE(f.machine.held().empty());
  EXPECT_TRUE(acks(removing).empty()) << "answered once the addresses are gone";

  (void)f.finish(releaseips[0]);
  const auto released = f.finish(releaseips[1]);
  ASSERT_EQ(acks(released).size(), 1u);
  EXPECT_FALSE(acks(released)[0].ok);
  ASSERT_FALSE(acks(released)[0].failures.empty());
  EXPECT_EQ(acks(released)[0].failures[0].cause, proto::FailureCause::kHookFailed) << "a failed take: a ban credit";
  const auto reports = sent<proto::StateReport>(released, NodeId(1));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].held.empty());
  EXPECT_TRUE(announced(f.tick(1s)).empty());
}

TEST(FollowerTake, AFailedTakeipReleasesTheGroupWithoutRunningTakegroup) {
  Follower f;
  const auto takeips = all_of<RunHook>(f.order(kTakeTarget));
  ASSERT_EQ(takeips.size(), 2u);
  (void)f.finish(takeips[0], false);
  const auto failed = f.finish(takeips[1]);
  EXPECT_FALSE(hook_of(failed, HookEvent::kTakeGroup));
  EXPECT_TRUE(hook_of(failed, HookEvent::kReleaseGroup));
  EXPECT_TRUE(announced(failed).empty());
}

TEST(FollowerTake, AnAddressTheKernelRefusedReleasesItsGroupUnannounced) {
  Follower f;
  const auto takeips = all_of<RunHook>(f.order(kTakeTarget));
  ASSERT_EQ(takeips.size(), 2u);
  (void)f.on(AddressFailed{kPathA, kEth1, true, "File exists"});
  (void)f.finish(takeips[0]);
  const auto failed = f.finish(takeips[1]);
  EXPECT_FALSE(hook_of(failed, HookEvent::kTakeGroup));
  EXPECT_TRUE(hook_of(failed, HookEvent::kReleaseGroup));
  EXPECT_TRUE(announced(failed).empty());
}

TEST(FollowerTake, ALinkLostWhileTheTakeHooksRunMovesTheAddressButAnnouncesItOnlyOnceTheyAreDone) {
  Follower f;
  const auto takeips = all_of<RunHook>(f.order(kTakeTarget));
  ASSERT_EQ(takeips.size(), 2u);
  const auto moved = f.on(LinkChanged{kEth1, LinkState::kDown});
  ASSERT_EQ(all_of<AddAddress>(moved).size(), 1u);
  EXPECT_EQ(all_of<AddAddress>(moved)[0].interface, kEth2);
  EXPECT_TRUE(announced(moved).empty());

  (void)f.finish(takeips[0]);
  const auto served = f.finish(hook_of(f.finish(takeips[1]), HookEvent::kTakeGroup));
  const auto announcements = all_of<Announce>(served);
  ASSERT_EQ(announcements.size(), 2u);
  EXPECT_EQ(announcements[0], (Announce{kPathA.address, kEth2})) << "where it is now";
}

TEST(FollowerTake, AnAddressTakenAgainIsNotAnnouncedAgainButItsRepeatsGoOn) {
  Follower f;
  const auto first = f.finish(hook_of(f.order(kTakeAlone), HookEvent::kTakeIp));
  ASSERT_EQ(announced(first).size(), 1u);

  proto::TakeoverOrder again = kTakeAlone;
  again.run_id = 2;  // the leader's next run names it again
  const auto retaking = f.order(again);
  EXPECT_TRUE(all_of<AddAddress>(retaking).empty());
  EXPECT_TRUE(announced(retaking).empty());
  const auto retaken = f.finish(hook_of(retaking, HookEvent::kTakeIp));
  EXPECT_TRUE(announced(retaken).empty());
  ASSERT_EQ(acks(retaken).size(), 1u);
  EXPECT_TRUE(acks(retaken)[0].ok);
  EXPECT_EQ(announced(f.tick(250ms)), std::vector<IpAddress>{kAlone.address}) << "the first take's repeat";
}

TEST(FollowerTake, AStopWhileTheTakeHooksRunRunsNoTakegroupAndAnnouncesNothing) {
  Follower f;
  const auto takeips = all_of<RunHook>(f.order(kTakeTarget));
  ASSERT_EQ(takeips.size(), 2u);
  (void)f.on(Shutdown{});
  (void)f.finish(takeips[0]);
  const auto after = f.finish(takeips[1]);
  EXPECT_FALSE(hook_of(after, HookEvent::kTakeGroup));
  EXPECT_TRUE(announced(after).empty());
  EXPECT_TRUE(hook_of(after, HookEvent::kReleaseGroup)) << "the stop's own release";
}

TEST(FollowerUpdate, AnUpdateipAnnouncesAtOnce) {
  Follower f;
  (void)f.take_target();
  const proto::TakeoverOrder update{1, 2, proto::TakeoverKind::kUpdate, {{kPathA, kEth2, kTarget}}};
  const auto updating = f.order(update);
  EXPECT_EQ(all_of<Announce>(updating), std::vector<Announce>{(Announce{kPathA.address, kEth2})})
      << "the service is up already: no hook to wait for";
  const auto updateip = hook_of(updating, HookEvent::kUpdateIp);
  ASSERT_TRUE(updateip);
  EXPECT_EQ(updateip->arguments, (std::vector<std::string>{"eth1", "eth2", "198.51.100.10", "24"}));
}

TEST(FollowerAudit, AHeldAddressRemovedBehindOurBackIsAnnouncedAtOnceWhenRestored) {
  Follower f;
  (void)f.take_target();
  const auto restored = f.on(AddressesSeen{{{kPathB, kEth2}}});  // kPathA is gone
  EXPECT_EQ(all_of<AddAddress>(restored).size(), 1u);
  EXPECT_EQ(all_of<Announce>(restored), std::vector<Announce>{(Announce{kPathA.address, kEth1})});
}

}  // namespace
}  // namespace tandem::cluster
