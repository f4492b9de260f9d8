#include "app/daemon_log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace tandem::app {
namespace {

// A logger writing "LEVEL TEXT" lines to `out`, from `lowest` up.
std::shared_ptr<spdlog::logger> logger_into(std::ostringstream& out, spdlog::level::level_enum lowest) {
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  log->set_pattern("%l %v");
  log->set_level(lowest);
  return log;
}

TEST(DaemonLog, WritesEachLineAtItsLevel) {
  std::ostringstream out;
  const sys::Logger logger = logger_of(logger_into(out, spdlog::level::debug)).prefixed("peer mesh: ");
  logger.debug("handshake sent");
  logger.info("connected to node 2");
  logger.warning("node 2 lost");
  logger.error("cannot listen");
  EXPECT_EQ(out.str(),
            "debug peer mesh: handshake sent\n"
            "info peer mesh: connected to node 2\n"
            "warning peer mesh: node 2 lost\n"
            "error peer mesh: cannot listen\n");
}

TEST(DaemonLog, LeavesOutLinesBelowTheLogLevel) {
  std::ostringstream out;
  const sys::Logger logger = logger_of(logger_into(out, spdlog::level::warn));
  logger.info("connected to node 2");
  logger.warning("node 2 lost");
  EXPECT_EQ(out.str(), "warning node 2 lost\n");
}

}  // namespace
}  // namespace tandem::app
