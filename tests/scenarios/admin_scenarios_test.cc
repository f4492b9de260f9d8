// Scenarios: admin commands, bans and monitor failures.
#include <gtest/gtest.h>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

proto::AdminCommand move_group(std::string group, NodeId to) {
  proto::AdminCommand command;
  command.kind = proto::AdminCommandKind::kMoveGroup;
  command.group = GroupName(std::move(group));
  command.node = to;
  return command;
}

NodeId another_node(const Scenario& s, NodeId than) {
  for (NodeId node : s.nodes()) {
    if (node != than) return node;
  }
  return than;
}

TEST(Admin, MoveGroupMovesTheWholeGroupToTheNamedNode) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 21});
  s.run_for(2s);
  const NodeId from = *s.node_hosting("target1");
  const NodeId to = another_node(s, from);
  const auto reply = s.admin(from, move_group("target1", to));
  EXPECT_TRUE(reply.ok) << reply.message;
  s.run_for(1s).expect_group_on("target1", to).expect_all_groups_hosted();
}

TEST(Admin, MoveIpMovesItsGroupWithIt) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 22});
  s.run_for(2s);
  const NodeId from = *s.node_hosting("target2");
  const NodeId to = another_node(s, from);
  proto::AdminCommand command;
  command.kind = proto::AdminCommandKind::kMoveIp;
  command.address = s.ip("target2", 1);
  command.node = to;
  const auto reply = s.admin(to, command);
  EXPECT_TRUE(reply.ok) << reply.message;
  s.run_for(1s).expect_group_on("target2", to);
}

// The node must give its groups up (it is disabled) but its kernel refuses every removal:
// each takeover run fails on it, and after BanCreditsMax failures it is banned. Once its
// kernel works again, its lease lapses and it releases; the groups move without overlap.
TEST(Admin, ANodeThatCannotReleaseIsBanned) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 23});
  s.run_for(2s);
  const NodeId stuck = *s.node_hosting("target1");
  s.fail_removals(stuck);
  proto::AdminCommand disable;
  disable.kind = proto::AdminCommandKind::kDisable;
  disable.node = stuck;
  (void)s.admin(another_node(s, stuck), disable);
  EXPECT_TRUE(s.run_until([&] { return s.is_banned(stuck); }, 8s));
  s.expect_banned(stuck).heal_kernel(stuck).run_for(3s);
  s.expect_group_not_on("target1", stuck).expect_all_groups_hosted();
}

TEST(Admin, MonitorFailureMovesTheNodesGroupsAway) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 24});
  s.run_for(2s);
  const NodeId sick = *s.node_hosting("target1");
  s.fail_hook(sick, HookEvent::kMonitor).run_for(3s);
  s.expect_group_not_on("target1", sick).expect_all_groups_hosted().expect_converged();
}

}  // namespace
}  // namespace tandem::sim
