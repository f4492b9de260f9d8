#include "base/result.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) return fail("input:3", "must be positive");
  return value;
}

TEST(Result, CarriesTheValueOnSuccess) {
  auto result = parse_positive(4);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 4);
}

TEST(Result, CarriesPlaceAndCauseOnFailure) {
  auto result = parse_positive(-1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message(), "input:3: must be positive");
}

TEST(Error, WithinPrefixesTheOuterPlace) {
  Error error{"line 2", "bad"};
  EXPECT_EQ(error.within("nodes").message(), "nodes: line 2: bad");
  EXPECT_EQ((Error{"", "bad"}.within("nodes").message()), "nodes: bad");
}

TEST(ResultVoid, IsOkByDefaultAndCarriesAnError) {
  Result<void> good = success();
  EXPECT_TRUE(good.ok());
  Result<void> bad = fail("x", "y");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().cause, "y");
}

TEST(ResultDeathTest, ValueOfAnErrorIsABug) {
  auto result = parse_positive(0);
  EXPECT_DEATH((void)result.value(), "TANDEM_CHECK failed");
}

}  // namespace
}  // namespace tandem
