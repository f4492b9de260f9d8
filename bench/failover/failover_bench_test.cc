// The pure parts of failover_bench: summaries, /proc parsing, log reading, the leader's
// JSON, the prober's moves and the settled check.
#include <gtest/gtest.h>

#include "failover/daemon_log.h"
#include "failover/false_failover.h"
#include "failover/leader.h"
#include "failover/proc_usage.h"
#include "failover/scenario.h"
#include "failover/settle.h"
#include "failover/stats.h"

namespace tandem::bench {
namespace {

IpAddress ip(const std::string& text) { return *IpAddress::parse(text); }

TEST(Summarize, GivesMinMedianP90MaxOfAnOddCount) { EXPECT_EQ(summarize({30, 10, 20}), (Summary{3, 10, 20, 30, 30})); }

TEST(Summarize, AveragesTheMiddleTwoOfAnEvenCountAndTakesP90ByNearestRank) {
  std::vector<double> values{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  EXPECT_EQ(summarize(values), (Summary{20, 1, 10.5, 18, 20}));
}

TEST(Summarize, GivesZerosForNothing) { EXPECT_EQ(summarize({}), Summary{}); }

TEST(ProcUsage, ReadsVmRssAndVmHwmFromStatus) {
  auto usage = parse_proc_status("Name:\ttandemd\nVmHWM:\t    6000 kB\nVmRSS:\t    5120 kB\n");
  ASSERT_TRUE(usage);
  EXPECT_EQ(*usage, (MemoryUsage{5120, 6000}));
}

TEST(ProcUsage, RefusesStatusWithoutVmRss) { EXPECT_FALSE(parse_proc_status("Name:\tkthreadd\n")); }

TEST(ProcUsage, AddsUtimeAndStimeAfterACommandNameWithSpacesAndParentheses) {
  auto ticks = parse_cpu_ticks("42 (tan (d) d) S 1 42 42 0 -1 4194560 100 0 0 0 17 5 0 0 20 0 1 0 99 1000 200");
  ASSERT_TRUE(ticks);
  EXPECT_EQ(*ticks, 22u);
}

TEST(DaemonLog, CountsLostLeadersStepDownsAndNewLeadersButNotRuns) {
  auto events = scan_log(
      "2024-05-01 12:00:00.000 info became leader in epoch 3\n"
      "2024-05-01 12:00:01.000 warning leader 2 lost\n"
      "2024-05-01 12:00:01.000 warning stepping down as leader: the cluster lock was lost\n"
      "2024-05-01 12:00:01.000 info cluster lock lost\n"
      "2024-05-01 12:00:02.000 info takeover run 7 starts\n"
      "2024-05-01 12:00:02.000 warning peer mesh: node 1 is not connected: dropping messages to it until it is\n");
  EXPECT_EQ(events.became_leader, 1);
  EXPECT_EQ(events.leader_lost, 1);
  EXPECT_EQ(events.stepped_down, 1);
  EXPECT_EQ(events.lock_lost, 1);
  EXPECT_EQ(events.takeover_runs, 1);
  EXPECT_EQ(events.peer_disconnected, 1);
  EXPECT_EQ(events.false_failover_lines(), 4);
  EXPECT_EQ(events.lines.size(), 4u);
}

TEST(DaemonLog, FindsTheLastLeaderEpoch) {
  EXPECT_EQ(
      last_leader_epoch("x became leader in epoch 2\ny following leader 1 in epoch 4\nz became leader in epoch 5\n"),
      std::optional<std::uint64_t>(5));
  EXPECT_EQ(last_leader_epoch("following leader 1 in epoch 4\n"), std::nullopt);
}

TEST(UnexpectedLines, ALeaderCrashExplainsOneLostLeaderPerSurvivorAndOneElection) {
  LogEvents events;
  events.leader_lost = 2;
  events.became_leader = 1;
  EXPECT_EQ(unexpected_lines("leader", events, 3), 0);
  events.released_all = 1;  // a survivor's lease lapsed: never explained
  EXPECT_EQ(unexpected_lines("leader", events, 3), 1);
}

TEST(UnexpectedLines, AFollowerOrNicFailureExplainsNoLostOrLeaderLine) {
  LogEvents events;
  events.became_leader = 1;
  EXPECT_EQ(unexpected_lines("node", events, 3), 1);
  EXPECT_EQ(unexpected_lines("nic", events, 3), 1);
}

TEST(Leader, ReadsThePnnFromTheToolsJson) {
  EXPECT_EQ(parse_leader_json("{\"leader\": 2}\n"), std::optional<std::uint64_t>(2));
  EXPECT_EQ(parse_leader_json("2\n"), std::nullopt);
  EXPECT_EQ(parse_leader_json("{\"leader\": null}"), std::nullopt);
}

lab::ProbeResult answered(const std::string& address, std::int64_t t_ms, std::optional<std::string> answer) {
  return lab::ProbeResult{ip(address), std::move(answer), answer ? "" : "timeout", t_ms - 5, t_ms};
}

TEST(PlaceChanges, CountsAnotherAnswerButNotATimeoutAndItsReturn) {
  std::vector<lab::ProbeResult> changes{
      answered("198.51.100.10", 100, std::nullopt), answered("198.51.100.10", 110, "n0 eth1"),
      answered("198.51.100.11", 120, "n2 eth1"), answered("198.51.100.11", 5000, "n1 eth1")};
  auto moved = place_changes(changes, {{ip("198.51.100.10"), "n0 eth1"}, {ip("198.51.100.11"), "n1 eth1"}}, 50, 1000);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].ip, "198.51.100.11");
  EXPECT_EQ(moved[0].from, "n1 eth1");
  EXPECT_EQ(moved[0].to, "n2 eth1");
  EXPECT_EQ(moved[0].t_ms, 70);
}

lab::LabStatus two_node_status(const std::string& holder_of_g0, const std::string& interface) {
  lab::LabStatus status;
  for (std::string name : {"n0", "n1"})
    status.nodes.push_back(lab::NodeState{name, "", true, {}, false, {1, true}, {}});
  status.public_ips.push_back(
      lab::PublicIpState{{*IpPrefix::parse("198.51.100.10/24"), "g0", "eth1"}, {{holder_of_g0, interface, true}}});
  status.public_ips.push_back(
      lab::PublicIpState{{*IpPrefix::parse("198.51.100.11/24"), "g1", "eth1"}, {{"n1", "eth1", true}}});
  return status;
}

TEST(Settled, WhenEveryIpIsOnItsPreferredInterfaceAsTheProberHearsIt) {
  std::map<IpAddress, std::string> answers{{ip("198.51.100.10"), "n0 eth1"}, {ip("198.51.100.11"), "n1 eth1"}};
  EXPECT_EQ(unsettled_reason(two_node_status("n0", "eth1"), answers), std::nullopt);
}

TEST(Settled, NotWhileAnIpIsOnItsOtherInterface) {
  std::map<IpAddress, std::string> answers{{ip("198.51.100.10"), "n0 eth2"}, {ip("198.51.100.11"), "n1 eth1"}};
  EXPECT_TRUE(unsettled_reason(two_node_status("n0", "eth2"), answers));
}

TEST(Settled, NotWhileTheProberHeardAnotherPlace) {
  std::map<IpAddress, std::string> answers{{ip("198.51.100.10"), "n1 eth1"}, {ip("198.51.100.11"), "n1 eth1"}};
  EXPECT_TRUE(unsettled_reason(two_node_status("n0", "eth1"), answers));
}

TEST(Settled, NotWhileOneNodeHoldsTwoGroupsMoreThanAnother) {
  auto status = two_node_status("n1", "eth1");
  status.nodes.push_back(lab::NodeState{"n2", "", true, {}, false, {1, true}, {}});
  status.public_ips.push_back(
      lab::PublicIpState{{*IpPrefix::parse("198.51.100.12/24"), "g2", "eth1"}, {{"n1", "eth1", true}}});
  std::map<IpAddress, std::string> answers{
      {ip("198.51.100.10"), "n1 eth1"}, {ip("198.51.100.11"), "n1 eth1"}, {ip("198.51.100.12"), "n1 eth1"}};
  auto reason = unsettled_reason(status, answers);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("unbalanced"), std::string::npos);
}

}  // namespace
}  // namespace tandem::bench
