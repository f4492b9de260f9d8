#include "cluster/health.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;
using Due = Health::Due;
using Outcome = Health::Outcome;

const Duration kInterval = 5s;

TEST(Health, ANodeIsUnhealthyUntilItsStartupHookPasses) {
  Health health;
  health.startup_started(1);
  EXPECT_FALSE(health.is_healthy());
  EXPECT_EQ(health.on_hook(1, true, kTimeZero, kInterval), Outcome::kStartupPassed);
  EXPECT_TRUE(health.is_healthy());
}

TEST(Health, NothingIsDueWhileAHookRuns) {
  Health health;
  health.startup_started(1);
  EXPECT_EQ(health.due(kTimeZero + 1h), Due::kNothing);
  EXPECT_EQ(health.next_check(), TimePoint::max());
}

TEST(Health, TheMonitorIsDueAtOnceAfterStartupAndThenEveryInterval) {
  Health health;
  health.startup_started(1);
  (void)health.on_hook(1, true, kTimeZero + 1s, kInterval);
  EXPECT_EQ(health.due(kTimeZero + 1s), Due::kMonitor);
  health.monitor_started(2, kTimeZero + 1s, kInterval);
  (void)health.on_hook(2, true, kTimeZero + 2s, kInterval);
  EXPECT_EQ(health.due(kTimeZero + 5s), Due::kNothing);
  EXPECT_EQ(health.due(kTimeZero + 6s), Due::kMonitor);
}

TEST(Health, AFailedStartupIsRetriedAtTheMonitorsPace) {
  Health health;
  health.startup_started(1);
  EXPECT_EQ(health.on_hook(1, false, kTimeZero, kInterval), Outcome::kStartupFailed);
  EXPECT_EQ(health.due(kTimeZero + 4s), Due::kNothing);
  EXPECT_EQ(health.due(kTimeZero + 5s), Due::kStartup);
}

TEST(Health, AFailingMonitorMakesTheNodeUnhealthyAndAPassingOneHealthyAgain) {
  Health health;
  health.startup_started(1);
  (void)health.on_hook(1, true, kTimeZero, kInterval);
  health.monitor_started(2, kTimeZero, kInterval);
  EXPECT_EQ(health.on_hook(2, false, kTimeZero, kInterval), Outcome::kMonitorChanged);
  EXPECT_FALSE(health.is_healthy());
  health.monitor_started(3, kTimeZero + 5s, kInterval);
  EXPECT_EQ(health.on_hook(3, false, kTimeZero + 5s, kInterval), Outcome::kMonitorSame);
  health.monitor_started(4, kTimeZero + 10s, kInterval);
  EXPECT_EQ(health.on_hook(4, true, kTimeZero + 10s, kInterval), Outcome::kMonitorChanged);
  EXPECT_TRUE(health.is_healthy());
}

TEST(Health, OtherHooksAreNotItsConcern) {
  Health health;
  health.startup_started(1);
  EXPECT_EQ(health.on_hook(7, false, kTimeZero, kInterval), Outcome::kNotOurs);
  EXPECT_EQ(health.on_hook(0, false, kTimeZero, kInterval), Outcome::kNotOurs);
  EXPECT_FALSE(health.startup_done());
}

}  // namespace
}  // namespace tandem::cluster
