#include "cluster/random.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

TEST(Random, TheSameSeedGivesTheSameSequence) {
  Random a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(Random, DifferentSeedsGiveDifferentSequences) {
  Random a(1), b(2);
  EXPECT_NE(a.next(), b.next());
}

TEST(Random, BelowStaysUnderItsLimit) {
  Random random(7);
  for (int i = 0; i < 1000; ++i) {
    const Duration d = random.below(250ms);
    EXPECT_GE(d, Duration::zero());
    EXPECT_LT(d, Duration(250ms));
  }
}

TEST(Random, BelowANonPositiveLimitIsZero) {
  Random random(7);
  EXPECT_EQ(random.below(Duration::zero()), Duration::zero());
}

}  // namespace
}  // namespace tandem::cluster
