// What tandemd's log says about membership and leadership, read by the benchmark.
//
// Pure: log text in, counts out. The lines are the daemon's own (src/cluster, src/sys);
// a line that changes wording there stops being counted here, so the patterns are listed
// once, below, next to what each means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::bench {

struct LogEvents {
  int leader_lost = 0;             // "leader N lost": a follower stopped hearing its leader
  int stepped_down = 0;            // "stepping down as leader: ..."
  int released_all = 0;            // "releasing every public address: ..." (lease lapsed)
  int became_leader = 0;           // "became leader in epoch E"
  int lock_lost = 0;               // "cluster lock lost"
  int banned = 0;                  // "banned node N" or "... (ban credit ...)"
  int takeover_runs = 0;           // "takeover run N starts"
  int peer_disconnected = 0;       // the peer mesh: "... is not connected ..."
  std::vector<std::string> lines;  // every line counted in false_failover_lines(), as logged

  // Lines that mean a node or the leader was taken for dead: any is a false failover
  // when nothing failed.
  int false_failover_lines() const {
    return leader_lost + stepped_down + released_all + became_leader + lock_lost + banned;
  }
  LogEvents& operator+=(const LogEvents& other);
};

LogEvents scan_log(std::string_view text);

// The epoch of the last "became leader in epoch E" line, if any.
std::optional<std::uint64_t> last_leader_epoch(std::string_view text);

}  // namespace tandem::bench
