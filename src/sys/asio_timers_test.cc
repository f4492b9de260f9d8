#include "sys/asio_timers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "sys/process_test_support.h"

namespace tandem::sys {
namespace {

using std::chrono::milliseconds;

class AsioTimersTest : public ::testing::Test {
 protected:
  asio::io_context context_;
  std::vector<TimePoint> wakes_;  // steady_now() at each wake-up
  AsioTimers timers_{context_, [this] { wakes_.push_back(steady_now()); }};
};

TEST(SteadyNow, ReadsTheSteadyClock) {
  auto before = std::chrono::steady_clock::now().time_since_epoch();
  TimePoint now = steady_now();
  auto after = std::chrono::steady_clock::now().time_since_epoch();
  EXPECT_LE(before, now.time_since_epoch());
  EXPECT_LE(now.time_since_epoch(), after);
}

TEST_F(AsioTimersTest, WakesAtTheGivenInstant) {
  TimePoint when = steady_now() + milliseconds(30);
  timers_.wake_at(when);
  ASSERT_TRUE(testing::run_until(context_, [&] { return !wakes_.empty(); }));
  EXPECT_GE(wakes_[0], when);
  context_.run_for(milliseconds(20));
  EXPECT_EQ(wakes_.size(), 1u);
}

TEST_F(AsioTimersTest, ALaterCallReplacesAnEarlierOne) {
  TimePoint start = steady_now();
  timers_.wake_at(start + milliseconds(10));
  timers_.wake_at(start + milliseconds(60));
  context_.run_for(milliseconds(150));
  ASSERT_EQ(wakes_.size(), 1u);
  EXPECT_GE(wakes_[0], start + milliseconds(60));

  timers_.wake_at(steady_now() + milliseconds(200));
  timers_.wake_at(steady_now() + milliseconds(5));  // earlier also replaces
  context_.restart();
  ASSERT_TRUE(testing::run_until(
      context_, [&] { return wakes_.size() == 2; }, milliseconds(150)));
}

TEST_F(AsioTimersTest, TheLatestInstantMeansNoWakeUp) {
  timers_.wake_at(steady_now() + milliseconds(10));
  timers_.wake_at(TimePoint::max());
  context_.run_for(milliseconds(50));
  EXPECT_TRUE(wakes_.empty());
}

TEST_F(AsioTimersTest, APastInstantWakesFromAHandlerNotFromInsideTheCall) {
  timers_.wake_at(kTimeZero);
  EXPECT_TRUE(wakes_.empty());
  ASSERT_TRUE(testing::run_until(context_, [&] { return !wakes_.empty(); }));
  EXPECT_EQ(wakes_.size(), 1u);
}

TEST_F(AsioTimersTest, AnExpiredWakeUpNotYetDeliveredIsDroppedWhenReplaced) {
  // Both instants are past, so one pass of the loop queues both handlers, the earlier
  // first: when it replaces the wake-up, that wake-up's handler is already queued.
  asio::steady_timer earlier(context_, std::chrono::steady_clock::time_point());
  earlier.async_wait([this](const asio::error_code&) { timers_.wake_at(TimePoint::max()); });
  timers_.wake_at(kTimeZero + std::chrono::nanoseconds(1));
  context_.run_for(milliseconds(30));
  EXPECT_TRUE(wakes_.empty());
}

}  // namespace
}  // namespace tandem::sys
