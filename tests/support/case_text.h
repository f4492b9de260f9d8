// to_case_text(): an allocation problem written back in the text form of cluster_text.h.
//
// The inverse of parse_case() (without the `expect` lines), so that a failing property test
// prints a cluster a reviewer can read and paste into tests/alloc_cases/ as it is. The list
// most nodes share becomes the `addresses` lines; any other list is written as
// `node-address` lines of its node. One thing the text form cannot say is a node with an
// empty list of its own while others have addresses; that is written as a comment.
#pragma once

#include <string>

#include "model/assignment.h"
#include "model/cluster_view.h"
#include "model/tunables.h"

namespace tandem::testing {

std::string to_case_text(const ClusterView& view, const Tunables& tunables, const Assignment& current);

}  // namespace tandem::testing
