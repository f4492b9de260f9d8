#include "model/node_flags.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(NodeFlags, InactiveAndDisabledFollowCtdb) {
  EXPECT_TRUE(NodeFlags().with(NodeFlags::kBanned).is_inactive());
  EXPECT_TRUE(NodeFlags().with(NodeFlags::kStopped).is_inactive());
  EXPECT_FALSE(NodeFlags().with(NodeFlags::kUnhealthy).is_inactive());
  EXPECT_TRUE(NodeFlags().with(NodeFlags::kUnhealthy).is_disabled());
  EXPECT_TRUE(NodeFlags().is_healthy());
}

TEST(NodeFlags, ParsesNamesInAnyCase) {
  EXPECT_EQ(*NodeFlags::parse_one("banned"), NodeFlags::kBanned);
  EXPECT_FALSE(NodeFlags::parse_one("sleepy").ok());
  EXPECT_EQ(NodeFlags().with(NodeFlags::kDisabled).with(NodeFlags::kBanned).names(),
            (std::vector<std::string>{"DISABLED", "BANNED"}));
}

}  // namespace
}  // namespace tandem
