#include "cluster/lock_claim.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;
using Phase = LockClaim::Phase;

TEST(LockClaim, StartsFreeAndMayTryAtOnce) {
  LockClaim claim;
  EXPECT_EQ(claim.phase(), Phase::kFree);
  EXPECT_TRUE(claim.may_try(kTimeZero));
}

TEST(LockClaim, APendingRequestMayNotBeRepeated) {
  LockClaim claim;
  claim.start_try();
  EXPECT_EQ(claim.phase(), Phase::kPending);
  EXPECT_FALSE(claim.may_try(kTimeZero + 1h));
}

TEST(LockClaim, AGrantedRequestHoldsTheLock) {
  LockClaim claim;
  claim.start_try();
  claim.on_result(LockState::kHeld);
  EXPECT_TRUE(claim.is_held());
  EXPECT_FALSE(claim.may_try(kTimeZero + 1h));
}

TEST(LockClaim, AContendedRequestIsFreeAgainAfterTheBackOff) {
  LockClaim claim;
  claim.start_try();
  claim.on_result(LockState::kContended);
  claim.retry_after(kTimeZero + 2s);
  EXPECT_EQ(claim.phase(), Phase::kFree);
  EXPECT_FALSE(claim.may_try(kTimeZero + 1s));
  EXPECT_TRUE(claim.may_try(kTimeZero + 2s));
}

TEST(LockClaim, ALostLockIsFree) {
  LockClaim claim;
  claim.start_try();
  claim.on_result(LockState::kHeld);
  claim.on_result(LockState::kLost);
  EXPECT_EQ(claim.phase(), Phase::kFree);
}

TEST(LockClaim, GivingUpAHeldLockAsksForItsRelease) {
  LockClaim claim;
  claim.start_try();
  claim.on_result(LockState::kHeld);
  EXPECT_TRUE(claim.give_up());
  EXPECT_EQ(claim.phase(), Phase::kFree);
  EXPECT_FALSE(claim.give_up());  // nothing held: nothing to release
}

TEST(LockClaimDeathTest, TryingWhileARequestIsPendingIsABug) {
  LockClaim claim;
  claim.start_try();
  EXPECT_DEATH(claim.start_try(), "phase_ == Phase::kFree");
}

}  // namespace
}  // namespace tandem::cluster
