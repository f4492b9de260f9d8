#include "cluster/announcement_schedule.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

const InterfaceName kEth1("eth1");
const InterfaceName kEth2("eth2");
const IpAddress kFirst = IpAddress::parse("198.51.100.10").value();
const IpAddress kSecond = IpAddress::parse("2001:db8::10").value();
constexpr TimePoint kStart = kTimeZero + 10s;

TEST(AnnouncementSchedule, TheFirstSendIsDueAtOnceAndTheRestASpacingApart) {
  AnnouncementSchedule schedule;
  EXPECT_EQ(schedule.start(kFirst, kEth1, kStart, 3, 250ms), (Announce{kFirst, kEth1}));
  EXPECT_EQ(schedule.next_due(), kStart + 250ms);
  EXPECT_TRUE(schedule.take_due(kStart + 249ms).empty());
  EXPECT_EQ(schedule.take_due(kStart + 250ms), (std::vector<Announce>{{kFirst, kEth1}}));
  EXPECT_EQ(schedule.next_due(), kStart + 500ms);
  EXPECT_EQ(schedule.take_due(kStart + 500ms), (std::vector<Announce>{{kFirst, kEth1}}));
}

TEST(AnnouncementSchedule, EndsAfterItsCountOfSends) {
  AnnouncementSchedule schedule;
  (void)schedule.start(kFirst, kEth1, kStart, 3, 250ms);
  (void)schedule.take_due(kStart + 250ms);
  (void)schedule.take_due(kStart + 500ms);
  EXPECT_TRUE(schedule.pending().empty());
  EXPECT_EQ(schedule.next_due(), TimePoint::max());
  EXPECT_TRUE(schedule.take_due(kStart + 1h).empty());
}

TEST(AnnouncementSchedule, ACountOfOneSchedulesNoRepeat) {
  AnnouncementSchedule schedule;
  EXPECT_EQ(schedule.start(kFirst, kEth1, kStart, 1, 250ms), (Announce{kFirst, kEth1}));
  EXPECT_TRUE(schedule.pending().empty());
}

TEST(AnnouncementSchedule, ALateWakeUpSendsOnceAndKeepsTheSpacingFromThen) {
  AnnouncementSchedule schedule;
  (void)schedule.start(kFirst, kEth1, kStart, 3, 250ms);
  EXPECT_EQ(schedule.take_due(kStart + 900ms).size(), 1u);
  EXPECT_EQ(schedule.next_due(), kStart + 1150ms);
}

TEST(AnnouncementSchedule, AMovedAddressIsAnnouncedFromItsNewInterfaceOnly) {
  AnnouncementSchedule schedule;
  (void)schedule.start(kFirst, kEth1, kStart, 3, 250ms);
  EXPECT_EQ(schedule.start(kFirst, kEth2, kStart + 100ms, 3, 250ms), (Announce{kFirst, kEth2}));
  EXPECT_TRUE(schedule.take_due(kStart + 250ms).empty());
  EXPECT_EQ(schedule.take_due(kStart + 350ms), (std::vector<Announce>{{kFirst, kEth2}}));
  EXPECT_EQ(schedule.take_due(kStart + 600ms), (std::vector<Announce>{{kFirst, kEth2}}));
  EXPECT_TRUE(schedule.pending().empty());
}

TEST(AnnouncementSchedule, ACancelledAddressIsNotAnnouncedAgain) {
  AnnouncementSchedule schedule;
  (void)schedule.start(kFirst, kEth1, kStart, 3, 250ms);
  (void)schedule.start(kSecond, kEth2, kStart, 3, 250ms);
  schedule.cancel(kFirst);
  EXPECT_EQ(schedule.take_due(kStart + 250ms), (std::vector<Announce>{{kSecond, kEth2}}));
}

TEST(AnnouncementSchedule, CancelAllLeavesNothingPending) {
  AnnouncementSchedule schedule;
  (void)schedule.start(kFirst, kEth1, kStart, 3, 250ms);
  (void)schedule.start(kSecond, kEth2, kStart, 3, 250ms);
  schedule.cancel_all();
  EXPECT_EQ(schedule.next_due(), TimePoint::max());
  EXPECT_TRUE(schedule.take_due(kStart + 1h).empty());
}

TEST(AnnouncementSchedule, EachAddressKeepsItsOwnTimes) {
  AnnouncementSchedule schedule;
  (void)schedule.start(kFirst, kEth1, kStart, 2, 250ms);
  (void)schedule.start(kSecond, kEth2, kStart + 100ms, 2, 100ms);
  EXPECT_EQ(schedule.next_due(), kStart + 200ms);
  EXPECT_EQ(schedule.take_due(kStart + 200ms), (std::vector<Announce>{{kSecond, kEth2}}));
  EXPECT_EQ(schedule.take_due(kStart + 250ms), (std::vector<Announce>{{kFirst, kEth1}}));
}

}  // namespace
}  // namespace tandem::cluster
