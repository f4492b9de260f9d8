// allocate(): which node and which interface host every public IP. PURE.
//
// The brain of Tandem, a function of its inputs alone (no clock, no randomness, no IO), so
// the leader, the simulator and `tandem alloc` get the same answer for the same cluster.
// See docs/design/allocation.md for the rules and why they are what they are. In short:
//   1. a group is placed whole on one node; a node that can serve more of its IPs beats
//      one that can serve fewer; a group is never split;
//   2. inside the node each IP gets an allowed interface whose link is up; a group's IPs
//      take distinct interfaces where they can; an IP goes back to its preferred interface
//      when that is up, and otherwise keeps the interface it has;
//   3. groups are balanced by count across nodes (the algorithm tunable chooses how) with
//      as few moves as possible;
//   4. every IP that cannot be hosted gets the reason.
// Deterministic: the order of nodes, addresses, interfaces and groups in the input does not
// change the result, and allocating again from a result moves nothing.
#pragma once

#include "base/result.h"
#include "model/assignment.h"
#include "model/cluster_view.h"
#include "model/tunables.h"

namespace tandem::alloc {

// Checks what allocate() takes as given: node numbers unique, every node with an address
// list, no address twice in one node's list, groups with unique names, no address in two
// groups or twice in one, group sizes within kGroupSizeMax. The error names the place.
Result<void> validate(const ClusterView& view);

// `view` must pass validate(). `current` is where IPs are now (entries for addresses the
// view does not know, or on nodes it does not know, are ignored).
Assignment allocate(const ClusterView& view, const Tunables& tunables, const Assignment& current);

}  // namespace tandem::alloc
