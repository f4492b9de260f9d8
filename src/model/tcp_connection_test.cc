#include "model/tcp_connection.h"

#include <gtest/gtest.h>

#include <set>

namespace tandem {
namespace {

TcpEndpoint endpoint(std::string_view text) {
  auto parsed = TcpEndpoint::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message());
  return parsed.ok() ? *parsed : TcpEndpoint{};
}

TEST(TcpEndpoint, ParsesAndPrintsIpv4AddressAndPort) {
  const auto parsed = endpoint("192.0.2.10:3260");
  EXPECT_EQ(parsed.address, *IpAddress::parse("192.0.2.10"));
  EXPECT_EQ(parsed.port, 3260);
  EXPECT_EQ(parsed.to_string(), "192.0.2.10:3260");
}

TEST(TcpEndpoint, ParsesAndPrintsIpv6InBrackets) {
  const auto parsed = endpoint("[2001:DB8:0::1]:65535");
  EXPECT_EQ(parsed.address, *IpAddress::parse("2001:db8::1"));
  EXPECT_EQ(parsed.port, 65535);
  EXPECT_EQ(parsed.to_string(), "[2001:db8::1]:65535");
}

TEST(TcpEndpoint, RejectsMalformedTextWithTheReason) {
  for (auto text :
       {"192.0.2.10", "192.0.2.10:", "192.0.2.10:0", "192.0.2.10:65536", "192.0.2.10:03260", "192.0.2.10:32a",
        "2001:db8::1:3260", "[2001:db8::1]", "[2001:db8::1]3260", "[192.0.2.10]:1", "192.0.2.300:1", ":1", ""}) {
    const auto parsed = TcpEndpoint::parse(text);
    EXPECT_FALSE(parsed.ok()) << text;
    if (!parsed.ok()) {
      EXPECT_FALSE(parsed.error().cause.empty()) << text;
    }
  }
}

TEST(TcpEndpoint, NamesTheBadPortInItsError) {
  const auto parsed = TcpEndpoint::parse("192.0.2.10:70000");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().cause.find("'70000'"), std::string::npos) << parsed.error().cause;
}

TEST(TcpConnection, ParsesServerThenClientAndPrintsTheSameText) {
  const auto parsed = TcpConnection::parse("192.0.2.10:3260 198.51.100.7:51234");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->server, endpoint("192.0.2.10:3260"));
  EXPECT_EQ(parsed->client, endpoint("198.51.100.7:51234"));
  EXPECT_EQ(parsed->to_string(), "192.0.2.10:3260 198.51.100.7:51234");
}

TEST(TcpConnection, AcceptsTabsAndRunsOfSpacesBetweenEnds) {
  EXPECT_TRUE(TcpConnection::parse("  192.0.2.10:3260 \t 198.51.100.7:51234 ").ok());
}

TEST(TcpConnection, RejectsOtherThanTwoEnds) {
  EXPECT_FALSE(TcpConnection::parse("192.0.2.10:3260").ok());
  EXPECT_FALSE(TcpConnection::parse("192.0.2.10:3260 198.51.100.7:1 198.51.100.7:2").ok());
}

TEST(TcpConnection, RejectsEndsOfDifferentFamilies) {
  EXPECT_FALSE(TcpConnection::parse("192.0.2.10:3260", "[2001:db8::7]:51234").ok());
}

TEST(TcpConnection, OrdersByServerThenClient) {
  const std::set<TcpConnection> ordered{*TcpConnection::parse("192.0.2.11:1 198.51.100.1:9"),
                                        *TcpConnection::parse("192.0.2.10:2 198.51.100.1:9"),
                                        *TcpConnection::parse("192.0.2.10:2 198.51.100.1:8")};
  std::vector<std::string> texts;
  for (const auto& connection : ordered) texts.push_back(connection.to_string());
  EXPECT_EQ(texts, (std::vector<std::string>{"192.0.2.10:2 198.51.100.1:8", "192.0.2.10:2 198.51.100.1:9",
                                             "192.0.2.11:1 198.51.100.1:9"}));
}

}  // namespace
}  // namespace tandem
