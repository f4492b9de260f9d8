// Failover as a client sees it: a NIC down, both NICs of a node down, a NIC back, a power
// loss, a daemon crash. 3 nodes x 2 public interfaces x 3 groups; group g<i> is
// 198.51.100.(10+i)@eth1 and 203.0.113.(10+i)@eth2.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

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
