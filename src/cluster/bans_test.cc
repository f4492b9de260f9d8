#include "cluster/bans.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

TEST(Bans, CreditsCountFailuresInARow) {
  Bans bans;
  EXPECT_EQ(bans.add_credit(NodeId(2)), 1u);
  EXPECT_EQ(bans.add_credit(NodeId(2)), 2u);
  bans.clear_credits(NodeId(2));
  EXPECT_EQ(bans.credits(NodeId(2)), 0u);
  EXPECT_EQ(bans.add_credit(NodeId(2)), 1u);
}

TEST(Bans, AnUnbanEndsTheBanAndForgetsTheCredits) {
  Bans bans;
  bans.ban(NodeId(1), kTimeZero + 60s);
  (void)bans.add_credit(NodeId(1));
  bans.lift(NodeId(1));
  EXPECT_FALSE(bans.is_banned(NodeId(1)));
  EXPECT_EQ(bans.credits(NodeId(1)), 0u);
}

TEST(Bans, CreditsAreCountedPerNode) {
  Bans bans;
  (void)bans.add_credit(NodeId(1));
  EXPECT_EQ(bans.add_credit(NodeId(2)), 1u);
}

TEST(Bans, ABanStartsTheCreditsAgain) {
  Bans bans;
  (void)bans.add_credit(NodeId(1));
  bans.ban(NodeId(1), kTimeZero + 10s);
  EXPECT_TRUE(bans.is_banned(NodeId(1)));
  EXPECT_EQ(bans.credits(NodeId(1)), 0u);
  EXPECT_EQ(bans.banned_until(NodeId(1)), kTimeZero + 10s);
}

TEST(Bans, ABanEndsAtItsTime) {
  Bans bans;
  bans.ban(NodeId(1), kTimeZero + 10s);
  bans.expire(kTimeZero + 9s);
  EXPECT_TRUE(bans.is_banned(NodeId(1)));
  bans.expire(kTimeZero + 10s);
  EXPECT_FALSE(bans.is_banned(NodeId(1)));
  EXPECT_EQ(bans.banned_until(NodeId(1)), std::nullopt);
}

}  // namespace
}  // namespace tandem::cluster
