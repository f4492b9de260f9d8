// NftServingLimiter: the commands it gives nftables, and (as root, in a namespace of its
// own) what the kernel's tables hold after them.
#include "sys/nft_serving_limiter.h"

#include <gtest/gtest.h>

#include "sys/asio_timers.h"
#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

using namespace std::chrono_literals;

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

const std::vector<IpAddress> kAddresses{ip("192.0.2.10"), ip("2001:db8::10")};

TEST(NftLimitCommands, GiveEveryPublicAddressTheTimeLeftOfTheLease) {
  const std::string text = nft_limit_commands(kAddresses, 750, false);
  EXPECT_NE(text.find("add element arp tandem live4 { 192.0.2.10 timeout 750ms }"), std::string::npos) << text;
  EXPECT_NE(text.find("add element inet tandem live4 { 192.0.2.10 timeout 750ms }"), std::string::npos) << text;
  EXPECT_NE(text.find("add element inet tandem live6 { 2001:db8::10 timeout 750ms }"), std::string::npos) << text;
}

TEST(NftLimitCommands, FlushTheLiveSetsBeforeFillingThemInTheSameTransaction) {
  const std::string text = nft_limit_commands(kAddresses, 750, false);
  EXPECT_LT(text.find("flush set arp tandem live4"), text.find("add element arp tandem live4")) << text;
}

TEST(NftLimitCommands, LeaveNothingLiveOnceTheLeaseHasEnded) {
  const std::string text = nft_limit_commands(kAddresses, 0, false);
  EXPECT_NE(text.find("flush set inet tandem live6"), std::string::npos) << text;
  EXPECT_EQ(text.find("add element"), std::string::npos) << text;
}

TEST(NftLimitCommands, RefillThePublicSetsOnlyWhenTheAddressesChanged) {
  EXPECT_EQ(nft_limit_commands(kAddresses, 750, false).find("public4"), std::string::npos);
  const std::string text = nft_limit_commands(kAddresses, 750, true);
  EXPECT_NE(text.find("add element inet tandem public6 { 2001:db8::10 }"), std::string::npos) << text;
}

TEST(NftTableCommands, DropWhatAPublicAddressThatIsNotLiveSendsOrReceives) {
  const std::string text = nft_table_commands();
  EXPECT_NE(text.find("arp saddr ip @public4 arp saddr ip != @live4 drop"), std::string::npos) << text;
  EXPECT_NE(text.find("ip6 saddr @public6 ip6 saddr != @live6 drop"), std::string::npos) << text;
  EXPECT_NE(text.find("ip daddr @public4 ip daddr != @live4 drop"), std::string::npos) << text;
}

class NftServingLimiterTest : public NetnsTest {};

TEST_F(NftServingLimiterTest, AddressesAreLiveUntilTheLimitAndNotAfterIt) {
  in_namespace([&] {
    auto limiter = NftServingLimiter::create(steady_now);
    ASSERT_TRUE(limiter.ok()) << limiter.error();
    ASSERT_TRUE((*limiter)->limit(steady_now() + 30s, kAddresses).ok());
    auto inet = (*limiter)->list("inet");
    ASSERT_TRUE(inet.ok()) << inet.error();
    EXPECT_NE(inet->find("2001:db8::10 timeout"), std::string::npos) << *inet;
    ASSERT_TRUE((*limiter)->limit(steady_now() - 1ms, kAddresses).ok());
    auto arp = (*limiter)->list("arp");
    ASSERT_TRUE(arp.ok()) << arp.error();
    EXPECT_EQ(arp->find("192.0.2.10 timeout"), std::string::npos) << *arp;
    EXPECT_NE(arp->find("192.0.2.10"), std::string::npos) << "still public: " << *arp;
  });
}

TEST_F(NftServingLimiterTest, ANewDaemonTakesOverTheTablesWithNothingLive) {
  in_namespace([&] {
    {
      auto first = NftServingLimiter::create(steady_now);
      ASSERT_TRUE(first.ok()) << first.error();
      ASSERT_TRUE((*first)->limit(steady_now() + 30s, kAddresses).ok());
    }
    auto second = NftServingLimiter::create(steady_now);
    ASSERT_TRUE(second.ok()) << second.error();
    auto arp = (*second)->list("arp");
    ASSERT_TRUE(arp.ok()) << arp.error();
    EXPECT_EQ(arp->find("timeout 2"), std::string::npos) << *arp;
    EXPECT_NE(arp->find("192.0.2.10"), std::string::npos) << "the public set stays: " << *arp;
  });
}

TEST_F(NftServingLimiterTest, RemoveDeletesBothTablesAndIsNoErrorWhenTheyAreGone) {
  in_namespace([&] {
    ASSERT_TRUE(NftServingLimiter::create(steady_now).ok());
    ASSERT_TRUE(NftServingLimiter::remove().ok());
    EXPECT_TRUE(NftServingLimiter::remove().ok());
    auto fresh = NftServingLimiter::create(steady_now);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ((*fresh)->list("arp")->find("192.0.2.10"), std::string::npos);
  });
}

}  // namespace
}  // namespace tandem::sys
