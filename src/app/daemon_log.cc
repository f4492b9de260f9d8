#include "app/daemon_log.h"

namespace tandem::app {

spdlog::level::level_enum spdlog_level(sys::LogLevel level) {
  switch (level) {
    case sys::LogLevel::kDebug:
      return spdlog::level::debug;
    case sys::LogLevel::kInfo:
      return spdlog::level::info;
    case sys::LogLevel::kWarning:
      return spdlog::level::warn;
    case sys::LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::err;
}

sys::Logger logger_of(std::shared_ptr<spdlog::logger> log) {
  return sys::Logger([log = std::move(log)](sys::LogLevel level, std::string_view line) {
    log->log(spdlog_level(level), "{}", line);
  });
}

}  // namespace tandem::app
