// Invariant 3: once the faults have stopped and the settle bound has passed, the cluster is
// where allocate() says it should be.
//
// Given the ground truth (every node's flags as the world knows them, its links, and what
// its kernel holds), the check builds the actual assignment and demands:
//   - every configured address sits on an interface that is up;
//   - no node holds one address on two interfaces;
//   - allocate(view, tunables, actual) places every address exactly where it is: so every
//     group some healthy node can host is hosted, whole, on up interfaces, and nothing is
//     left that allocate() would move (a fixpoint, since allocating from a result moves
//     nothing).
#pragma once

#include <vector>

#include "model/cluster_view.h"
#include "model/tunables.h"
#include "proto/message.h"
#include "sim/violation.h"

namespace tandem::sim {

// `kernels[i]` is what node i's kernel holds; `view.nodes[i]` its flags, links and list.
// `placement_pinned`: an administrator moved groups (moveip/movegroup), and the leader keeps
// them where they were sent even where allocate() alone would balance otherwise; then only
// "hosted or not" must match allocate(), not the node and interface.
std::vector<Violation> check_convergence(TimePoint at, const ClusterView& view, const Tunables& tunables,
                                         const std::vector<std::vector<proto::HeldAddress>>& kernels,
                                         bool placement_pinned = false);

}  // namespace tandem::sim
