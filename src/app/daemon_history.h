// DaemonHistory: what `tandem history` shows after an incident, kept in bounded memory.
//
// The last kRunsKept takeover runs this node led and local failovers it made (oldest
// dropped first), and the last run of each hook script per event (at most kHooksKept;
// the oldest is dropped when a new one would pass it). Each is stamped with the wall-clock
// time the daemon saw it end. Pure: the daemon gives the time.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "node/takeover_watch.h"
#include "sys/process_hook_runner.h"

namespace tandem::app {

inline constexpr std::size_t kRunsKept = 64;
inline constexpr std::size_t kHooksKept = 128;

using WallTime = std::chrono::system_clock::time_point;

class DaemonHistory {
 public:
  void add(WallTime when, node::MoveRecord record);
  void add(WallTime when, sys::HookOutcome outcome);

  // The `history` result (control-protocol.md): the last `count` runs (all kept when
  // absent), oldest first, and every hook's last run, oldest first.
  nlohmann::json to_json(std::optional<std::size_t> count) const;

  std::size_t runs_kept() const { return runs_.size(); }
  std::size_t hooks_kept() const { return hooks_.size(); }

 private:
  struct HookEntry {
    WallTime when;
    std::uint64_t serial;  // which came last, for dropping the oldest
    sys::HookOutcome outcome;
  };

  std::deque<std::pair<WallTime, node::MoveRecord>> runs_;
  std::map<std::pair<std::string, std::string>, HookEntry> hooks_;  // by (event, script)
  std::uint64_t next_serial_ = 0;
};

// "2026-12-06T03:01:02.120Z".
std::string utc_text(WallTime when);

}  // namespace tandem::app
