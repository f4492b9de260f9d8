// Announcements as the wire sees them. A group's holder whose two NICs are pulled and
// plugged back within a second, 20 times: from the client, no node ever announces
// (gratuitous ARP) an address it does not hold at that moment, and no IP is ever answered
// by two nodes. 3 nodes x 2 public interfaces x 3 groups; group g<i> is
// 198.51.100.(10+i)@eth1 and 203.0.113.(10+i)@eth2.
#include <iostream>
#include <thread>

#include "lab/arp_watcher.h"
#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::ArpWatcher;

// How long the holder's NICs stay pulled: within the second the flap must fit in.
constexpr milliseconds kPulled{800};
// An announcement is of an address its node holds if the node answered the watcher's ARP
// probes for it in a round started this close to it (rounds are 20 ms apart; the
// announcement of a take comes just before the node's first answer).
constexpr std::int64_t kHeldBeforeMs = 60;
constexpr std::int64_t kHeldAfterMs = 100;
// How long after its start a round's replies are surely in.
constexpr std::int64_t kRoundsLateMs = 50;

class Announcements : public WatchedLabTest {
 protected:
  // The announcements from `first` on of an address by a node that did not answer for it
  // around that moment, as text; `first` moves past those judged. One is judged only once
  // the rounds after it are in.
  std::string stale_announcements(std::size_t& first) const {
    const auto announcements = watcher_->announcements();
    const auto names = nodes();
    std::string stale;
    for (; first < announcements.size(); ++first) {
      const auto& seen = announcements[first];
      if (seen.t_ms + kHeldAfterMs + kRoundsLateMs > lab::monotonic_ms()) break;
      if (std::find(names.begin(), names.end(), seen.owner) == names.end()) continue;  // not a node's
      if (watcher_->answered_between(seen.address, seen.owner, seen.t_ms - kHeldBeforeMs, seen.t_ms + kHeldAfterMs)) {
        continue;
      }
      stale += "\n  " + seen.owner + " (" + seen.mac + ") announced " + seen.address.to_string() + " at " +
               std::to_string(seen.t_ms) + " ms, not holding it";
    }
    return stale;
  }
};

TEST_F(Announcements, AHolderWhoseNicsFlapNeverAnnouncesAnAddressItDoesNotHoldNorSharesOne) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_NO_FATAL_FAILURE(start_watcher());
  std::size_t judged = 0;
  std::string stale;
  for (int flap = 0; flap < 20; ++flap) {
    GroupPlaces last;
    auto places = wait_for_groups(
        kNodeMoveLimit, [](const GroupPlaces& p) { return all_whole(p); }, &last);
    ASSERT_TRUE(places) << "before flap " << flap << ", groups: " << places_text(last);
    stale += stale_announcements(judged);  // the rounds after them are in (settled above)
    const std::string node = places->at("g0");
    ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
    ASSERT_TRUE(lab().nic_down(node, "eth2").ok());
    std::this_thread::sleep_for(kPulled);
    ASSERT_TRUE(lab().nic_up(node, "eth1").ok());
    ASSERT_TRUE(lab().nic_up(node, "eth2").ok());
  }
  GroupPlaces last;
  EXPECT_TRUE(wait_for_groups(
      kNodeMoveLimit, [](const GroupPlaces& p) { return all_whole(p); }, &last))
      << "after the flaps, groups: " << places_text(last);
  // The last repeats (3 sends, 250 ms apart by default), and the rounds to judge them by.
  std::this_thread::sleep_for(milliseconds(2 * 250 + kHeldAfterMs + kRoundsLateMs));
  stale += stale_announcements(judged);

  EXPECT_FALSE(watcher_->failure()) << watcher_->failure()->message();
  EXPECT_GT(watcher_->replies(), watcher_->rounds()) << "the watcher heard too little to judge";
  std::cout << "[ INFO     ] " << watcher_->announcements().size() << " announcements seen, " << judged << " judged\n";
  EXPECT_GT(judged, 0u) << "no announcement seen: nothing was judged";
  EXPECT_TRUE(stale.empty()) << "stale announcements:" << stale;
  auto conflicts = watcher_->conflicts();
  EXPECT_TRUE(conflicts.empty()) << conflicts.size() << " rounds with an IP on two nodes:" << conflicts_text(conflicts);
}

}  // namespace
}  // namespace tandem::integration
