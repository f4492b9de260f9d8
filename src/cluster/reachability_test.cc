#include "cluster/reachability.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

const InterfaceName kEth1("eth1");
const InterfaceName kEth2("eth2");
const IpAddress kGateway = IpAddress::parse("192.0.2.1").value();
const IpAddress kPeer = IpAddress::parse("192.0.2.2").value();
const IpAddress kRouter6 = IpAddress::parse("2001:db8::1").value();
constexpr TimePoint kStart = kTimeZero + 10s;
const ProbeCounts kCounts{100ms, 3, 2};

// Runs `rounds` rounds from `from`, each answered by `answering` (if any) on eth1.
TimePoint run_rounds(Reachability& reach, TimePoint from, int rounds, const std::optional<IpAddress>& answering) {
  TimePoint now = from;
  for (int i = 0; i < rounds; ++i) {
    (void)reach.take_due(now, kCounts);
    if (answering) reach.answered(kEth1, *answering);
    now += kCounts.interval;
  }
  return now;
}

TEST(Reachability, ProbesEveryTargetOfEveryInterfaceEachInterval) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway, kPeer}}, {kEth2, {kRouter6}}}, kStart);
  EXPECT_EQ(reach.next_due(), kStart);
  EXPECT_EQ(reach.take_due(kStart, kCounts).probes,
            (std::vector<SendProbe>{{kEth1, kGateway}, {kEth1, kPeer}, {kEth2, kRouter6}}));
  EXPECT_EQ(reach.next_due(), kStart + 100ms);
  EXPECT_TRUE(reach.take_due(kStart + 99ms, kCounts).probes.empty());
  EXPECT_EQ(reach.take_due(kStart + 100ms, kCounts).probes.size(), 3u);
}

TEST(Reachability, NoTargetsMeansNoProbesAndAlwaysReachable) {
  Reachability reach;
  reach.configure({{kEth1, {}}}, kStart);
  EXPECT_EQ(reach.next_due(), TimePoint::max());
  EXPECT_TRUE(reach.take_due(kStart, kCounts).probes.empty());
  EXPECT_TRUE(reach.is_reachable(kEth1));
  EXPECT_TRUE(reach.is_reachable(kEth2));
}

TEST(Reachability, AnInterfaceIsUnreachableAfterItsMissCountOfSilentRounds) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway, kPeer}}}, kStart);
  TimePoint now = run_rounds(reach, kStart, 3, std::nullopt);
  EXPECT_TRUE(reach.is_reachable(kEth1));  // the third round is still under way
  const auto round = reach.take_due(now, kCounts);
  EXPECT_EQ(round.changed, (std::vector<InterfaceName>{kEth1}));
  EXPECT_FALSE(reach.is_reachable(kEth1));
  EXPECT_EQ(reach.why_unreachable(kEth1), "no reply from 192.0.2.1, 192.0.2.2 for 3 probes");
}

TEST(Reachability, OneAnsweringTargetKeepsTheInterfaceReachable) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway, kPeer}}}, kStart);
  const TimePoint now = run_rounds(reach, kStart, 10, kPeer);
  (void)reach.take_due(now, kCounts);
  EXPECT_TRUE(reach.is_reachable(kEth1));
  EXPECT_EQ(reach.why_unreachable(kEth1), std::nullopt);
}

TEST(Reachability, AnAnswerOnAnotherInterfaceOrFromANonTargetCountsForNothing) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway}}, {kEth2, {kGateway}}}, kStart);
  TimePoint now = kStart;
  for (int i = 0; i < 4; ++i) {
    (void)reach.take_due(now, kCounts);
    reach.answered(kEth2, kGateway);
    reach.answered(kEth1, kPeer);
    now += kCounts.interval;
  }
  EXPECT_FALSE(reach.is_reachable(kEth1));
  EXPECT_TRUE(reach.is_reachable(kEth2));
}

TEST(Reachability, AnUnreachableInterfaceComesBackAfterItsSuccessCount) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway}}}, kStart);
  TimePoint now = run_rounds(reach, kStart, 4, std::nullopt);
  ASSERT_FALSE(reach.is_reachable(kEth1));
  now = run_rounds(reach, now, 2, kGateway);  // closes the last silent round, then one answered
  EXPECT_FALSE(reach.is_reachable(kEth1));
  EXPECT_EQ(reach.why_unreachable(kEth1), "answering again (1 probe so far)");
  const auto round = reach.take_due(now, kCounts);
  EXPECT_EQ(round.changed, (std::vector<InterfaceName>{kEth1}));
  EXPECT_TRUE(reach.is_reachable(kEth1));
}

TEST(Reachability, AnAnswerBeforeAnyProbeCountsForNothing) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway}}}, kStart);
  reach.answered(kEth1, kGateway);
  const TimePoint now = run_rounds(reach, kStart, 3, std::nullopt);
  (void)reach.take_due(now, kCounts);
  EXPECT_FALSE(reach.is_reachable(kEth1));
}

TEST(Reachability, ALateWakeUpStartsOneRoundAndTheNextAWholeIntervalLater) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway}}}, kStart);
  (void)reach.take_due(kStart + 1s, kCounts);
  EXPECT_EQ(reach.next_due(), kStart + 1100ms);
}

TEST(Reachability, AReloadWithTheSameTargetsKeepsTheVerdict) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway}}}, kStart);
  const TimePoint now = run_rounds(reach, kStart, 4, std::nullopt);
  reach.configure({{kEth1, {kGateway}}, {kEth2, {kPeer}}}, now);
  EXPECT_FALSE(reach.is_reachable(kEth1));
  EXPECT_EQ(reach.next_due(), now);  // eth2's first round
}

TEST(Reachability, AReloadWithNewTargetsStartsTheInterfaceAfresh) {
  Reachability reach;
  reach.configure({{kEth1, {kGateway}}}, kStart);
  const TimePoint now = run_rounds(reach, kStart, 4, std::nullopt);
  reach.configure({{kEth1, {kPeer}}}, now);
  EXPECT_TRUE(reach.is_reachable(kEth1));
  reach.configure({}, now);
  EXPECT_EQ(reach.next_due(), TimePoint::max());
}

}  // namespace
}  // namespace tandem::cluster
