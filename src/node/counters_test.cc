#include "node/counters.h"

#include <gtest/gtest.h>

namespace tandem::node {
namespace {

IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }

TEST(Counters, CountsTakesReleasesAndHookRunsByEvent) {
  Counters counters;
  counters.observe(cluster::Tick{},
                   {cluster::AddAddress{prefix("203.0.113.10/24"), InterfaceName("eth1")},
                    cluster::RunHook{7, HookEvent::kTakeIp, {}}, cluster::RunHook{8, HookEvent::kTakeIp, {}},
                    cluster::RemoveAddress{prefix("203.0.113.11/24"), InterfaceName("eth1")}});
  counters.observe(cluster::HookFinished{7, true}, {});
  counters.observe(cluster::HookFinished{8, false}, {});
  counters.observe(cluster::HookFinished{8, false}, {});  // a second answer for one run counts once
  const Statistics& statistics = counters.statistics();
  EXPECT_EQ(statistics.addresses_taken, 1u);
  EXPECT_EQ(statistics.addresses_released, 1u);
  EXPECT_EQ(statistics.hooks.at("takeip"), (HookTally{2, 1}));
}

TEST(Counters, CountsLeaseLapsesElectionsLeaderChangesAndBans) {
  Counters counters;
  const MachineGlance follower{NodeId(1), false, NodeFlags(), true};
  const MachineGlance alone{std::nullopt, false, NodeFlags(), false};
  const MachineGlance leader{NodeId(0), true, NodeFlags(), true};
  counters.observe(follower, alone);
  counters.observe(alone, leader);
  counters.observe(leader, MachineGlance{NodeId(0), true, NodeFlags().with(NodeFlags::kBanned), true});
  const Statistics& statistics = counters.statistics();
  EXPECT_EQ(statistics.lease_lapses, 1u);
  EXPECT_EQ(statistics.elections_won, 1u);
  EXPECT_EQ(statistics.leader_changes, 1u);
  EXPECT_EQ(statistics.times_banned, 1u);
}

TEST(Counters, CountsTheMachinesAddressRepairsByTheirGrowth) {
  Counters counters;
  const cluster::AddressRepairs before{2, 1};
  const cluster::AddressRepairs after{3, 3};
  counters.observe(before, after);
  counters.observe(after, after);
  EXPECT_EQ(counters.statistics().addresses_restored, 1u);
  EXPECT_EQ(counters.statistics().foreign_addresses_removed, 2u);
}

TEST(Counters, SumsTakeoverRunsAndTheirDurations) {
  Counters counters;
  MoveRecord run{MoveRecord::Kind::kTakeoverRun, 1, kTimeZero, kTimeZero + milliseconds(300), "a timer", true, {}};
  run.moves.resize(2);
  counters.count(run);
  run.ok = false;
  counters.count(run);
  counters.count(
      MoveRecord{MoveRecord::Kind::kLocalFailover, 0, kTimeZero, kTimeZero, "interface eth1 down", true, {Move{}}});
  const Statistics& statistics = counters.statistics();
  EXPECT_EQ(statistics.takeover_runs_done, 1u);
  EXPECT_EQ(statistics.takeover_runs_failed, 1u);
  EXPECT_EQ(statistics.takeover_run_time, milliseconds(600));
  EXPECT_EQ(statistics.takeover_moves, 4u);
  EXPECT_EQ(statistics.local_failovers, 1u);
  EXPECT_EQ(statistics.local_failover_moves, 1u);
}

}  // namespace
}  // namespace tandem::node
