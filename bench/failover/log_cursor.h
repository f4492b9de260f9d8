// LogCursor: "what have the lab's daemons logged since then?".
//
// It remembers the size of every node's tandemd.log (the lab appends to it across daemon
// restarts) and later scans only what was appended (daemon_log.h), each counted line
// prefixed with its node's name.
#pragma once

#include <cstdint>
#include <vector>

#include "failover/daemon_log.h"
#include "lab/lab.h"

namespace tandem::bench {

class LogCursor {
 public:
  // At the current end of every node's log.
  static LogCursor at_end(const lab::Lab& lab);

  LogEvents events_since(const lab::Lab& lab) const;

 private:
  std::vector<std::uintmax_t> offsets_;
};

}  // namespace tandem::bench
