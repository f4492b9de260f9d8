// DurableState: what a node keeps on disk across restarts of its daemon, so that a
// restarted node neither votes twice in one epoch nor leads an epoch again
// (docs/design/cluster.md, "Durable state"). A value type; the machine decides when it
// changes (cluster::PersistState), the daemon writes it (app/durable_state.h).
#pragma once

#include <cstdint>

namespace tandem {

struct DurableState {
  std::uint64_t epoch = 0;        // the highest epoch this node has seen, led or followed
  std::uint64_t voted_epoch = 0;  // the highest epoch it voted in (its own candidacy counts)

  friend bool operator==(const DurableState&, const DurableState&) = default;
};

}  // namespace tandem
