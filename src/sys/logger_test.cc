#include "sys/logger.h"

#include <gtest/gtest.h>

#include "sys/log_test_support.h"

namespace tandem::sys {
namespace {

TEST(Logger, PassesEachLineWithItsLevel) {
  testing::RecordingLog log;
  const Logger logger = log.logger();
  logger.info("connected to node 2");
  logger.warning("send queue to node 2 is full");
  EXPECT_EQ(log.lines(), (std::vector<testing::LoggedLine>{{LogLevel::kInfo, "connected to node 2"},
                                                           {LogLevel::kWarning, "send queue to node 2 is full"}}));
}

TEST(Logger, PutsEachPrefixBeforeTheLineInTheOrderGiven) {
  testing::RecordingLog log;
  log.logger().prefixed("cluster lock: ").prefixed("helper: ").error("lost");
  ASSERT_EQ(log.lines().size(), 1u);
  EXPECT_EQ(log.lines()[0].line, "cluster lock: helper: lost");
}

TEST(Logger, ReadsBackEveryLevelWord) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarning, LogLevel::kError}) {
    EXPECT_EQ(parse_level_word(level_word(level)), level);
  }
  EXPECT_EQ(parse_level_word("verbose"), std::nullopt);
}

}  // namespace
}  // namespace tandem::sys
