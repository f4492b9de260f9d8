#include "cluster/order_executor.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

RunStamp stamp(std::uint32_t leader, std::uint64_t incarnation, std::uint64_t epoch, std::uint64_t run_id) {
  return RunStamp{NodeId(leader), incarnation, epoch, run_id};
}

TEST(OrderExecutor, AdmitsTheFirstOrderOfAnyRun) {
  OrderExecutor executor;
  EXPECT_TRUE(executor.admit(stamp(1, 7, 3, 9)));
  EXPECT_EQ(executor.newest(), stamp(1, 7, 3, 9));
}

TEST(OrderExecutor, RefusesAnOrderOfAnOlderRunOfTheSameLeaderLife) {
  OrderExecutor executor;
  ASSERT_TRUE(executor.admit(stamp(1, 7, 3, 9)));
  EXPECT_FALSE(executor.admit(stamp(1, 7, 3, 8)));
  EXPECT_FALSE(executor.admit(stamp(1, 7, 2, 20)));
  EXPECT_EQ(executor.newest(), stamp(1, 7, 3, 9));
  EXPECT_TRUE(executor.admit(stamp(1, 7, 3, 9)));  // the same run again: orders repeat
}

TEST(OrderExecutor, ALeaderThatRestartedNumbersItsRunsAfresh) {
  OrderExecutor executor;
  ASSERT_TRUE(executor.admit(stamp(1, 7, 3, 9)));
  EXPECT_TRUE(executor.admit(stamp(1, 8, 3, 1)));
}

TEST(OrderExecutor, AnotherLeadersRunsAreNotComparedWithThisOnes) {
  OrderExecutor executor;
  ASSERT_TRUE(executor.admit(stamp(1, 7, 3, 9)));
  EXPECT_TRUE(executor.admit(stamp(2, 5, 3, 1)));
}

TEST(OrderExecutor, KnowsAResentOrderThatIsStillUnderWay) {
  OrderExecutor executor;
  executor.orders().push_back(OrderInProgress{NodeId(1), 3, 9, proto::TakeoverKind::kTake, {42}, {}, {}, {}});
  EXPECT_TRUE(executor.is_under_way(NodeId(1), 3, 9, proto::TakeoverKind::kTake));
  EXPECT_FALSE(executor.is_under_way(NodeId(1), 3, 9, proto::TakeoverKind::kRelease));
  EXPECT_FALSE(executor.is_under_way(NodeId(1), 3, 10, proto::TakeoverKind::kTake));
  EXPECT_FALSE(executor.is_under_way(NodeId(2), 3, 9, proto::TakeoverKind::kTake));
  EXPECT_TRUE(executor.on_hook(42, true));
  executor.orders().pop_front();  // answered
  EXPECT_FALSE(executor.is_under_way(NodeId(1), 3, 9, proto::TakeoverKind::kTake));
}

TEST(OrderExecutor, WhatWasAppliedOnlyGrows) {
  OrderExecutor executor;
  executor.record_applied(2, 5);
  executor.record_applied(2, 4);
  executor.record_applied(1, 9);
  EXPECT_EQ(executor.applied_epoch(), 2u);
  EXPECT_EQ(executor.applied_run_id(), 5u);
  executor.record_applied(3, 1);
  EXPECT_EQ(executor.applied_epoch(), 3u);
  EXPECT_EQ(executor.applied_run_id(), 1u);
}

TEST(OrderExecutor, AFailedHookFailsTheOrderWaitingForIt) {
  OrderExecutor executor;
  executor.orders().push_back(OrderInProgress{NodeId(1), 1, 1, proto::TakeoverKind::kTake, {4}, {}, {}, {}, false});
  executor.orders().push_back(OrderInProgress{NodeId(1), 1, 1, proto::TakeoverKind::kUpdate, {5}, {}, {}, {}, false});
  EXPECT_TRUE(executor.on_hook(5, false));
  EXPECT_TRUE(executor.orders()[0].failures.empty());
  EXPECT_EQ(executor.orders()[1].failures.size(), 1u);
  EXPECT_TRUE(executor.orders()[1].hooks.empty());
  EXPECT_FALSE(executor.on_hook(5, false));
}

