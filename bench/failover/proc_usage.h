// A process's memory and CPU use, from /proc, for the daemons' footprint.
//
// The parsers are pure (text of /proc/PID/status or /proc/PID/stat in, numbers out); the
// readers open the files. CPU time is utime + stime in clock ticks (sysconf(_SC_CLK_TCK)),
// every thread of the process included, its children not.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace tandem::bench {

struct MemoryUsage {
  std::uint64_t rss_kib = 0;  // VmRSS: resident now
  std::uint64_t hwm_kib = 0;  // VmHWM: the most it was ever resident

  friend bool operator==(const MemoryUsage&, const MemoryUsage&) = default;
};

Result<MemoryUsage> parse_proc_status(std::string_view text);
// utime + stime, fields 14 and 15 of /proc/PID/stat (counted after the ")" that ends the
// command name, which may itself hold spaces and parentheses).
Result<std::uint64_t> parse_cpu_ticks(std::string_view stat);

Result<MemoryUsage> read_memory_usage(pid_t pid);
Result<std::uint64_t> read_cpu_ticks(pid_t pid);

// Ticks used over `seconds` as a percentage of one core.
double cpu_percent(std::uint64_t ticks, double seconds);

}  // namespace tandem::bench
