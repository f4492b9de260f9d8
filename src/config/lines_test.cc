#include "config/lines.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

TEST(ContentLines, NumbersLinesFromOneCountingBlankAndCommentLines) {
  auto lines = content_lines("a\n\n  # note\nb\r\n\t\nc", "f", Comments::kDropped);
  ASSERT_TRUE(succeeds(lines));
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].number, 1);
  EXPECT_EQ((*lines)[1].text, "b");
  EXPECT_EQ((*lines)[1].number, 4);
  EXPECT_EQ((*lines)[2].number, 6);
}

TEST(ContentLines, KeepsHashLinesWhenCommentsAreKept) {
  auto lines = content_lines("#a\n b\n", "f", Comments::kKept);
  ASSERT_TRUE(succeeds(lines));
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].text, "#a");
}

TEST(ContentLines, RejectsATextLargerThanTheLimit) {
  const std::string text(kFileSizeMax + 1, '\n');
  EXPECT_TRUE(fails_at(content_lines(text, "nodes", Comments::kKept), "nodes", "at most 4194304 bytes"));
}

TEST(Place, IsFileColonLine) { EXPECT_EQ(place("/etc/tandem/nodes", 7), "/etc/tandem/nodes:7"); }

TEST(Quote, EscapesBytesOutsidePrintableAscii) {
  EXPECT_EQ(quote(std::string_view("a\0b\x7f\xff", 5)), "'a\\x00b\\x7f\\xff'");
}

TEST(Quote, CutsLongTextSoAMessageStaysOneLine) {
  const std::string quoted = quote(std::string(1000, 'x'));
  EXPECT_EQ(quoted, "'" + std::string(kQuoteMax, 'x') + "...'");
}

}  // namespace
}  // namespace tandem::config
