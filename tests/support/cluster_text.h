// A readable text form of an allocation problem and its expected answer, for tests.
//
// CTDB's takeover tests taught this: a case is easiest to review as a short table. One
// directive per line, '#' starts a comment:
//   tunable NAME=VALUE                      e.g. tunable IPAllocAlgorithm=deterministic
//   addresses ADDRESS/PREFIX IF[,IF...]     the shared public_addresses list
//   node PNN IF=up|down ... [FLAG,...]      a node; FLAGs as CTDB prints them (BANNED, ...)
//   node-address PNN ADDRESS/PREFIX IF,...  gives node PNN a list of its own
//   group NAME ADDRESS[@IF] ... [on-path-loss=move|stay]  an IP group
//   current ADDRESS PNN IF                  where an IP is now
//   expect ADDRESS PNN IF | expect ADDRESS unhosted
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "model/assignment.h"
#include "model/cluster_view.h"
#include "model/tunables.h"

namespace tandem::testing {

struct AllocationCase {
  ClusterView view;
  Tunables tunables;
  Assignment current;
  // nullopt placement: expected unhosted
  std::map<IpAddress, std::optional<Placement>> expected;
};

Result<AllocationCase> parse_case(std::string_view text);

// The `expect` lines that describe `assignment`, one per IP, in address order.
std::string expect_lines(const Assignment& assignment);

}  // namespace tandem::testing
