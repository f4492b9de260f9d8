// One logging interface for sys and the daemon's other IO parts: a line with a level.
//
// A part takes a Logger in its constructor and writes each line with the level it
// deserves ("connected to node 2" is info, "send queue to node 2 is full" a warning). The
// daemon makes the Logger from its own log (spdlog, to stderr or the journal, where each
// level becomes the journal's priority) and gives each part one with the part's prefix
// ("netlink: "). A Logger is a value: copyable, no global instance; a default one
// discards every line.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tandem::sys {

// The levels a part writes at, named as the daemon's --log-level names them.
enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarning, kError };

std::string_view level_word(LogLevel level);
std::optional<LogLevel> parse_level_word(std::string_view word);

class Logger {
 public:
  using Sink = std::function<void(LogLevel level, std::string_view line)>;

  Logger() = default;  // discards
  explicit Logger(Sink sink);

  // The same destination, with `prefix` after any prefix this one has.
  Logger prefixed(std::string_view prefix) const;

  void write(LogLevel level, std::string_view line) const;
  void debug(std::string_view line) const { write(LogLevel::kDebug, line); }
  void info(std::string_view line) const { write(LogLevel::kInfo, line); }
  void warning(std::string_view line) const { write(LogLevel::kWarning, line); }
  void error(std::string_view line) const { write(LogLevel::kError, line); }

 private:
  std::shared_ptr<const Sink> sink_;  // shared by every prefixed copy; null: discard
  std::string prefix_;
};

}  // namespace tandem::sys
