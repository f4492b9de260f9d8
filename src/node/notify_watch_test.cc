#include "node/notify_watch.h"

#include <gtest/gtest.h>

namespace tandem::node {
namespace {

using Due = std::vector<std::vector<std::string>>;

const MachineGlance kFollower{NodeId(1), false, NodeFlags(), true};

TEST(Notifications, NoneWhenNothingChanged) {
  EXPECT_EQ(notifications(kFollower, kFollower, cluster::Tick{}, std::nullopt), Due{});
}

TEST(Notifications, NameEachFlagSetOrCleared) {
  MachineGlance unhealthy_banned = kFollower;
  unhealthy_banned.flags = NodeFlags().with(NodeFlags::kUnhealthy).with(NodeFlags::kBanned);
  EXPECT_EQ(notifications(kFollower, unhealthy_banned, cluster::Tick{}, std::nullopt),
            (Due{{"unhealthy"}, {"banned"}}));
  EXPECT_EQ(notifications(unhealthy_banned, kFollower, cluster::Tick{}, std::nullopt),
            (Due{{"healthy"}, {"unbanned"}}));
}

TEST(Notifications, NameTheNewLeaderOrNone) {
  MachineGlance alone = kFollower;
  alone.leader.reset();
  EXPECT_EQ(notifications(kFollower, alone, cluster::Tick{}, std::nullopt), (Due{{"leader", "none"}}));
  MachineGlance led_by_2 = kFollower;
  led_by_2.leader = NodeId(2);
  EXPECT_EQ(notifications(alone, led_by_2, cluster::Tick{}, std::nullopt), (Due{{"leader", "2"}}));
}

TEST(Notifications, NameALinkThatChanged) {
  const cluster::LinkChanged down{InterfaceName("eth1"), LinkState::kDown};
  EXPECT_EQ(notifications(kFollower, kFollower, down, LinkState::kUp), (Due{{"link", "eth1", "down"}}));
  EXPECT_EQ(notifications(kFollower, kFollower, down, std::nullopt), (Due{{"link", "eth1", "down"}}));
  EXPECT_EQ(notifications(kFollower, kFollower, down, LinkState::kDown), Due{});
}

}  // namespace
}  // namespace tandem::node
