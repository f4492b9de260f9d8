#include "cluster/leadership.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

const NodeId kSelf(0);

TEST(Leadership, ANewNodeFollowsNobodyInEpochZero) {
  Leadership leadership(kSelf);
  EXPECT_EQ(leadership.epoch(), 0u);
  EXPECT_EQ(leadership.leader(), std::nullopt);
  ASSERT_NE(leadership.following(), nullptr);
}

TEST(Leadership, ALeaderFollowsItself) {
  Leadership leadership(kSelf);
  leadership.become_leader(3, kTimeZero);
  EXPECT_TRUE(leadership.is_leader());
  EXPECT_EQ(leadership.leader(), kSelf);
  EXPECT_EQ(leadership.epoch(), 3u);
}

TEST(Leadership, BecomingLeaderNeverLowersTheEpoch) {
  Leadership leadership(kSelf);
  leadership.raise_epoch(5);
  leadership.become_leader(4, kTimeZero);
  EXPECT_EQ(leadership.epoch(), 5u);
}

TEST(Leadership, ANewerEpochStopsFollowingTheOlderLeader) {
  Leadership leadership(kSelf);
  leadership.follow(NodeId(1), kTimeZero);
  leadership.raise_epoch(2);
  EXPECT_EQ(leadership.leader(), std::nullopt);
  EXPECT_EQ(leadership.epoch(), 2u);
}

TEST(Leadership, FollowingRemembersWhenTheLeaderWasHeard) {
  Leadership leadership(kSelf);
  leadership.follow(NodeId(2), kTimeZero + 4s);
  ASSERT_NE(leadership.following(), nullptr);
  EXPECT_EQ(leadership.following()->leader, NodeId(2));
  EXPECT_EQ(leadership.following()->leader_heard, kTimeZero + 4s);
  leadership.lose_leader();
  EXPECT_EQ(leadership.leader(), std::nullopt);
}

TEST(Leadership, ACandidateVotesForItselfAndCountsOtherVotes) {
  Leadership leadership(kSelf);
  leadership.stand(1, kTimeZero + 1s);
  ASSERT_NE(leadership.standing(), nullptr);
  EXPECT_EQ(leadership.voted_epoch(), 1u);
  EXPECT_EQ(leadership.count_vote(NodeId(1)), 2u);
  EXPECT_EQ(leadership.count_vote(NodeId(1)), 2u);  // a vote counts once
  EXPECT_EQ(leadership.leader(), std::nullopt);
}

TEST(Leadership, AFailedCandidacyFollowsNobodyAndPlansTheNextOne) {
  Leadership leadership(kSelf);
  leadership.stand(1, kTimeZero + 1s);
  leadership.give_up(kTimeZero + 3s);
  ASSERT_NE(leadership.following(), nullptr);
  EXPECT_EQ(leadership.following()->election_at, kTimeZero + 3s);
}

TEST(Leadership, VotesOncePerEpochAndNeverForAnEpochSeen) {
  Leadership leadership(kSelf);
  leadership.raise_epoch(3);
  EXPECT_FALSE(leadership.may_vote(3, kTimeZero));
  EXPECT_TRUE(leadership.may_vote(4, kTimeZero));
  leadership.record_vote(4);
  EXPECT_FALSE(leadership.may_vote(4, kTimeZero));
  EXPECT_TRUE(leadership.may_vote(5, kTimeZero));
}

TEST(Leadership, ARestartedNodeSitsOutOneElectionRound) {
  Leadership leadership(kSelf);
  leadership.no_votes_before(kTimeZero + 2s);
  EXPECT_FALSE(leadership.may_vote(1, kTimeZero + 1s));
  EXPECT_TRUE(leadership.may_vote(1, kTimeZero + 2s));
}

TEST(Leadership, ALeaderHoldsItsRunsAndBansAndLosesThemWhenItStepsDown) {
  Leadership leadership(kSelf);
  Leader& leader = leadership.become_leader(1, kTimeZero);
  leader.bans.ban(NodeId(2), kTimeZero + 10s);
  EXPECT_TRUE(leader.runs.is_due(kTimeZero));
  leadership.step_down();
  EXPECT_EQ(leadership.leading(), nullptr);
  EXPECT_EQ(leadership.leader(), std::nullopt);
  EXPECT_EQ(leadership.epoch(), 1u);
}

TEST(LeadershipDeathTest, ALeaderCannotBecomeLeaderAgain) {
  Leadership leadership(kSelf);
  leadership.become_leader(1, kTimeZero);
  EXPECT_DEATH(leadership.become_leader(2, kTimeZero), "!is_leader");
}

TEST(LeadershipDeathTest, ALeaderMustStepDownBeforeFollowing) {
  Leadership leadership(kSelf);
  leadership.become_leader(1, kTimeZero);
  EXPECT_DEATH(leadership.follow(NodeId(1), kTimeZero), "!is_leader");
}

TEST(LeadershipDeathTest, ANodeThatDoesNotLeadCannotStepDown) {
  Leadership leadership(kSelf);
  EXPECT_DEATH(leadership.step_down(), "is_leader");
}

TEST(LeadershipDeathTest, TheEpochNeverGoesBack) {
  Leadership leadership(kSelf);
  leadership.raise_epoch(4);
  EXPECT_DEATH(leadership.raise_epoch(3), "seen > epoch_");
}

}  // namespace
}  // namespace tandem::cluster
