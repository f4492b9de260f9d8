#include "app/daemon_history.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace tandem::app {

namespace {

std::int64_t whole_ms(std::chrono::nanoseconds duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

nlohmann::json place_json(const std::optional<node::AddressPlace>& place) {
  if (!place) return nullptr;
  return {{"node", place->node.value()}, {"interface", place->interface.value()}};
}

nlohmann::json run_json(WallTime when, const node::MoveRecord& record) {
  nlohmann::json moves = nlohmann::json::array();
  for (const auto& move : record.moves) {
    moves.push_back({{"address", move.prefix.to_string()},
                     {"group", move.group ? nlohmann::json(move.group->value()) : nlohmann::json(nullptr)},
                     {"from", place_json(move.from)},
                     {"to", place_json(move.to)},
                     {"why", move.why}});
  }
  const bool is_run = record.kind == node::MoveRecord::Kind::kTakeoverRun;
  nlohmann::json json{
      {"time", utc_text(when)}, {"kind", is_run ? "takeover_run" : "local_failover"},     {"cause", record.cause},
      {"ok", record.ok},        {"duration_ms", whole_ms(record.ended - record.started)}, {"moves", moves}};
  if (is_run) json["run"] = record.run_id;
  return json;
}

}  // namespace

std::string utc_text(WallTime when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[96];  // room for any int the format may meet, so no truncation is possible
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(ms < 0 ? ms + 1000 : ms));
  return text;
}

void DaemonHistory::add(WallTime when, node::MoveRecord record) {
  runs_.emplace_back(when, std::move(record));
  while (runs_.size() > kRunsKept) runs_.pop_front();
}

void DaemonHistory::add(WallTime when, sys::HookOutcome outcome) {
  auto key = std::pair{std::string(hook_event_name(outcome.event)), outcome.script};
  hooks_.insert_or_assign(std::move(key), HookEntry{when, next_serial_++, std::move(outcome)});
  if (hooks_.size() <= kHooksKept) return;
  auto oldest = std::min_element(hooks_.begin(), hooks_.end(),
                                 [](const auto& a, const auto& b) { return a.second.serial < b.second.serial; });
  hooks_.erase(oldest);
}

nlohmann::json DaemonHistory::to_json(std::optional<std::size_t> count) const {
  nlohmann::json runs = nlohmann::json::array();
  const std::size_t shown = std::min(runs_.size(), count.value_or(runs_.size()));
  for (auto it = runs_.end() - static_cast<std::ptrdiff_t>(shown); it != runs_.end(); ++it) {
    runs.push_back(run_json(it->first, it->second));
  }
  std::vector<const HookEntry*> entries;
  for (const auto& [key, entry] : hooks_) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(),
            [](const HookEntry* a, const HookEntry* b) { return a->serial < b->serial; });
  nlohmann::json hooks = nlohmann::json::array();
  for (const HookEntry* entry : entries) {
    const sys::HookOutcome& outcome = entry->outcome;
    const bool exited = outcome.status.kind == sys::ExitStatus::Kind::kExited;
    hooks.push_back({{"time", utc_text(entry->when)},
                     {"event", std::string(hook_event_name(outcome.event))},
                     {"script", outcome.script},
                     {"status", outcome.timed_out ? "timed out, killed" : outcome.status.describe()},
                     {"exit_code", exited ? nlohmann::json(outcome.status.value) : nlohmann::json(nullptr)},
                     {"ok", outcome.status.is_success()},
                     {"timed_out", outcome.timed_out},
                     {"duration_ms", whole_ms(outcome.duration)},
                     {"last_lines", outcome.last_lines}});
  }
  return {{"runs", runs}, {"hooks", hooks}};
}

}  // namespace tandem::app
