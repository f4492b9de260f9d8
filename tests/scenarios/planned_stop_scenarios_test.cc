// Scenarios: planned stops (SIGTERM: systemctl stop, a planned reboot). The stopping node
// releases with its hooks and says so; its groups move at once, not after its lease.
#include <gtest/gtest.h>

#include <algorithm>

#include "scenario.h"

namespace tandem::sim {
namespace {

using namespace std::chrono_literals;

// Well under DeadTimeout (500 ms), let alone DeadTimeout + the lease span of a crash.
constexpr Duration kPromptly = 300ms;

std::vector<IpAddress> addresses_on(Scenario& s, NodeId node) {
  std::vector<IpAddress> found;
  for (const auto& held : s.world().node(node.value()).kernel.held()) found.push_back(held.prefix.address);
  return found;
}

// Every one of `addresses` is on exactly one node, and not on `from`.
bool all_moved(Scenario& s, const std::vector<IpAddress>& addresses, NodeId from) {
  return std::all_of(addresses.begin(), addresses.end(), [&](const IpAddress& address) {
    const auto holders = s.world().holders(address);
    return holders.size() == 1 && holders[0] != from.value();
  });
}

// Runs in 1 ms steps until `addresses` have left `from`; how long that took (nullopt: not
// within `limit`).
std::optional<Duration> time_to_move(Scenario& s, const std::vector<IpAddress>& addresses, NodeId from,
                                     Duration limit) {
  const TimePoint start = s.world().now();
  if (!s.run_until([&] { return all_moved(s, addresses, from); }, limit, 1ms)) return std::nullopt;
  return s.world().now() - start;
}

bool ran_hook(Scenario& s, NodeId node, HookEvent event, const std::string& first_argument, TimePoint since) {
  const auto& hooks = s.world().hook_history();
  return std::any_of(hooks.begin(), hooks.end(), [&](const HookRecord& hook) {
    return hook.node == node.value() && hook.event == event && hook.at >= since && !hook.arguments.empty() &&
           hook.arguments[0] == first_argument;
  });
}

NodeId follower_with_addresses(Scenario& s) {
  for (NodeId node : s.nodes()) {
    if (node != s.leader() && !addresses_on(s, node).empty()) return node;
  }
  ADD_FAILURE() << "no follower holds an address";
  return NodeId(0);
}

double ms_of(Duration span) { return std::chrono::duration<double, std::milli>(span).count(); }

TEST(PlannedStop, MovesAFollowersGroupsWellUnderTheDeadTimeoutAfterItsHooksRan) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 21});
  s.run_for(2s).expect_all_groups_hosted();
  const NodeId node = follower_with_addresses(s);
  const std::vector<IpAddress> addresses = addresses_on(s, node);
  const TimePoint stopped_at = s.world().now();
  s.shutdown(node);
  const auto took = time_to_move(s, addresses, node, kPromptly);
  ASSERT_TRUE(took) << "not moved within " << ms_of(kPromptly) << " ms";
  RecordProperty("planned_stop_ms", std::to_string(ms_of(*took)));
  for (const auto& address : addresses) {
    const NodeId host(s.world().holders(address)[0]);
    const auto removed = s.last_removed(address, node);
    ASSERT_TRUE(removed && *s.last_added(address, host) > *removed) << address << ": taken before it was released";
    EXPECT_TRUE(ran_hook(s, node, HookEvent::kReleaseIp, "eth1", stopped_at) ||
                ran_hook(s, node, HookEvent::kReleaseIp, "eth2", stopped_at));
  }
  for (const auto& group : s.world().layout().groups) {
    if (std::find(addresses.begin(), addresses.end(), group.members[0].address) == addresses.end()) continue;
    EXPECT_TRUE(ran_hook(s, node, HookEvent::kReleaseGroup, group.name.value(), stopped_at)) << group.name;
  }
  EXPECT_TRUE(s.run_until([&] { return !s.is_running(node); }, 1s)) << "the daemon exits once the leader knows";
  s.expect_all_groups_hosted();
  s.start(node).run_for(3s).expect_all_groups_hosted().expect_converged();
}

TEST(PlannedStop, OfTheLeaderMovesItsGroupsAndANewLeaderIsElectedBeforeTheDeadTimeout) {
  Scenario s({.nodes = 5, .interfaces = 2, .groups = 10, .group_size = 2, .seed = 22});
  s.run_for(2s).expect_all_groups_hosted();
  const auto old_leader = s.leader();
  ASSERT_TRUE(old_leader);
  const std::vector<IpAddress> addresses = addresses_on(s, *old_leader);
  ASSERT_FALSE(addresses.empty());
  const TimePoint stopped_at = s.world().now();
  s.shutdown(*old_leader);
  const auto took = time_to_move(s, addresses, *old_leader, kPromptly);
  ASSERT_TRUE(took) << "not moved within " << ms_of(kPromptly) << " ms";
  RecordProperty("planned_stop_ms", std::to_string(ms_of(*took)));
  // Its last heartbeats say that it leads no more: the others need not wait DeadTimeout.
  EXPECT_TRUE(s.run_until([&] { return s.leader() && *s.leader() != *old_leader; },
                          500ms - (s.world().now() - stopped_at), 1ms));
  EXPECT_TRUE(s.run_until([&] { return !s.is_running(*old_leader); }, 2s));
  s.run_for(2s).expect_all_groups_hosted().expect_converged();
}

TEST(PlannedStop, OfTheLeaderWithoutALockElectsByVoteAndMovesItsGroups) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 23, .cluster_lock = false});
  s.run_for(4s).expect_all_groups_hosted();
  const auto old_leader = s.leader();
  ASSERT_TRUE(old_leader);
  const std::vector<IpAddress> addresses = addresses_on(s, *old_leader);
  s.shutdown(*old_leader);
  ASSERT_TRUE(time_to_move(s, addresses, *old_leader, kPromptly));
  EXPECT_TRUE(s.run_until([&] { return s.leader() && *s.leader() != *old_leader; }, 2s));
  s.run_for(3s).expect_all_groups_hosted().expect_converged();
}

TEST(PlannedStop, ALostFinalReportFallsBackToTheLeaseWait) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 24});
  s.run_for(2s);
  const NodeId node = follower_with_addresses(s);
  const std::vector<IpAddress> addresses = addresses_on(s, node);
  s.cut(node, *s.leader()).shutdown(node);  // nothing it says reaches the leader
  EXPECT_FALSE(time_to_move(s, addresses, node, kPromptly));
  EXPECT_TRUE(time_to_move(s, addresses, node, 3s)) << "the leader waited out the lease";
  s.heal().run_for(3s).expect_all_groups_hosted();
}

TEST(PlannedStop, EveryNodeStoppedAndStartedInTurnKeepsTheClusterHosted) {
  Scenario s({.nodes = 3, .interfaces = 2, .groups = 6, .group_size = 2, .seed = 25});
  s.run_for(2s);
  for (NodeId node : s.nodes()) {
    s.shutdown(node);
    ASSERT_TRUE(s.run_until([&] { return !s.is_running(node); }, 2s));
    s.run_for(100ms).expect_all_groups_hosted();
    s.start(node).run_for(2s).expect_all_groups_hosted();
  }
  s.expect_converged();
}

}  // namespace
}  // namespace tandem::sim
