// `tandem history`: the daemon's `history` result as text (control-protocol.md has the JSON).
//
//   2026-12-06T03:01:02.120Z takeover run 5: done in 250 ms, started by a timer (...)
//     203.0.113.10/24 (group g1) from node 1 eth1 to node 2 eth2: node 1 is disconnected
//   2026-12-06T03:04:00.010Z local failover: done in 0 ms, started by interface eth1 down
//     ...
//   Last run of each hook:
//   2026-12-06T03:01:02.300Z takeip 10.interface: exited with status 0 in 12 ms
//     | last line of its output
// Pure: JSON in, text out; an entry with a missing or mistyped key is a malformed reply.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace tandem::ctl {

Result<std::string> history_text(const nlohmann::json& result);

}  // namespace tandem::ctl
