#include "cluster/takeover_driver.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

TakeoverPlan plan_with(bool releases) {
  TakeoverPlan plan;
  proto::TakeoverItem item{IpPrefix::parse("198.51.100.10/24").value(), InterfaceName("eth1"), std::nullopt};
  if (releases) plan.orders[NodeId(1)].releases.push_back(item);
  plan.orders[NodeId(2)].takes.push_back(item);
  return plan;
}

TEST(TakeoverDriver, ANewLeaderWantsARunAtOnce) {
  TakeoverDriver driver(kTimeZero + 1s);
  EXPECT_TRUE(driver.is_due(kTimeZero + 1s));
}

TEST(TakeoverDriver, RunsAreNumberedFromOneAndGrow) {
  TakeoverDriver driver(kTimeZero);
  EXPECT_EQ(driver.start(plan_with(true), false).id, 1u);
  driver.end(kTimeZero + 1s);
  EXPECT_EQ(driver.start(plan_with(true), false).id, 2u);
}

TEST(TakeoverDriver, ARunStartsWithReleasesWhenItHasAny) {
  TakeoverDriver driver(kTimeZero);
  EXPECT_EQ(driver.start(plan_with(true), false).phase, TakeoverRun::Phase::kRelease);
  driver.end(kTimeZero);
  EXPECT_EQ(driver.start(plan_with(false), false).phase, TakeoverRun::Phase::kTake);
}

TEST(TakeoverDriver, AnEndedRunWantsAnotherAfterTheSpacing) {
  TakeoverDriver driver(kTimeZero);
  driver.take_want();
  (void)driver.start(plan_with(false), false);
  EXPECT_FALSE(driver.is_wanted());
  driver.end(kTimeZero + 2s);
  EXPECT_EQ(driver.run(), nullptr);
  EXPECT_FALSE(driver.is_due(kTimeZero + 1s));
  EXPECT_TRUE(driver.is_due(kTimeZero + 2s));
  EXPECT_EQ(driver.wakeup(kTimeZero + 1s), kTimeZero + 2s);
}

TEST(TakeoverDriver, ARunWantedNowIsDueNow) {
  TakeoverDriver driver(kTimeZero);
  driver.postpone(kTimeZero + 10s, false);
  EXPECT_FALSE(driver.is_due(kTimeZero + 20s));
  driver.want_run_now(kTimeZero + 3s);
  EXPECT_TRUE(driver.is_due(kTimeZero + 3s));
}

TEST(TakeoverDriver, TheRunUnderWayWakesTheLeaderAtItsResendOrDeadline) {
  TakeoverDriver driver(kTimeZero);
  TakeoverRun& run = driver.start(plan_with(false), false);
  run.deadline = kTimeZero + 8s;
  run.resend_at = kTimeZero + 2s;
  EXPECT_EQ(driver.wakeup(kTimeZero), kTimeZero + 2s);
}

TEST(TakeoverDriver, RepliesWaitForTheRunAndAreHandedOutOnce) {
  TakeoverDriver driver(kTimeZero);
  driver.answer_after_run(NodeId(3), 17);
  EXPECT_EQ(driver.take_replies(), (std::vector<std::pair<NodeId, std::uint64_t>>{{NodeId(3), 17}}));
  EXPECT_TRUE(driver.take_replies().empty());
}

TEST(TakeoverDriverDeathTest, StartingARunWhileOneIsUnderWayIsABug) {
  TakeoverDriver driver(kTimeZero);
  (void)driver.start(plan_with(false), false);
  EXPECT_DEATH((void)driver.start(plan_with(false), false), "!run_");
}

}  // namespace
}  // namespace tandem::cluster
