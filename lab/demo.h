// The narrated tour of `tandem-lab demo`, for a storage admin meeting Tandem.
//
// On a lab of 3 nodes x 2 public interfaces x 3 groups (built unless one is up under the
// prefix), with a prober on the client: a NIC failure and its repair, then a node power
// loss and its return, each with the failover time the client saw and where the group
// went. Takes the lab down at the end unless `keep`.
#pragma once

#include <ostream>

#include "base/result.h"
#include "lab/lab.h"

namespace tandem::lab {

struct DemoOptions {
  UpOptions up;       // lab.prefix, tandemd and lab_program matter; the shape is fixed
  bool keep = false;  // leave the lab up at the end
};

Result<void> run_demo(const DemoOptions& options, std::ostream& out);

}  // namespace tandem::lab
