#include "model/ip_group.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(PathLossPolicy, ReadsBackWhatItWrites) {
  for (PathLossPolicy policy : {PathLossPolicy::kMove, PathLossPolicy::kStay}) {
    EXPECT_EQ(parse_path_loss_policy(to_string(policy)), policy);
  }
}

TEST(PathLossPolicy, RefusesAnythingButMoveAndStay) {
  EXPECT_EQ(parse_path_loss_policy("Stay"), std::nullopt);
  EXPECT_EQ(parse_path_loss_policy(""), std::nullopt);
  EXPECT_EQ(parse_path_loss_policy("split"), std::nullopt);
}

TEST(IpGroup, MovesOnPathLossUnlessToldOtherwise) { EXPECT_EQ(IpGroup{}.on_path_loss, PathLossPolicy::kMove); }

}  // namespace
}  // namespace tandem
