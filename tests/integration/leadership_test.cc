// Leadership as the tool and a client see it: the leader's crash elects another, and the
// old leader's groups move whole.
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

class Leadership : public LabTest {};

TEST_F(Leadership, ALeaderCrashElectsANewLeaderAndMovesTheOldLeadersGroups) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string leader = leader_seen_by("n0");
  ASSERT_FALSE(leader.empty()) << "n0 follows no leader";
  for (const auto& node : nodes()) EXPECT_EQ(leader_seen_by(node), leader) << node;
  GroupPlaces before = groups_from_client();

  ASSERT_TRUE(lab().crash(leader).ok());
  const auto survivors = nodes_but(leader);
  std::string elected;
  ASSERT_TRUE(wait_until(kNodeMoveLimit,
                         [&] {
                           elected = leader_seen_by(survivors.front());
                           return !elected.empty() && elected != leader && leader_seen_by(survivors.back()) == elected;
                         }))
      << "no new leader that both " << survivors.front() << " and " << survivors.back() << " follow (last seen: \""
      << elected << "\")";

  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, leader); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  for (const auto& [group, node] : before) {
    if (node != leader) {
      EXPECT_EQ(places->at(group), node) << group << " moved though its node " << node << " lives";
    }
  }
  EXPECT_EQ(groups_from_kernel(), *places);
}

}  // namespace
}  // namespace tandem::integration
