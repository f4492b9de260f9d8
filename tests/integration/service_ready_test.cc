// Service-ready ordering as the client sees it: after a node failover, the new holder of a
// group announces the group's addresses (gratuitous ARP, seen by the client's ARP watcher)
// only once its `takegroup` hook has ended, so clients are sent to a service that is ready.
// 3 nodes x 2 public interfaces x 3 groups; group g<i> is 198.51.100.(10+i)@eth1 and
// 203.0.113.(10+i)@eth2. The takegroup hook here sleeps 300 ms (a target being created)
// and records when it ends; before issue 11 the announcement came before it started.
#include <sys/stat.h>
#include <time.h>

#include <fstream>
#include <sstream>

#include "lab/arp_watcher.h"
#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

// The ends of the takegroup hooks, one line each: "GROUP REALTIME_NS".
constexpr const char* kEndsFile = "takegroup-ends.txt";
// Both clocks are read in whole milliseconds: their offset is known to within 2 ms.
constexpr std::int64_t kClockSlackMs = 2;

// Milliseconds to add to a lab::monotonic_ms() reading to get CLOCK_REALTIME (the clock
// `date +%s%N` reads in the hook; every namespace shares both clocks).
std::int64_t realtime_minus_monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t realtime_ms = std::int64_t{now.tv_sec} * 1000 + now.tv_nsec / 1000000;
  return realtime_ms - lab::monotonic_ms();
}

class ServiceReady : public WatchedLabTest {
 protected:
  // On every node: a last event script whose takegroup sleeps 300 ms, then records its end.
  void install_slow_takegroup() const {
    for (const auto& node : plan().nodes) {
      const std::string script = node.paths.events + "/99.slow-takegroup";
      {
        std::ofstream out(script);
        out << "#!/bin/sh\n"
            << "[ \"$1\" = takegroup ] || exit 0\n"
            << "sleep 0.3\n"
            << "echo \"$2 $(date +%s%N)\" >> " << node.paths.dir << "/" << kEndsFile << "\n";
      }
      ASSERT_EQ(::chmod(script.c_str(), 0755), 0) << script;
    }
  }

  // When the last takegroup of `group` on `node` ended (CLOCK_REALTIME, ms), if it ran.
  std::optional<std::int64_t> takegroup_end_ms(const std::string& node, const std::string& group) const {
    std::optional<std::int64_t> end;
    for (const auto& planned : plan().nodes) {
      if (planned.name != node) continue;
      std::ifstream in(planned.paths.dir + "/" + kEndsFile);
      std::string name;
      std::int64_t ns = 0;
      while (in >> name >> ns) {
        if (name == group) end = ns / 1000000;
      }
    }
    return end;
  }
};

TEST_F(ServiceReady, AfterAPowerLossTheNewHolderAnnouncesTheGroupOnlyOnceItsTakegroupEnded) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_NO_FATAL_FAILURE(install_slow_takegroup());
  ASSERT_NO_FATAL_FAILURE(start_watcher());
  const std::string old_node = groups_from_client().at("g0");
  const std::int64_t fault_ms = lab::monotonic_ms();
  ASSERT_TRUE(lab().crash(old_node).ok());

  GroupPlaces last;
  auto places = wait_for_groups(
      kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, old_node); }, &last);
  ASSERT_TRUE(places) << "groups: " << places_text(last);
  const std::string new_node = places->at("g0");
  const auto ended = takegroup_end_ms(new_node, "g0");
  ASSERT_TRUE(ended) << "no takegroup g0 recorded on " << new_node;

  const auto g0 = group_ips("g0");
  std::optional<lab::ArpAnnouncement> first;
  std::size_t count = 0;
  for (const auto& seen : watcher_->announcements()) {
    const bool is_g0 = std::find(g0.begin(), g0.end(), seen.address) != g0.end();
    if (!is_g0 || seen.owner != new_node || seen.t_ms < fault_ms) continue;
    ++count;
    if (!first) first = seen;
  }
  ASSERT_TRUE(first) << "no announcement of g0 by " << new_node << " after the power loss";
  const std::int64_t first_ms = first->t_ms + realtime_minus_monotonic_ms();
  std::cout << "[ INFO     ] " << count << " announcements of g0 by " << new_node << "; the first "
            << (first_ms - *ended) << " ms after its takegroup ended\n";
  EXPECT_GE(first_ms + kClockSlackMs, *ended) << new_node << " announced " << first->address.to_string() << " "
                                              << (*ended - first_ms) << " ms before its takegroup hook ended";
  EXPECT_FALSE(watcher_->failure()) << watcher_->failure()->message();
  auto conflicts = watcher_->conflicts();
  EXPECT_TRUE(conflicts.empty()) << conflicts.size() << " rounds with an IP on two nodes:" << conflicts_text(conflicts);
}

}  // namespace
}  // namespace tandem::integration
