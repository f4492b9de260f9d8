// The daemons' footprint: memory and CPU of every tandemd of an idle, settled lab.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "failover/proc_usage.h"
#include "lab/lab.h"

namespace tandem::bench {

struct NodeFootprint {
  std::string node;
  pid_t pid = 0;
  MemoryUsage memory;           // at the end of the idle window
  std::uint64_t cpu_ticks = 0;  // utime + stime used inside the window
  double cpu_percent = 0;       // of one core, over the window
};

struct Footprint {
  double idle_seconds = 0;
  std::vector<NodeFootprint> nodes;
};

// Reads every running tandemd's CPU time, waits `idle`, and reads it and its memory again.
Result<Footprint> measure_footprint(const lab::Lab& lab, std::chrono::seconds idle);

}  // namespace tandem::bench
