#include "model/ip_address.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

std::string round_trip(std::string_view text) {
  auto address = IpAddress::parse(text);
  EXPECT_TRUE(address.ok()) << text;
  return address.ok() ? address->to_string() : "";
}

TEST(IpAddress, ParsesAndPrintsIpv4) {
  EXPECT_EQ(round_trip("198.51.100.10"), "198.51.100.10");
  EXPECT_TRUE(IpAddress::parse("0.0.0.0")->is_v4());
}

TEST(IpAddress, RejectsMalformedIpv4) {
  for (auto text : {"198.51.100", "198.51.100.256", "198.51.100.010", "1.2.3.4.5", "a.b.c.d", "", "1..2.3"}) {
    EXPECT_FALSE(IpAddress::parse(text).ok()) << text;
  }
}

TEST(IpAddress, PrintsIpv6InRfc5952Form) {
  EXPECT_EQ(round_trip("2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
  EXPECT_EQ(round_trip("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(round_trip("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(round_trip("::"), "::");
  EXPECT_EQ(round_trip("::1"), "::1");
  EXPECT_EQ(round_trip("fe80::"), "fe80::");
  EXPECT_EQ(round_trip("::ffff:192.0.2.1"), "::ffff:c000:201");
}

TEST(IpAddress, RejectsMalformedIpv6) {
  for (auto text :
       {"2001:db8::1::2", "2001:db8:1:2:3:4:5:6:7", "2001:db8:12345::1", "2001:db8::g", ":1", "1:2:3:4:5:6:7"}) {
    EXPECT_FALSE(IpAddress::parse(text).ok()) << text;
  }
}

TEST(IpAddress, OrdersIpv4BeforeIpv6AndNumerically) {
  EXPECT_LT(*IpAddress::parse("198.51.100.9"), *IpAddress::parse("198.51.100.10"));
  EXPECT_LT(*IpAddress::parse("203.0.113.1"), *IpAddress::parse("2001:db8::1"));
}

TEST(CommonPrefixLength, CountsLeadingEqualBitsWithinOneFamily) {
  auto a = *IpAddress::parse("198.51.100.10");
  EXPECT_EQ(common_prefix_length(a, a), 32);
  EXPECT_EQ(common_prefix_length(a, *IpAddress::parse("198.51.100.11")), 31);
  EXPECT_EQ(common_prefix_length(a, *IpAddress::parse("203.0.113.10")), 4);
  EXPECT_EQ(common_prefix_length(a, *IpAddress::parse("2001:db8::1")), 0);
  EXPECT_EQ(common_prefix_length(*IpAddress::parse("2001:db8::1"), *IpAddress::parse("2001:db8::1")), 128);
  EXPECT_EQ(common_prefix_length(*IpAddress::parse("2001:db8::1"), *IpAddress::parse("2001:db8::2")), 126);
}

TEST(IpPrefix, ParsesAddressAndLength) {
  auto prefix = IpPrefix::parse("2001:db8::10/64");
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->length, 64);
  EXPECT_EQ(prefix->to_string(), "2001:db8::10/64");
}

TEST(IpPrefix, RejectsBadLengths) {
  EXPECT_FALSE(IpPrefix::parse("198.51.100.10/33").ok());
  EXPECT_FALSE(IpPrefix::parse("198.51.100.10/").ok());
  EXPECT_FALSE(IpPrefix::parse("198.51.100.10/024").ok());
  EXPECT_FALSE(IpPrefix::parse("198.51.100.10").ok());
  EXPECT_FALSE(IpPrefix::parse("2001:db8::1/129").ok());
}

}  // namespace
}  // namespace tandem