TEST(OrderExecutor, FindsThePlannedStopsOwnRelease) {
  OrderExecutor executor;
  EXPECT_EQ(executor.stop_release(), nullptr);
  executor.orders().push_back(OrderInProgress{NodeId(0), 1, 0, proto::TakeoverKind::kRelease, {}, {}, {}, {}, true});
  ASSERT_NE(executor.stop_release(), nullptr);
  EXPECT_TRUE(executor.stop_release()->is_shutdown);
}

TEST(OrderExecutor, KnowsAnAddressAReleaseUnderWayIsToRemove) {
  OrderExecutor executor;
  const IpPrefix leaving = IpPrefix::parse("198.51.100.10/24").value();
  const IpPrefix staying = IpPrefix::parse("198.51.100.11/24").value();
  OrderInProgress release{NodeId(1), 1, 1, proto::TakeoverKind::kRelease, {4}, {}, {}, {}, false};
  release.to_remove = {{leaving, InterfaceName("eth1"), std::nullopt}};
  executor.orders().push_back(release);
  EXPECT_TRUE(executor.is_releasing(leaving.address));
  EXPECT_FALSE(executor.is_releasing(staying.address));
}

// An order taking `address` for group target1, its takeip hook 4 running.
OrderInProgress take_of(const IpPrefix& address) {
  OrderInProgress take{NodeId(1), 1, 1, proto::TakeoverKind::kTake, {4}, {}, {}, {}, false};
  Arrival arrival;
  arrival.group = GroupName("target1");
  arrival.items = {{address, InterfaceName("eth1"), GroupName("target1")}};
  arrival.to_announce = {address.address};
  arrival.hooks = {4};
  take.arrivals.push_back(arrival);
  return take;
}

TEST(OrderExecutor, AnAddressATakeAddedIsNotToBeAnnouncedWhileItsTakeHooksRun) {
  OrderExecutor executor;
  const IpPrefix arriving = IpPrefix::parse("198.51.100.10/24").value();
  executor.orders().push_back(take_of(arriving));
  EXPECT_TRUE(executor.is_taking(arriving.address));
  EXPECT_FALSE(executor.is_releasing(arriving.address));
  executor.orders()[0].arrivals[0].stage = Arrival::Stage::kDone;
  EXPECT_FALSE(executor.is_taking(arriving.address));
}

TEST(OrderExecutor, AFailedTakeHookFailsItsArrivalAndNamesItsGroup) {
  OrderExecutor executor;
  const IpPrefix arriving = IpPrefix::parse("198.51.100.10/24").value();
  executor.orders().push_back(take_of(arriving));
  EXPECT_TRUE(executor.on_hook(4, false));
  const OrderInProgress& take = executor.orders()[0];
  EXPECT_TRUE(take.arrivals[0].has_failed);
  EXPECT_TRUE(take.arrivals[0].hooks.empty());
  ASSERT_EQ(take.failures.size(), 1u);
  EXPECT_EQ(take.failures[0].address, arriving.address);
  EXPECT_EQ(take.failures[0].cause, proto::FailureCause::kHookFailed);
  EXPECT_EQ(take.failures[0].reason, "a hook failed: the group target1 is released unannounced");
}

TEST(OrderExecutor, AnAbandonedArrivalAnnouncesNothingButOneReleasingGoesOn) {
  OrderExecutor executor;
  const IpPrefix arriving = IpPrefix::parse("198.51.100.10/24").value();
  const IpPrefix failed = IpPrefix::parse("198.51.100.11/24").value();
  executor.orders().push_back(take_of(arriving));
  executor.orders().push_back(take_of(failed));
  executor.orders()[1].arrivals[0].stage = Arrival::Stage::kReleaseGroup;
  executor.abandon_arrivals();
  EXPECT_FALSE(executor.is_taking(arriving.address));
  EXPECT_TRUE(executor.orders()[0].arrivals[0].is_abandoned);
  EXPECT_FALSE(executor.orders()[1].arrivals[0].is_abandoned);
  EXPECT_TRUE(executor.is_releasing(failed.address));
}

}  // namespace
}  // namespace tandem::cluster
