// A dead path behind a live carrier: a node's switch port forwards nothing while the node's
// interface keeps its carrier (`tandem-lab deadpath`). The reachability probes
// ([reachability], which the lab configures: each interface probes the client's address on
// its network) find it within (ProbeMisses + 1) x ProbeIntervalMs, and the IP moves to the
// node's other interface as for a pulled cable; after `livepath` it returns. Without probes
// (`tandem-lab up --no-probes`) nothing moves. 3 nodes x 2 public interfaces x 3 groups;
// group g<i> is 198.51.100.(10+i)@eth1 and 203.0.113.(10+i)@eth2.
#include <set>

#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::FailoverClock;

class DeadPath : public WatchedLabTest {
 protected:
  // The watcher credits each ARP reply to "NODE INTERFACE" (by the interface's fixed MAC),
  // so the test sees which NIC answers on the wire; conflicts between two nodes are
  // counted apart from a move between two NICs of one node.
  void start_interface_watcher() {
    lab::ArpWatchOptions options;
    for (const auto& node : plan().nodes) {
      for (const auto& link : node.links) options.owners[link.mac] = node.name + " " + link.interface;
    }
    auto watcher = lab::ArpWatcher::start(plan().client_netns, lab().public_ips(), options);
    ASSERT_TRUE(watcher.ok()) << watcher.error().message();
    watcher_ = std::move(*watcher);
  }

  bool answered_only_by(const IpAddress& address, const std::string& owner) const {
    return watcher_->owners_now(address) == std::set<std::string>{owner};
  }

  std::vector<lab::ArpConflict> node_conflicts() const {
    std::vector<lab::ArpConflict> found;
    for (const auto& conflict : watcher_->conflicts()) {
      std::set<std::string> nodes;
      for (const auto& owner : conflict.owners) nodes.insert(node_of(owner));
      if (nodes.size() > 1) found.push_back(conflict);
    }
    return found;
  }
};

TEST_F(DeadPath, ASilentPortMovesTheIpToTheNodesOtherNicAndLivepathBringsItBack) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_NO_FATAL_FAILURE(start_interface_watcher());
  const IpAddress address = ip("198.51.100.10");
  auto before = probe().latest(address);
  ASSERT_TRUE(before && before->answer);
  const std::string node = node_of(*before->answer);
  ASSERT_EQ(*before->answer, node + " eth1") << "an IP starts on its preferred interface";
  ASSERT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return answered_only_by(address, node + " eth1"); }));

  ASSERT_TRUE(lab().set_path(node, "eth1", false).ok());
  FailoverClock dead(probe());
  dead.mark_fault();
  auto moved = dead.wait(address, kInterfaceMoveLimit, answer_is(node + " eth2"));
  ASSERT_TRUE(moved.ok()) << moved.error().message();
  RecordProperty("moved_ms", std::to_string(moved->duration().count()));  // a figure, not a check
  std::cout << "dead path -> answered from " << node << " eth2 after " << moved->duration().count() << " ms\n";
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return answered_only_by(address, node + " eth2"); }))
      << "the wire never showed " << address << " at " << node << " eth2's MAC";
  EXPECT_EQ(groups_from_kernel().at("g0"), node) << "the group stays on its node";

  const ToolOutput ifaces = tandem(node, {"ifaces", "-n", pnn_of(node)});
  ASSERT_EQ(ifaces.exit_code, 0) << ifaces.err;
  EXPECT_NE(ifaces.out.find("name:eth1 link:down (no reply from 198.51.100.254"), std::string::npos) << ifaces.out;

  ASSERT_TRUE(lab().set_path(node, "eth1", true).ok());
  FailoverClock live(probe());
  live.mark_fault();
  auto returned = live.wait(address, kInterfaceMoveLimit, answer_is(node + " eth1"));
  ASSERT_TRUE(returned.ok()) << returned.error().message();
  RecordProperty("returned_ms", std::to_string(returned->duration().count()));
  std::cout << "live path -> answered from " << node << " eth1 after " << returned->duration().count() << " ms\n";
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return answered_only_by(address, node + " eth1"); }));
  EXPECT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }))
      << places_text(groups_from_client());
  EXPECT_TRUE(node_conflicts().empty()) << conflicts_text(node_conflicts());
}

}  // namespace
}  // namespace tandem::integration
