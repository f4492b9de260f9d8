// The admin commands of the `tandem` tool against a real cluster: each one's effect as a
// client sees it, and the tool's exit codes.
#include <algorithm>
#include <set>

#include "lab/command_runner.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::FailoverClock;

class Admin : public LabTest {
 protected:
  // NODE's flags in the status that `asking` answers with (the leader's view).
  std::vector<std::string> flags_of(const std::string& node, const std::string& asking) const {
    nlohmann::json status = tandem_json(asking, {"status"});
    std::vector<std::string> flags;
    if (!status.contains("nodes")) return flags;
    for (const auto& entry : status["nodes"]) {
      if (entry.value("pnn", -1) != std::stoi(pnn_of(node))) continue;
      for (const auto& flag : entry["flags"]) flags.push_back(flag.get<std::string>());
    }
    return flags;
  }

  bool has_flag(const std::string& node, const std::string& asking, const std::string& flag) const {
    auto flags = flags_of(node, asking);
    return std::find(flags.begin(), flags.end(), flag) != flags.end();
  }

  void expect_exit(const std::string& node, const std::vector<std::string>& arguments, int code) const {
    ToolOutput output = tandem(node, arguments);
    EXPECT_EQ(output.exit_code, code) << "tandem " << testing::PrintToString(arguments) << ": " << output.out
                                      << output.err;
  }
};

TEST_F(Admin, DisableMovesTheNodesGroupsAwayAndEnableRestoresTheBalance) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g0");
  const std::string other = nodes_but(node).front();

  expect_exit(node, {"disable"}, 0);
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return has_flag(node, other, "DISABLED"); }))
      << "flags of " << node << ": " << testing::PrintToString(flags_of(node, other));
  EXPECT_TRUE(addresses_on(node).empty());

  expect_exit(node, {"enable"}, 0);
  places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return is_balanced(p); });
  EXPECT_TRUE(places) << "not back to one group per node: " << places_text(groups_from_client());
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return flags_of(node, other).empty(); }))
      << "flags of " << node << ": " << testing::PrintToString(flags_of(node, other));
}

TEST_F(Admin, MoveIpAndMoveGroupMoveTheWholeGroupToTheNamedNode) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string g0_target = nodes_but(groups_from_client().at("g0")).front();
  expect_exit("n0", {"moveip", "198.51.100.10", pnn_of(g0_target)}, 0);
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == g0_target; });
  ASSERT_TRUE(places) << "moveip to " << g0_target << ", groups: " << places_text(groups_from_client());

  const std::string g1_target = nodes_but(places->at("g1")).back();
  expect_exit("n1", {"movegroup", "g1", pnn_of(g1_target)}, 0);
  places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return p.at("g1") == g1_target; });
  ASSERT_TRUE(places) << "movegroup to " << g1_target << ", groups: " << places_text(groups_from_client());
  EXPECT_EQ(groups_from_kernel(), *places);
}

TEST_F(Admin, BanEmptiesTheNodeAndUnbanLetsItServeAgain) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g0");
  const std::string other = nodes_but(node).front();

  expect_exit(node, {"ban", "30"}, 0);
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return has_flag(node, other, "BANNED"); }))
      << "flags of " << node << ": " << testing::PrintToString(flags_of(node, other));
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return addresses_on(node).empty(); }));

  expect_exit(other, {"unban", "-n", pnn_of(node)}, 0);
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return flags_of(node, other).empty(); }))
      << "flags of " << node << ": " << testing::PrintToString(flags_of(node, other));
  places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return is_balanced(p); });
  EXPECT_TRUE(places) << "the unbanned node serves nothing: " << places_text(groups_from_client());
}

TEST_F(Admin, SetIfaceLinkDownMovesTheIpToTheOtherInterfaceOfTheSameNode) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const IpAddress address = ip("198.51.100.10");
  const std::string node = groups_from_client().at("g0");

  expect_exit(node, {"setifacelink", "eth1", "down"}, 0);
  FailoverClock down(probe());
  down.mark_fault();
  auto answered = down.wait(address, kInterfaceMoveLimit, answer_is(node + " eth2"));
  ASSERT_TRUE(answered.ok()) << answered.error().message();
  EXPECT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }));

  expect_exit(node, {"setifacelink", "eth1", "up"}, 0);
  FailoverClock up(probe());
  up.mark_fault();
  answered = up.wait(address, kInterfaceMoveLimit, answer_is(node + " eth1"));
  EXPECT_TRUE(answered.ok()) << answered.error().message();
}

TEST_F(Admin, TheToolExitsZeroOnSuccessTwoOnBadUsageAndThreeWithoutADaemon) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  expect_exit("n1", {"ipreallocate"}, 0);
  expect_exit("n1", {"frobnicate"}, 2);
  expect_exit("n1", {"ban", "two"}, 2);
  expect_exit("n1", {"moveip", "not-an-address", "1"}, 2);
  expect_exit("n1", {"setifacelink", "eth1", "sideways"}, 2);
  expect_exit("n1", {"getvar", "NoSuchTunable"}, 2);

  lab::Command missing{{tandem_program(), "--socket", plan().state_dir + "/no-such.sock", "status"}};
  auto ran = lab::run_command(missing);
  ASSERT_TRUE(ran.ok()) << ran.error().message();
  EXPECT_EQ(ran->exit_code, 3) << ran->err;
  EXPECT_TRUE(all_whole(groups_from_client())) << "the refused commands changed nothing";
}

}  // namespace
}  // namespace tandem::integration
