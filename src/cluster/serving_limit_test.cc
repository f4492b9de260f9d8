#include "cluster/serving_limit.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

const std::vector<IpAddress> kTwo{*IpAddress::parse("192.0.2.10"), *IpAddress::parse("2001:db8::10")};

TEST(ServingLimit, TellsTheKernelAtOnceEvenWithoutALease) {
  ServingLimit limit;
  auto told = limit.renewal(kTimeZero, kTwo);
  ASSERT_TRUE(told.has_value());
  EXPECT_EQ(told->until, kTimeZero);
  EXPECT_EQ(told->addresses, kTwo);
}

TEST(ServingLimit, TellsTheKernelEachTimeTheLeaseEndsLater) {
  ServingLimit limit;
  (void)limit.renewal(kTimeZero + 1s, kTwo);
  auto told = limit.renewal(kTimeZero + 1100ms, kTwo);
  ASSERT_TRUE(told.has_value());
  EXPECT_EQ(told->until, kTimeZero + 1100ms);
  EXPECT_EQ(limit.until(), kTimeZero + 1100ms);
}

TEST(ServingLimit, SaysNothingWhenTheKernelAlreadyKnows) {
  ServingLimit limit;
  (void)limit.renewal(kTimeZero + 1s, kTwo);
  EXPECT_FALSE(limit.renewal(kTimeZero + 1s, kTwo).has_value());
}

TEST(ServingLimit, TellsTheKernelWhenThePublicAddressesChange) {
  ServingLimit limit;
  (void)limit.renewal(kTimeZero + 1s, kTwo);
  const std::vector<IpAddress> one{kTwo.front()};
  auto told = limit.renewal(kTimeZero + 1s, one);
  ASSERT_TRUE(told.has_value());
  EXPECT_EQ(told->addresses, one);
}

TEST(ServingLimit, KnowsNothingBeforeItFirstTold) {
  ServingLimit limit;
  EXPECT_EQ(limit.until(), kTimeZero);
  EXPECT_FALSE(limit.is_told(kTimeZero, kTwo));
}

}  // namespace
}  // namespace tandem::cluster
