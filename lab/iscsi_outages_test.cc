#include "lab/iscsi_outages.h"

#include <gtest/gtest.h>

namespace tandem::lab {
namespace {

using std::chrono::milliseconds;

TEST(IscsiOutages, SteadyReadsMakeNoOutage) {
  IscsiOutages portal("198.51.100.10", milliseconds(50));
  portal.logged_in(0, "n0");
  for (int t = 10; t <= 100; t += 10) EXPECT_FALSE(portal.good_read(t));
  EXPECT_TRUE(portal.outages().empty());
  EXPECT_EQ(portal.sessions().at(0).reads, 10);
}

TEST(IscsiOutages, ASlowReadIsAnOutageWithoutErrors) {
  IscsiOutages portal("198.51.100.10", milliseconds(50));
  portal.logged_in(0, "n0");
  (void)portal.good_read(10);
  auto outage = portal.good_read(230);
  ASSERT_TRUE(outage);
  EXPECT_EQ(outage->duration_ms(), 220);
  EXPECT_EQ(outage->errors, 0);
  EXPECT_EQ(outage->first_good.node, "n0");
}

TEST(IscsiOutages, AnErrorMakesAnOutageHoweverShort) {
  IscsiOutages portal("198.51.100.10", milliseconds(50));
  portal.logged_in(0, "n0");
  (void)portal.good_read(10);
  portal.error(15, "READ failed");
  portal.logged_in(18, "n1");
  auto outage = portal.good_read(20);
  ASSERT_TRUE(outage);
  EXPECT_EQ(outage->errors, 1);
  EXPECT_EQ(outage->error_texts, std::vector<std::string>{"READ failed"});
  EXPECT_EQ(outage->last_good.node, "n0");
  EXPECT_EQ(outage->first_good.node, "n1");
}

TEST(IscsiOutages, KeepsTheFirstErrorTextsAndCountsTheRest) {
  IscsiOutages portal("p", milliseconds(50));
  portal.logged_in(0, "n0");
  (void)portal.good_read(1);
  for (int i = 0; i < 5; ++i) portal.error(2 + i, "e" + std::to_string(i));
  auto outage = portal.good_read(100);
  ASSERT_TRUE(outage);
  EXPECT_EQ(outage->errors, 5);
  EXPECT_EQ(outage->error_texts.size(), kErrorTextsMax);
  EXPECT_EQ(portal.errors_since(4), 3);
}

TEST(FindSplit, SessionsOnDifferentNodesThatOverlapAreASplit) {
  std::vector<IscsiSessionSpan> sessions{{"a", "n0", 0, 10, 100, 9}, {"b", "n1", 0, 90, 200, 11}};
  EXPECT_TRUE(find_split(sessions));
}

TEST(FindSplit, ConsecutiveSessionsOnDifferentNodesAreNoSplit) {
  std::vector<IscsiSessionSpan> sessions{{"a", "n0", 0, 10, 100, 9},
                                         {"b", "n0", 0, 10, 100, 9},
                                         {"a", "n1", 150, 160, 300, 9},
                                         {"b", "n1", 150, 170, 300, 9}};
  EXPECT_FALSE(find_split(sessions));
}

}  // namespace
}  // namespace tandem::lab
