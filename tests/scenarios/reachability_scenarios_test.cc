// Scenarios: a dead path behind a live carrier (a switch port that forwards nothing), found
// by the reachability probes (src/cluster/reachability.h) and failed over like a link down.
#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

// Three nodes with two interfaces each, every interface probing its gateway; groups of two
// IPs, IP 0 prefers eth1, IP 1 eth2. At the defaults (200 ms, 3 misses, 2 successes) a
// dead path is found within (3 + 1) x 200 ms.
ScenarioOptions probed(std::uint64_t seed, bool probes = true) {
  return {.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = seed, .probes = probes};
}

TEST(DeadPath, ASilentLinkMovesItsIpToTheNodesOtherInterface) {
  Scenario s(probed(1));
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId node = *s.node_hosting("target1");
  s.silence(node, "eth1").run_for(500ms);  // fewer than ProbeMisses rounds: nothing yet
  s.expect_ip_on_interface(s.ip("target1", 0), node, "eth1");
  s.run_for(400ms);  // (ProbeMisses + 1) x ProbeIntervalMs since the silence
  s.expect_group_on("target1", node).expect_ip_on_interface(s.ip("target1", 0), node, "eth2");
  s.run_for(2s).expect_group_on("target1", node).expect_converged();
}

TEST(DeadPath, TheIpReturnsWhenThePathForwardsAgain) {
  Scenario s(probed(2));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.silence(node, "eth1").run_for(1s).expect_ip_on_interface(s.ip("target1", 0), node, "eth2");
  s.silence(node, "eth1", false).run_for(1s);
  s.expect_ip_on_interface(s.ip("target1", 0), node, "eth1").expect_ip_on_interface(s.ip("target1", 1), node, "eth2");
  s.expect_converged();
}

TEST(DeadPath, BothPathsSilentMoveTheGroupWholeToAnotherNode) {
  Scenario s(probed(3));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.silence(node, "eth1").silence(node, "eth2").run_for(4s);
  s.expect_group_not_on("target1", node).expect_all_groups_hosted().expect_converged();
}

TEST(DeadPath, IsNotSeenWithoutProbes) {
  Scenario s(probed(4, false));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.silence(node, "eth1").run_for(2s);
  s.expect_ip_on_interface(s.ip("target1", 0), node, "eth1");
}

TEST(DeadPath, StatusGivesTheReasonALinkIsDown) {
  Scenario s(probed(5));
  s.run_for(2s);
  const NodeId node = *s.node_hosting("target1");
  s.silence(node, "eth1").link_down(node, "eth2").run_for(1s);
  const proto::StatusReply status = s.status(node);
  const auto& reasons = status.nodes.at(node.value()).link_reasons;
  EXPECT_EQ(reasons.at(InterfaceName("eth2")), "no carrier");
  EXPECT_EQ(reasons.at(InterfaceName("eth1")).rfind("no reply from 192.0.2.", 0), 0u)
      << reasons.at(InterfaceName("eth1"));
}

}  // namespace
}  // namespace tandem::sim
