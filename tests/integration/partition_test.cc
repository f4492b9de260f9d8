// A partition as the wire sees it: the minority releases before the majority takes, so no
// public IP is ever answered by two nodes (ARP, from the client), and healing converges.
#include <iostream>

#include "lab/arp_watcher.h"
#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::ArpWatcher;

class Partition : public WatchedLabTest {
 protected:
  // Where the wire says each IP is, in the latest answered round: "n1" or "n0+n1".
  std::string wire_text() const {
    std::string text;
    for (const auto& address : lab().public_ips()) {
      std::string owners;
      for (const auto& owner : watcher_->owners_now(address)) owners += (owners.empty() ? "" : "+") + owner;
      text += address.to_string() + "=" + owners + " ";
    }
    return text;
  }
};

// The watcher's own check: without daemons, one IP put on two nodes by hand must show.
TEST_F(Partition, TheArpWatcherSeesAnIpConfiguredOnTwoNodesInOneRound) {
  lab::LabOptions options = lab_options();
  options.group_count = 1;
  ASSERT_NO_FATAL_FAILURE(bring_up_network_only(options));
  const IpAddress address = ip("198.51.100.10");
  ASSERT_TRUE(lab().ip("n0", {"addr", "add", "198.51.100.10/24", "dev", "eth1"}).ok());
  ASSERT_NO_FATAL_FAILURE(start_watcher());
  EXPECT_TRUE(wait_until(2000ms, [&] { return watcher_->owners_now(address) == std::set<std::string>{"n0"}; }))
      << wire_text();
  EXPECT_TRUE(watcher_->conflicts().empty());

  ASSERT_TRUE(lab().ip("n1", {"addr", "add", "198.51.100.10/24", "dev", "eth2"}).ok());
  EXPECT_TRUE(wait_until(2000ms, [&] { return !watcher_->conflicts().empty(); })) << wire_text();
  auto conflicts = watcher_->conflicts();
  ASSERT_FALSE(conflicts.empty());
  EXPECT_EQ(conflicts.front().address, address);
  EXPECT_EQ(conflicts.front().owners, (std::set<std::string>{"n0", "n1"}));

  ASSERT_TRUE(lab().ip("n0", {"addr", "del", "198.51.100.10/24", "dev", "eth1"}).ok());
  EXPECT_TRUE(wait_until(2000ms, [&] { return watcher_->owners_now(address) == std::set<std::string>{"n1"}; }))
      << wire_text();
}

TEST_F(Partition, AMinorityNodeReleasesTheMajorityTakesOverAndNoIpIsEverAnsweredByTwoNodes) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_NO_FATAL_FAILURE(start_watcher());
  const std::string minority = "n0";
  const GroupPlaces before = groups_from_client();
  ASSERT_TRUE(wait_until(2000ms, [&] { return wire_agrees(*watcher_, before); }))
      << "the wire disagrees with the client before the partition: " << wire_text();

  ASSERT_TRUE(lab().partition({minority}).ok());
  EXPECT_TRUE(wait_until(kNodeMoveLimit, [&] { return addresses_on(minority).empty(); }))
      << minority << " kept " << testing::PrintToString(addresses_on(minority)) << " while cut off";
  auto split =
      wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, minority); });
  EXPECT_TRUE(split) << "during the partition, groups: " << places_text(groups_from_client());
  EXPECT_TRUE(addresses_on(minority).empty()) << "the minority took an IP again";

  ASSERT_TRUE(lab().heal().ok());
  const std::int64_t healed_ms = lab::monotonic_ms();
  auto healed = wait_for_groups(2 * kNodeMoveLimit, [&](const GroupPlaces& p) { return is_balanced(p); });
  EXPECT_TRUE(healed) << "after heal, " << minority << " serves nothing again: " << places_text(groups_from_client());
  std::cout << "[ INFO     ] one group per node again " << lab::monotonic_ms() - healed_ms << " ms after heal\n";
  EXPECT_EQ(groups_from_kernel(), groups_from_client());
  const std::string leader = leader_seen_by("n1");
  for (const auto& node : nodes()) EXPECT_EQ(leader_seen_by(node), leader) << node << " after heal";

  EXPECT_FALSE(watcher_->failure()) << watcher_->failure()->message();
  EXPECT_GT(watcher_->replies(), watcher_->rounds()) << "the watcher heard too little to judge";
  auto conflicts = watcher_->conflicts();
  EXPECT_TRUE(conflicts.empty()) << conflicts.size() << " rounds with an IP on two nodes:" << conflicts_text(conflicts);
}

}  // namespace
}  // namespace tandem::integration
