// Failover as a client sees it: a NIC down, both NICs of a node down, a NIC back, a power
// loss, a daemon crash. 3 nodes x 2 public interfaces x 3 groups; group g<i> is
// 198.51.100.(10+i)@eth1 and 203.0.113.(10+i)@eth2.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::answer_not_from;
using lab::FailoverClock;

class Failover : public LabTest {};

TEST_F(Failover, OneNicDownKeepsTheGroupOnItsNodeAndTheIpAnswersOnTheOtherNic) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const IpAddress moved = ip("198.51.100.10");
  const IpAddress kept = ip("203.0.113.10");
  auto before = probe().latest(moved);
  ASSERT_TRUE(before && before->answer);
  const std::string node = node_of(*before->answer);
  ASSERT_EQ(*before->answer, node + " eth1") << "an IP starts on its preferred interface";

  ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
  FailoverClock clock(probe());
  clock.mark_fault();
  auto answered = clock.wait(moved, kInterfaceMoveLimit, answer_is(node + " eth2"));
  ASSERT_TRUE(answered.ok()) << answered.error().message();

  auto places = wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; });
  ASSERT_TRUE(places) << "g0 left " << node << " or split: " << places_text(groups_from_client());
  EXPECT_EQ(probe().latest(kept)->answer, node + " eth2");
  EXPECT_EQ(groups_from_kernel().at("g0"), node);
}

TEST_F(Failover, BothNicsOfANodeDownMoveItsGroupWholeToOneOtherNode) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g0");

  ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
  ASSERT_TRUE(lab().nic_down(node, "eth2").ok());
  FailoverClock clock(probe());
  clock.mark_fault();
  auto answered = clock.wait_all(group_ips("g0"), kNodeMoveLimit, answer_not_from(node));
  ASSERT_TRUE(answered.ok()) << answered.error().message();

  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  const std::string other = places->at("g0");
  for (const auto& address : group_ips("g0")) {
    EXPECT_EQ(node_of(*probe().latest(address)->answer), other) << address;
  }
  EXPECT_EQ(groups_from_kernel().at("g0"), other);
}

TEST_F(Failover, ANicBackRestoresThePreferredInterface) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const IpAddress address = ip("198.51.100.10");
  const std::string node = groups_from_client().at("g0");
  ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
  FailoverClock down(probe());
  down.mark_fault();
  ASSERT_TRUE(down.wait(address, kInterfaceMoveLimit, answer_is(node + " eth2")).ok());

  ASSERT_TRUE(lab().nic_up(node, "eth1").ok());
  FailoverClock up(probe());
  up.mark_fault();
  auto answered = up.wait(address, kInterfaceMoveLimit, answer_is(node + " eth1"));
  ASSERT_TRUE(answered.ok()) << answered.error().message();
  ASSERT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }));
  EXPECT_EQ(probe().latest(address)->answer, node + " eth1");
  auto on_node = addresses_on(node);
  EXPECT_NE(std::find(on_node.begin(), on_node.end(), "198.51.100.10 eth1"), on_node.end());
  EXPECT_EQ(std::find(on_node.begin(), on_node.end(), "198.51.100.10 eth2"), on_node.end()) << "left behind on eth2";
}

// A cable plugged back in costs clients nothing: the IP is added and announced on its
// preferred interface before it leaves the other (make-before-break). Removed first, it
// was missing for a moment, and a probe failed in 1 or 2 of 10 returns.
//
// What counts is the network: every probe's connection is made. A probe whose handshake
// finished but whose line came late (lab::kLateAnswer) is the node's probe listener, a
// user-space process, not being run in time on a loaded machine (load 12 on 2 cores): in
// tcpdump captures in the client's namespace, the 2 failed runs of 6 had their SYN-ACK
// from the preferred interface within 0.1 ms and their line 100-140 ms later, together with
// every other probe's line of that moment; one of them came 1.4 s after the return, long
// after the move. Late answers are printed, not failed.
class FailoverReturn : public WatchedLabTest {};

