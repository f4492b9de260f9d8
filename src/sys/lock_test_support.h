// Test support for the cluster lock tests: a scratch directory, a recorder of outcomes and
// a loop runner. Test code only.
#pragma once

#include <stdlib.h>

#include <asio.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "sys/lock_outcome.h"
#include "sys/logger.h"

namespace tandem::sys::lock_testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class ScratchDirectory {
 public:
  ScratchDirectory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/tandem-lock-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  bool is_valid() const { return !path_.empty(); }
  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Every outcome reported, in order, and every log line.
struct Recorder {
  std::vector<LockOutcome> outcomes;
  std::vector<std::string> log_lines;

  LockReport report() {
    return [this](LockOutcome outcome) { outcomes.push_back(outcome); };
  }
  Logger log() {
    return Logger([this](LogLevel, std::string_view line) { log_lines.push_back(std::string(line)); });
  }
  bool logged(const std::string& part) const {
    for (const auto& line : log_lines) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

// Runs the loop until `done` or `limit`; returns whether `done` came true.
inline bool run_until(asio::io_context& context, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    context.restart();
    if (context.run_one_for(std::chrono::milliseconds(5)) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return done();
}

// Runs the loop for `span`, whatever happens.
inline void run_for(asio::io_context& context, std::chrono::milliseconds span) {
  run_until(
      context, [] { return false; }, span);
}

}  // namespace tandem::sys::lock_testing
