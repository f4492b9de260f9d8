#include "base/text.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

TEST(SplitFields, SplitsOnRunsOfBlanks) {
  auto fields = split_fields("  a\t b   c ");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0], "a");
  EXPECT_EQ(fields[2], "c");
}

TEST(Split, KeepsEmptyFields) {
  auto parts = split("eth1,,eth2", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
}

TEST(ParseUnsigned, RejectsSignsTrailingTextAndOverflow) {
  EXPECT_EQ(parse_unsigned("42"), 42u);
  EXPECT_FALSE(parse_unsigned("-1"));
  EXPECT_FALSE(parse_unsigned("+1"));
  EXPECT_FALSE(parse_unsigned("12x"));
  EXPECT_FALSE(parse_unsigned(""));
  EXPECT_FALSE(parse_unsigned("99999999999999999999999"));
}

TEST(ParseSigned, AcceptsNegativeNumbers) {
  EXPECT_EQ(parse_signed("-7"), -7);
  EXPECT_FALSE(parse_signed("7 "));
}

TEST(SplitLines, AcceptsCrLfAndNoFinalNewline) {
  auto lines = split_lines("a\r\nb\nc");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[2], "c");
  EXPECT_EQ(split_lines("a\n").size(), 1u);
}

}  // namespace
}  // namespace tandem