TEST_F(FailoverReturn, ANicBackCostsTheClientNoProbeInTenReturns) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_NO_FATAL_FAILURE(start_watcher());
  const IpAddress address = ip("198.51.100.10");
  const std::string node = groups_from_client().at("g0");
  int late = 0;
  for (int round = 0; round < 10; ++round) {
    ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
    FailoverClock down(probe());
    down.mark_fault();
    ASSERT_TRUE(down.wait(address, kInterfaceMoveLimit, answer_is(node + " eth2")).ok()) << "round " << round;
    // Longer than the announcements of a move and a neighbour entry's locktime (1 s).
    ASSERT_TRUE(probe().wait_until_stable(2000ms, kInterfaceMoveLimit)) << "round " << round;

    ASSERT_TRUE(lab().nic_up(node, "eth1").ok());
    FailoverClock up(probe());
    up.mark_fault();
    auto answered = up.wait(address, kInterfaceMoveLimit, answer_is(node + " eth1"));
    ASSERT_TRUE(answered.ok()) << "round " << round << ": " << answered.error().message();
    ASSERT_TRUE(probe().wait_until_stable(2000ms, kInterfaceMoveLimit)) << "round " << round;
    const std::int64_t end_ms = lab::monotonic_ms() - 1000;
    std::string seen;  // what the client saw meanwhile, for the failure message
    for (const auto& change : probe().changes()) {
      if (change.address != address || change.attempt_start_ms < up.fault_ms() || change.attempt_start_ms >= end_ms) {
        continue;
      }
      seen += " +" + std::to_string(change.attempt_start_ms - up.fault_ms()) + " ms: " + change.outcome() + ";";
    }
    const int unreached = probe().unreached_between(address, up.fault_ms(), end_ms);
    EXPECT_EQ(unreached, 0) << "round " << round << ": a probe found no path while " << address
                            << " returned to eth1; seen:" << seen;
    late += probe().failures_between(address, up.fault_ms(), end_ms) - unreached;
  }
  std::cout << "[ INFO     ] " << late << " probes connected but answered late (the listener, not the network)\n";
  auto conflicts = watcher_->conflicts();
  EXPECT_TRUE(conflicts.empty()) << conflicts.size() << " rounds with an IP on two nodes:" << conflicts_text(conflicts);
}

TEST_F(Failover, ANodeCrashMovesEachOfItsGroupsWholeToOtherNodes) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g1");

  ASSERT_TRUE(lab().crash(node).ok());
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  GroupPlaces kernel = groups_from_kernel();
  EXPECT_EQ(kernel, *places) << "the kernel: " << places_text(kernel);
}

TEST_F(Failover, ADaemonKillMovesItsGroupsAndItsNodeKeepsNoPublicAddress) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g2");

  ASSERT_TRUE(lab().kill(node).ok());
  auto left = addresses_on(node);
  EXPECT_TRUE(left.empty()) << "after --release-all, " << node << " still has " << testing::PrintToString(left);
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  EXPECT_EQ(groups_from_kernel(), *places);
  EXPECT_TRUE(addresses_on(node).empty());
}

}  // namespace
}  // namespace tandem::integration

namespace tandem::integration {
namespace {

// CTDB's event scripts must run unchanged: `updateip OLD_INTERFACE NEW_INTERFACE IP MASKBITS`.
TEST_F(Failover, AnInterfaceMoveRunsUpdateIpWithCtdbsArguments) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g0");
  const std::string dir = "/run/" + prefix_ + "/" + node;
  {
    std::ofstream hook(dir + "/events.d/10.record");
    hook << "#!/bin/sh\necho \"$@\" >> " << dir << "/hooks.txt\n";
  }
  ::chmod((dir + "/events.d/10.record").c_str(), 0755);

  ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
  const auto recorded = [&] {
    std::ifstream in(dir + "/hooks.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (line == "updateip eth1 eth2 198.51.100.10 24") return true;
    }
    return false;
  };
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, recorded)) << "no updateip line in " << dir << "/hooks.txt";
}

}  // namespace
}  // namespace tandem::integration
