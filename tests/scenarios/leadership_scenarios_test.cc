// Scenarios: losing the leader, partitions, and the cluster lock.
#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

TEST(Leadership, LeaderLossElectsANewLeaderThatMovesTheOldLeadersGroups) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 11});
  s.run_for(2s);
  const auto old_leader = s.leader();
  ASSERT_TRUE(old_leader);
  s.power_off(*old_leader).run_for(4s);
  ASSERT_TRUE(s.leader());
  EXPECT_NE(*s.leader(), *old_leader);
  s.expect_all_groups_hosted().expect_converged();
}

TEST(Leadership, MinorityPartitionReleasesItsIpsBeforeTheMajorityTakesThem) {
  Scenario s({.nodes = 5, .interfaces = 2, .groups = 10, .group_size = 2, .seed = 12});
  s.run_for(2s);
  // A follower's group: the leader's own minority case is LeaderLoss's.
  std::string group;
  NodeId victim;
  for (const char* name : {"target1", "target2", "target3"}) {
    group = name;
    victim = *s.node_hosting(group);
    if (victim != s.leader()) break;
  }
  s.partition({victim}).run_for(4s);
  s.expect_group_not_on(group, victim).expect_all_groups_hosted();
  for (std::size_t member = 0; member < 2; ++member) {
    const IpAddress ip = s.ip(group, member);
    const auto host = s.world().holders(ip);
    ASSERT_EQ(host.size(), 1u);
    const auto released = s.last_removed(ip, victim);
    const auto taken = s.last_added(ip, NodeId(host[0]));
    ASSERT_TRUE(released && taken);
    EXPECT_LT(*released, *taken) << ip;
  }
  s.heal().run_for(3s).expect_converged();
}

TEST(Leadership, TwoNodeClusterIsSettledByTheLock) {
  Scenario s({.nodes = 2, .interfaces = 2, .groups = 4, .group_size = 2, .seed = 13});
  s.run_for(2s).expect_all_groups_hosted();
  s.partition({NodeId(0)}).run_for(4s);
  const auto holder = s.world().lock_holder();
  ASSERT_TRUE(holder);
  for (const char* group : {"target1", "target2", "target3", "target4"}) s.expect_group_on(group, NodeId(*holder));
  s.heal().run_for(3s).expect_converged();
}

TEST(Leadership, LockLostByTheLeaderLeavesTheClusterLedAndHosted) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 14});
  s.run_for(2s);
  ASSERT_TRUE(s.leader());
  s.lose_lock().run_for(4s);
  EXPECT_TRUE(s.leader());
  s.expect_all_groups_hosted().expect_converged();
}

TEST(Leadership, ClusterWithoutALockElectsByVoteAndFailsOver) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 15, .cluster_lock = false});
  s.run_for(4s).expect_all_groups_hosted();  // votes start after a randomised election timeout
  const auto old_leader = s.leader();
  ASSERT_TRUE(old_leader);
  s.power_off(*old_leader).run_for(5s);
  s.expect_all_groups_hosted().expect_converged();
}

// Durable state (docs/design/cluster.md): the highest epoch seen survives a restart, so a
// cluster whose every node lost power and came back leads a newer epoch than before, never
// one a node may still have orders or reports of.
TEST(Leadership, AClusterRestartedWholeLeadsAnEpochAboveAnyBefore) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 15});
  s.run_for(2s);
  ASSERT_TRUE(s.leader());
  const std::uint64_t before = s.epoch(*s.leader());
  for (NodeId node : s.nodes()) s.power_off(node);
  s.run_for(1s);
  for (NodeId node : s.nodes()) s.power_on(node);
  s.run_for(3s).expect_all_groups_hosted().expect_converged();
  ASSERT_TRUE(s.leader());
  EXPECT_GT(s.epoch(*s.leader()), before);
}

TEST(Leadership, ARestartedLeaderLeadsAgainOnlyInANewerEpoch) {
  Scenario s({.nodes = 2, .interfaces = 2, .groups = 2, .group_size = 2, .seed = 16});
  s.run_for(2s);
  const auto leader = s.leader();
  ASSERT_TRUE(leader);
  const std::uint64_t before = s.epoch(*leader);
  // The other node goes, and the leader's daemon crashes: it alone can lead when it restarts.
  const NodeId other(1 - leader->value());
  s.power_off(other).run_for(2s).crash_daemon(*leader).run_for(3s);
  ASSERT_EQ(s.leader(), leader);
  EXPECT_GT(s.epoch(*leader), before);
  s.power_on(other).run_for(3s).expect_all_groups_hosted().expect_converged();
}

// A node whose disk was wiped starts as a fresh node (epoch 0, a sit-out before it votes):
// the simulator's checks find no IP on two nodes and no epoch led twice at once.
TEST(Leadership, NodesWhoseDisksWereWipedRejoinSafely) {
  ScenarioOptions options{.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 17};
  options.cluster_lock = false;
  Scenario s(options);
  s.run_for(2s);
  for (NodeId node : s.nodes()) s.power_off(node).wipe_disk(node);
  s.run_for(1s);
  for (NodeId node : s.nodes()) s.power_on(node);
  s.run_for(4s).expect_all_groups_hosted().expect_converged();
  ASSERT_TRUE(s.leader());
}

}  // namespace
}  // namespace tandem::sim
