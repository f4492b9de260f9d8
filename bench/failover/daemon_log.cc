#include "failover/daemon_log.h"

#include "base/text.h"

namespace tandem::bench {
namespace {

constexpr std::string_view kBecameLeader = "became leader in epoch ";

// "... leader 2 lost", and not "stepping down as leader: the cluster lock was lost".
bool is_leader_lost(std::string_view line) {
  constexpr std::string_view kLost = " lost";
  if (!line.ends_with(kLost)) return false;
  auto fields = split_fields(line.substr(0, line.size() - kLost.size()));
  return fields.size() >= 2 && fields[fields.size() - 2] == "leader" && parse_unsigned(fields.back()).has_value();
}

}  // namespace

LogEvents& LogEvents::operator+=(const LogEvents& other) {
  leader_lost += other.leader_lost;
  stepped_down += other.stepped_down;
  released_all += other.released_all;
  became_leader += other.became_leader;
  lock_lost += other.lock_lost;
  banned += other.banned;
  takeover_runs += other.takeover_runs;
  peer_disconnected += other.peer_disconnected;
  lines.insert(lines.end(), other.lines.begin(), other.lines.end());
  return *this;
}

LogEvents scan_log(std::string_view text) {
  LogEvents events;
  for (auto line : split_lines(text)) {
    line = trim(line);
    const int before = events.false_failover_lines();
    if (is_leader_lost(line)) ++events.leader_lost;
    if (line.find("stepping down as leader") != std::string_view::npos) ++events.stepped_down;
    if (line.find("releasing every public address") != std::string_view::npos) ++events.released_all;
    if (line.find(kBecameLeader) != std::string_view::npos) ++events.became_leader;
    if (line.ends_with("cluster lock lost")) ++events.lock_lost;  // the daemon's line, once per loss
    if (line.find("banned node") != std::string_view::npos || line.find("(ban credit") != std::string_view::npos) {
      ++events.banned;
    }
    if (line.find("takeover run ") != std::string_view::npos && line.ends_with(" starts")) ++events.takeover_runs;
    if (line.find(" is not connected") != std::string_view::npos) ++events.peer_disconnected;
    if (events.false_failover_lines() != before) events.lines.emplace_back(line);
  }
  return events;
}

std::optional<std::uint64_t> last_leader_epoch(std::string_view text) {
  std::optional<std::uint64_t> epoch;
  for (auto line : split_lines(text)) {
    auto at = line.find(kBecameLeader);
    if (at == std::string_view::npos) continue;
    auto fields = split_fields(line.substr(at + kBecameLeader.size()));
    if (auto number = fields.empty() ? std::nullopt : parse_unsigned(fields.front())) epoch = number;
  }
  return epoch;
}

}  // namespace tandem::bench
