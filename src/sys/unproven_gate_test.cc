#include "sys/unproven_gate.h"

#include <gtest/gtest.h>

namespace tandem::sys {
namespace {

using std::chrono::milliseconds;

constexpr TimePoint kStart = kTimeZero + std::chrono::seconds(100);

std::size_t admitted_of(UnprovenGate& gate, std::size_t attempts, TimePoint now) {
  std::size_t admitted = 0;
  for (std::size_t i = 0; i < attempts; ++i) admitted += gate.admit(now) ? 1u : 0u;
  return admitted;
}

TEST(UnprovenGate, AdmitsABurstThenRefusesUntilTokensRefill) {
  UnprovenGate gate;
  EXPECT_EQ(admitted_of(gate, 30000, kStart), kUnprovenAcceptBurst);
  EXPECT_EQ(gate.wait_for_token(kStart), milliseconds(5));  // 200 a second: one each 5 ms
  EXPECT_EQ(admitted_of(gate, 30000, kStart + milliseconds(100)), 20u);
  EXPECT_EQ(admitted_of(gate, 30000, kStart + std::chrono::seconds(60)), kUnprovenAcceptBurst);
}

TEST(UnprovenGate, AFloodOfASecondCostsAtMostTheBurstAndTheRate) {
  UnprovenGate gate;
  std::size_t admitted = 0;
  for (int ms = 0; ms < 1000; ++ms) admitted += admitted_of(gate, 25, kStart + milliseconds(ms));  // 25,000/s
  EXPECT_LE(admitted, kUnprovenAcceptBurst + kUnprovenAcceptsPerSecond);
  EXPECT_GE(admitted, kUnprovenAcceptsPerSecond);
}

TEST(UnprovenGate, LogsAFewLinesPerIntervalThenOneSummary) {
  UnprovenGate gate;
  std::size_t logged = 0;
  for (int i = 0; i < 5000; ++i) logged += gate.may_log(kStart + milliseconds(i / 10)) ? 1u : 0u;
  (void)admitted_of(gate, kUnprovenAcceptBurst + 7, kStart + milliseconds(499));
  EXPECT_EQ(logged, kUnprovenLogLinesMax);
  EXPECT_EQ(gate.summary_due(), kStart + kUnprovenLogInterval);
  EXPECT_EQ(gate.summary(kStart + milliseconds(999)), std::nullopt);
  EXPECT_EQ(gate.summary(kStart + milliseconds(1000)),
            "held back 4990 log lines about connections without a valid hello and refused 7 connections (over 200 "
            "a second) in the last 1000 ms");
  EXPECT_EQ(gate.summary_due(), std::nullopt);
  EXPECT_TRUE(gate.may_log(kStart + milliseconds(1001)));
}

TEST(UnprovenGate, SaysNothingWhenNothingWasHeldBack) {
  UnprovenGate gate;
  for (std::size_t i = 0; i < kUnprovenLogLinesMax; ++i) EXPECT_TRUE(gate.may_log(kStart));
  EXPECT_EQ(gate.summary_due(), std::nullopt);
  EXPECT_EQ(gate.summary(kStart + std::chrono::seconds(5)), std::nullopt);
  EXPECT_TRUE(gate.may_log(kStart + std::chrono::seconds(5)));
}

}  // namespace
}  // namespace tandem::sys
