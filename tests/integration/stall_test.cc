// A daemon that stops running while its kernel keeps the addresses: stalled (SIGSTOP, as a
// hung loop or a page-in storm would) or killed with nothing running `--release-all` (no
// systemd). The leader gives its groups away after the lease; the kernel's serving limit
// (docs/design/cluster.md, "The kernel's bound") must have made the node's addresses fall
// silent by then, so that the wire never shows one IP answered by two nodes.
#include <iostream>
#include <thread>

#include "lab/arp_watcher.h"
#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

// 3 x LeaseTimeoutMs at its default (800 ms).
constexpr milliseconds kStall{2400};

class StoppedDaemon : public WatchedLabTest {
 protected:
  // Brings the lab up and starts the ARP watcher once the wire agrees with the client.
  void bring_up_watched() {
    ASSERT_NO_FATAL_FAILURE(bring_up());
    ASSERT_NO_FATAL_FAILURE(start_watcher());
    const GroupPlaces before = groups_from_client();
    ASSERT_TRUE(wait_until(2000ms, [&] { return wire_agrees(*watcher_, before); }))
        << "the wire disagrees with the client before the fault";
  }

  // A group and the node serving it, which is not the leader (the leader holds the
  // cluster lock, so while it stalls nobody else may lead and move anything).
  std::pair<std::string, std::string> follower_group() const {
    const std::string leader = leader_seen_by("n0");
    for (const auto& [group, node] : groups_from_client()) {
      if (node != leader && !node.empty()) return {group, node};
    }
    return {"", ""};
  }

  // The group `group` is whole on a node other than `node`, as the client sees it.
  bool moved_away(const std::string& group, const std::string& node) const {
    const GroupPlaces places = groups_from_client();
    auto found = places.find(group);
    return found != places.end() && !found->second.empty() && found->second != node;
  }

  void expect_no_ip_on_two_nodes() const {
    EXPECT_FALSE(watcher_->failure()) << watcher_->failure()->message();
    EXPECT_GT(watcher_->replies(), watcher_->rounds()) << "the watcher heard too little to judge";
    const auto conflicts = watcher_->conflicts();
    EXPECT_TRUE(conflicts.empty()) << "rounds with an IP on two nodes:" << conflicts_text(conflicts);
  }
};

TEST_F(StoppedDaemon, AHolderStoppedForThreeLeasesFallsSilentBeforeItsGroupAnswersElsewhere) {
  ASSERT_NO_FATAL_FAILURE(bring_up_watched());
  const auto [group, node] = follower_group();
  ASSERT_FALSE(group.empty()) << places_text(groups_from_client());

  ASSERT_TRUE(lab().pause(node).ok());
  const std::int64_t stopped_ms = lab::monotonic_ms();
  const bool moved = wait_until(kStall, [&] { return moved_away(group, node); });
  const std::int64_t moved_ms = lab::monotonic_ms() - stopped_ms;
  const std::vector<std::string> kept = addresses_on(node);  // while still stopped
  const std::int64_t left_ms = kStall.count() - (lab::monotonic_ms() - stopped_ms);
  if (left_ms > 0) std::this_thread::sleep_for(milliseconds(left_ms));
  auto resumed = lab().resume(node);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message();
  EXPECT_TRUE(moved) << group << " did not answer from another node while " << node
                     << " was stopped: " << places_text(groups_from_client());
  EXPECT_FALSE(kept.empty()) << "the stopped node's kernel should still have had its addresses";
  std::cout << "[ INFO     ] " << group << " answered from another node " << moved_ms << " ms after SIGSTOP\n";

  auto settled = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return p.at(group) != node; });
  EXPECT_TRUE(settled) << "after SIGCONT: " << places_text(groups_from_client());
  EXPECT_TRUE(wait_until(kNodeMoveLimit,
                         [&] {
                           for (const auto& entry : addresses_on(node)) {
                             for (const auto& address : group_ips(group)) {
                               if (entry.rfind(address.to_string() + " ", 0) == 0) return false;
                             }
                           }
                           return true;
                         }))
      << node << " kept " << group << "'s addresses after it ran again";
  expect_no_ip_on_two_nodes();
}

TEST_F(StoppedDaemon, AHolderKilledWithoutReleaseAllFallsSilentAndItsGroupAnswersElsewhere) {
  ASSERT_NO_FATAL_FAILURE(bring_up_watched());
  const auto [group, node] = follower_group();
  ASSERT_FALSE(group.empty()) << places_text(groups_from_client());

  ASSERT_TRUE(lab().kill_alone(node).ok());
  auto moved = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  EXPECT_TRUE(moved) << "groups: " << places_text(groups_from_client());
  EXPECT_FALSE(addresses_on(node).empty()) << "nothing removed them: only the serving limit keeps them silent";
  // A few more seconds of the wire with the dead node's addresses still in its kernel.
  const std::uint64_t until = watcher_->rounds() + 100;
  EXPECT_TRUE(wait_until(kNodeMoveLimit, [&] { return watcher_->rounds() >= until; }));
  for (const auto& address : group_ips(group)) {
    EXPECT_EQ(watcher_->owners_now(address).count(node), 0u) << address << " still answers from " << node;
  }
  expect_no_ip_on_two_nodes();
}

}  // namespace
}  // namespace tandem::integration
