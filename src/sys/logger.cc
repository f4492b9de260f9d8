#include "sys/logger.h"

#include <array>

namespace tandem::sys {

namespace {

constexpr std::array<std::string_view, 4> kWords{"debug", "info", "warning", "error"};

}  // namespace

std::string_view level_word(LogLevel level) { return kWords.at(static_cast<std::size_t>(level)); }

std::optional<LogLevel> parse_level_word(std::string_view word) {
  for (std::size_t i = 0; i < kWords.size(); ++i) {
    if (kWords[i] == word) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

Logger::Logger(Sink sink) : sink_(sink ? std::make_shared<const Sink>(std::move(sink)) : nullptr) {}

Logger Logger::prefixed(std::string_view prefix) const {
  Logger copy = *this;
  copy.prefix_ += prefix;
  return copy;
}

void Logger::write(LogLevel level, std::string_view line) const {
  if (!sink_) return;
  if (prefix_.empty()) return (*sink_)(level, line);
  (*sink_)(level, prefix_ + std::string(line));
}

}  // namespace tandem::sys
