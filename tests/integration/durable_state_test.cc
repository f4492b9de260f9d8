// Durable state against a real cluster (docs/design/cluster.md, "Durable state"): a pin
// set by movegroup outlives the leader's crash, and a cluster restarted whole leads a
// newer epoch than it ever led before.
#include <fstream>
#include <sstream>

#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

class DurableState : public LabTest {
 protected:
  std::uint64_t epoch_seen_by(const std::string& node) const {
    return tandem_json(node, {"status"}).value("epoch", std::uint64_t{0});
  }
  std::string durable_file_of(const std::string& node) const {
    const auto& planned = plan().nodes.at(static_cast<std::size_t>(std::stoi(pnn_of(node))));
    std::ifstream in(planned.paths.state + "/durable_state");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Every node follows one leader, other than `not_this` ("" for any); gives it.
  std::string wait_for_one_leader(const std::vector<std::string>& followers, const std::string& not_this) const {
    std::string elected;
    const bool agreed = wait_until(kNodeMoveLimit, [&] {
      elected = leader_seen_by(followers.front());
      if (elected.empty() || elected == not_this) return false;
      for (const auto& node : followers) {
        if (leader_seen_by(node) != elected) return false;
      }
      return true;
    });
    return agreed ? elected : "";
  }
};

// Both groups of the followers are pinned on one of them, X, which then has two groups and
// the other follower none: a rebalance would even that out, the pins forbid it. The leader
// crashes and comes back; the next leader must keep both groups on X.
TEST_F(DurableState, APinnedGroupStaysWhereItWasPutWhenTheLeaderCrashesAndReturns) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string leader = wait_for_one_leader(nodes(), "");
  ASSERT_FALSE(leader.empty());
  const auto followers = nodes_but(leader);
  const std::string emptied = followers.front();
  const std::string pinned_on = followers.back();
  const GroupPlaces before = groups_from_client();
  std::vector<std::string> moved;
  for (const auto& [group, node] : before) {
    if (node == emptied || node == pinned_on) moved.push_back(group);
  }
  ASSERT_EQ(moved.size(), 2u) << places_text(before);
  for (const auto& group : moved) {
    const ToolOutput output = tandem(leader, {"movegroup", group, pnn_of(pinned_on)});
    ASSERT_EQ(output.exit_code, 0) << output.out << output.err;
  }
  auto on_pinned_node = [&](const GroupPlaces& p) {
    return all_whole(p) && p.at(moved[0]) == pinned_on && p.at(moved[1]) == pinned_on;
  };
  ASSERT_TRUE(wait_for_groups(kNodeMoveLimit, on_pinned_node)) << places_text(groups_from_client());

  ASSERT_TRUE(lab().kill(leader).ok());
  const std::string next = wait_for_one_leader(followers, leader);
  ASSERT_FALSE(next.empty()) << "no new leader";
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, leader); });
  ASSERT_TRUE(places) << places_text(groups_from_client());
  EXPECT_TRUE(on_pinned_node(*places)) << "the pins were lost with the leader: " << places_text(*places);

  ASSERT_TRUE(lab().start(leader).ok());
  ASSERT_FALSE(wait_for_one_leader(nodes(), "").empty());
  places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole(p); });
  ASSERT_TRUE(places) << places_text(groups_from_client());
  // Nothing moves the pinned groups now that a node is empty (a rebalance would).
  EXPECT_FALSE(wait_until(3000ms, [&] { return !on_pinned_node(groups_from_client()); }))
      << "a pinned group moved: " << places_text(groups_from_client());
}

TEST_F(DurableState, AClusterRestartedWholeLeadsANewerEpochThanBefore) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_FALSE(wait_for_one_leader(nodes(), "").empty());
  const std::uint64_t before = epoch_seen_by("n0");
  ASSERT_GT(before, 0u);
  EXPECT_NE(durable_file_of("n0").find("epoch " + std::to_string(before) + "\n"), std::string::npos)
      << durable_file_of("n0");

  for (const auto& node : nodes()) ASSERT_TRUE(lab().crash(node).ok()) << node;
  for (const auto& node : nodes()) ASSERT_TRUE(lab().restart(node).ok()) << node;
  ASSERT_FALSE(wait_for_one_leader(nodes(), "").empty());
  ASSERT_TRUE(wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole(p); }))
      << places_text(groups_from_client());
  EXPECT_GT(epoch_seen_by("n0"), before);
}

// A state file cut short is never ours (we rename whole files into place): the daemon
// says which file and what is wrong, and does not start.
TEST_F(DurableState, ADaemonRefusesToStartOnADurableStateFileItCannotTrust) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const auto& planned = plan().nodes.at(2);
  ASSERT_TRUE(lab().kill("n2").ok());
  const std::string path = planned.paths.state + "/durable_state";
  std::ofstream(path, std::ios::trunc) << "version 1\nnode 2\nepoch 3\n";
  ASSERT_TRUE(lab().start("n2").ok());
  auto log_text = [&] {
    std::ifstream in(planned.paths.log);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  const std::string expected = path + ": has no checksum line";
  EXPECT_TRUE(wait_until(5000ms, [&] { return log_text().find(expected) != std::string::npos; }))
      << "no \"" << expected << "\" in the log of n2:\n"
      << log_text();
  EXPECT_NE(tandem("n2", {"status"}).exit_code, 0);  // no daemon answers
}

}  // namespace
}  // namespace tandem::integration
