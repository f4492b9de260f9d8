// Which lab node leads, asked the way an operator would: `tandem --json leader`.
//
// The `tandem` tool asks a running node's control socket (the node forwards to its
// leader). When the tool is missing or gives no leader, the daemons' logs answer instead:
// the running node with the highest "became leader in epoch E" is the leader. The answer
// says which way it was found, so that results show it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "lab/lab.h"

namespace tandem::bench {

struct LeaderAnswer {
  std::string node;    // "n1"
  std::string method;  // "cli" or "log"
};

// The PNN in `tandem --json leader`'s output ({"leader": 1}). Pure.
std::optional<std::uint64_t> parse_leader_json(std::string_view text);

// Tries the tool (when `tandem_program` is not empty) and the logs until `limit`.
Result<LeaderAnswer> find_leader(const lab::Lab& lab, const std::string& tandem_program,
                                 std::chrono::milliseconds limit = std::chrono::milliseconds(10000));

}  // namespace tandem::bench
