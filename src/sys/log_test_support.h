// Tests: a Logger that keeps every line with its level.
#pragma once

#include <string>
#include <vector>

#include "sys/logger.h"

namespace tandem::sys::testing {

struct LoggedLine {
  LogLevel level = LogLevel::kInfo;
  std::string line;

  friend bool operator==(const LoggedLine&, const LoggedLine&) = default;
};

class RecordingLog {
 public:
  // Lines go to this object, which must outlive the Logger.
  Logger logger() {
    return Logger([this](LogLevel level, std::string_view line) { lines_.push_back({level, std::string(line)}); });
  }
  const std::vector<LoggedLine>& lines() const { return lines_; }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& each : lines_) out.push_back(each.line);
    return out;
  }

 private:
  std::vector<LoggedLine> lines_;
};

}  // namespace tandem::sys::testing
