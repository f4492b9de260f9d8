#include "cluster/membership.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

const NodeId kA(0), kB(1), kC(2);

TimePoint at_ms(std::int64_t ms) { return kTimeZero + milliseconds(ms); }

proto::Heartbeat heartbeat(std::uint64_t incarnation, std::uint64_t seq, std::uint64_t echoed_incarnation,
                           std::uint64_t echoed_seq) {
  proto::Heartbeat h;
  h.incarnation = incarnation;
  h.sent_seq = seq;
  h.echoed_incarnation = echoed_incarnation;
  h.last_heard_seq = echoed_seq;
  return h;
}

TEST(Membership, APeerIsAliveOnlyWhileContactHoldsBothWays) {
  Membership a(kA, 11, {kA, kB, kC}, milliseconds(600));
  const auto seq = a.record_sent(at_ms(0));
  a.record_heard(kB, heartbeat(22, 1, 0, 0), at_ms(10));
  EXPECT_FALSE(a.is_alive(kB, at_ms(10))) << "B has not heard us yet";
  a.record_heard(kB, heartbeat(22, 2, 11, seq), at_ms(20));
  EXPECT_TRUE(a.is_alive(kB, at_ms(20)));
  EXPECT_FALSE(a.is_alive(kB, at_ms(600))) << "our echoed heartbeat is older than DeadTimeout";
}

TEST(Membership, IgnoresEchoesOfAnEarlierLifeOfOurs) {
  Membership a(kA, 11, {kA, kB}, milliseconds(600));
  const auto seq = a.record_sent(at_ms(0));
  a.record_heard(kB, heartbeat(22, 1, 99, seq), at_ms(10));
  EXPECT_FALSE(a.is_alive(kB, at_ms(10)));
}

TEST(Membership, AnOvertakenHeartbeatChangesNothing) {
  Membership a(kA, 11, {kA, kB}, milliseconds(600));
  const auto seq = a.record_sent(at_ms(0));
  a.record_heard(kB, heartbeat(22, 5, 11, seq), at_ms(10));
  a.record_heard(kB, heartbeat(22, 4, 11, 0), at_ms(500));
  EXPECT_EQ(*a.peer(kB)->last_heard, at_ms(10));
}

TEST(Membership, ANewIncarnationVoidsWhatWeKnew) {
  Membership a(kA, 11, {kA, kB}, milliseconds(600));
  const auto seq = a.record_sent(at_ms(0));
  a.record_heard(kB, heartbeat(22, 50, 11, seq), at_ms(10));
  a.record_heard(kB, heartbeat(23, 1, 0, 0), at_ms(20));
  EXPECT_EQ(a.peer(kB)->last_seq_heard, 1u);
  EXPECT_FALSE(a.is_alive(kB, at_ms(20)));
}

TEST(Membership, QuorumIsAMajorityOrHalfForTheLockHolder) {
  Membership a(kA, 11, {kA, kB, kC, NodeId(3)}, milliseconds(600));
  const auto seq = a.record_sent(at_ms(0));
  a.record_heard(kB, heartbeat(22, 1, 11, seq), at_ms(10));
  EXPECT_EQ(a.contacts(at_ms(10)), 2u);
  EXPECT_FALSE(a.has_quorum(at_ms(10), false));
  EXPECT_TRUE(a.has_quorum(at_ms(10), true));
}

TEST(Membership, RemembersWhenEachHeartbeatWasSent) {
  Membership a(kA, 11, {kA, kB}, milliseconds(600));
  const auto first = a.record_sent(at_ms(0));
  const auto second = a.record_sent(at_ms(100));
  EXPECT_EQ(a.sent_at(first), at_ms(0));
  EXPECT_EQ(a.sent_at(second), at_ms(100));
  EXPECT_FALSE(a.sent_at(0));
  EXPECT_FALSE(a.sent_at(second + 1));
}

}  // namespace
}  // namespace tandem::cluster
