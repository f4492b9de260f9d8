#include "cluster/lease.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

TEST(Lease, ANewNodeHasNoLease) {
  Lease lease;
  EXPECT_FALSE(lease.is_valid(kTimeZero));
  EXPECT_FALSE(lease.is_valid(kTimeZero + 1s));
}

TEST(Lease, IsValidUntilItsEndAndNotAtIt) {
  Lease lease;
  lease.extend_to(kTimeZero + 3s);
  EXPECT_TRUE(lease.is_valid(kTimeZero + 2999ms));
  EXPECT_FALSE(lease.is_valid(kTimeZero + 3s));
}

TEST(Lease, ALateOlderRenewalNeverShortensIt) {
  Lease lease;
  lease.extend_to(kTimeZero + 5s);
  lease.extend_to(kTimeZero + 4s);
  EXPECT_EQ(lease.until(), kTimeZero + 5s);
  EXPECT_TRUE(lease.is_valid(kTimeZero + 4500ms));
}

}  // namespace
}  // namespace tandem::cluster
