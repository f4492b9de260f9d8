#include "ctl/tickle_views.h"

#include <gtest/gtest.h>

namespace tandem::ctl {
namespace {

TcpConnection connection(std::string_view text) { return TcpConnection::parse(text).value(); }

TEST(TickleViews, TheResultOfAListPrintsAsItsText) {
  const auto result = tickles_result(IpAddress::parse("2001:db8::10").value(), NodeId(2),
                                     {connection("[2001:db8::10]:3260 [2001:db8::7]:4")});
  EXPECT_EQ(result["connections"][0]["source"], "[2001:db8::7]:4");
  EXPECT_EQ(result["connections"][0]["destination"], "[2001:db8::10]:3260");
  auto text = tickles_text(result);
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_EQ(*text,
            "Connections for IP 2001:db8::10: 1 (recorded by node 2)\nSRC: [2001:db8::7]:4 DST: [2001:db8::10]:3260\n");
}

TEST(TickleViews, AnUnknownListHasNoRecorderAndNoConnections) {
  const auto result = tickles_result(IpAddress::parse("203.0.113.10").value(), std::nullopt, {});
  EXPECT_TRUE(result["recorded_by"].is_null());
  EXPECT_TRUE(result["connections"].empty());
}

TEST(TickleViews, NamesThePlaceOfAMistypedConnection) {
  const auto result = nlohmann::json{{"address", "203.0.113.10"}, {"connections", {{{"source", 7}}}}};
  auto text = tickles_text(result);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().message(), "result.connections[0].source: expected a string, got 7");
}

}  // namespace
}  // namespace tandem::ctl
