#include "model/tunables.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(Tunables, DefaultsMatchTheTable) {
  Tunables tunables;
  for (const auto& spec : tunable_specs()) {
    EXPECT_EQ(tunables.*(spec.field), spec.default_value) << spec.name;
  }
  EXPECT_EQ(tunables.algorithm(), AllocAlgorithm::kLcp2);
}

TEST(Tunables, NamesAreCaseInsensitive) {
  Tunables tunables;
  ASSERT_TRUE(set_tunable(tunables, "noipfailback", 1).ok());
  EXPECT_EQ(tunables.no_ip_failback, 1u);
}

TEST(Tunables, RejectsUnknownNamesAndOutOfRangeValues) {
  Tunables tunables;
  auto unknown = set_tunable(tunables, "NoSuchThing", 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().cause.find("unknown tunable 'NoSuchThing'"), std::string::npos);
  auto range = set_tunable(tunables, "IPAllocAlgorithm", 3);
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.error().cause.find("out of range 0..2"), std::string::npos);
}

TEST(Tunables, AlgorithmTakesCtdbNumbersOrNames) {
  Tunables tunables;
  ASSERT_TRUE(set_tunable_text(tunables, "IPAllocAlgorithm", "deterministic").ok());
  EXPECT_EQ(tunables.algorithm(), AllocAlgorithm::kDeterministic);
  ASSERT_TRUE(set_tunable_text(tunables, "IPAllocAlgorithm", "1").ok());
  EXPECT_EQ(tunables.algorithm(), AllocAlgorithm::kNonDeterministic);
  EXPECT_FALSE(set_tunable_text(tunables, "IPAllocAlgorithm", "fastest").ok());
  EXPECT_FALSE(set_tunable_text(tunables, "NoIPFailback", "lcp2").ok());
}

}  // namespace
}  // namespace tandem
