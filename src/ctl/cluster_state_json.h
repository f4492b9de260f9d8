// The cluster state that `tandem alloc` reads, and the assignment it prints, as JSON.
//
// Input; only "nodes" is required, and an unknown key anywhere is an error, so a typo
// cannot pass unnoticed:
//   {"tunables":  {"IPAllocAlgorithm": "lcp2", "NoIPFailback": 0},      CTDB names, any case
//    "addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1", "eth2"]}],
//    "nodes": [{"pnn": 0, "flags": ["DISABLED"], "interfaces": {"eth1": "up", "eth2": "down"},
//               "addresses": [...]}],                                   own list: optional
//    "groups": [{"name": "target1", "ips": ["198.51.100.10@eth1", "203.0.113.10@eth2"],
//                "on_path_loss": "stay"}],                            "move" (default) or "stay"
//    "current": {"198.51.100.10": {"pnn": 0, "interface": "eth1"}, "198.51.100.11": null}}
// The top-level "addresses" is the list of every node that has none of its own; it is read
// once and shared (one SharedAddressList), which is what lets allocation treat those nodes
// as one class. A node with no list and no top-level list may host nothing.
//
// Output, keyed by address in the Assignment's order:
//   {"assignment": {"198.51.100.10": {"pnn": 0, "interface": "eth2"}, "198.51.100.11": null},
//    "unhosted": {"198.51.100.11": "why"}, "moves": 1}
//
// Pure: no IO, nothing thrown. Every error names its place, from the root "state":
// "state.nodes[2].interfaces.eth1: expected \"up\" or \"down\", got \"sideways\"".
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "model/assignment.h"
#include "model/cluster_view.h"
#include "model/tunables.h"

namespace tandem::ctl {

// Everything allocate() takes. `view` has passed alloc::validate().
struct AllocationRequest {
  ClusterView view;
  Tunables tunables;
  Assignment current;  // unhosted entries ("current" null) say "not hosted"
};

Result<AllocationRequest> parse_cluster_state(std::string_view json_text);

// The result as JSON text (two-space indent, ending in a newline); "moves" counts the
// addresses whose placement differs between `current` and `result`.
std::string render_assignment(const Assignment& result, const Assignment& current);

}  // namespace tandem::ctl
