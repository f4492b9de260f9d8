#include "failover/proc_usage.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "base/text.h"

namespace tandem::bench {
namespace {

// "VmRSS:\t    5120 kB" -> 5120, for the line that starts with `key`.
std::optional<std::uint64_t> status_field_kib(std::string_view text, std::string_view key) {
  for (auto line : split_lines(text)) {
    if (!line.starts_with(key)) continue;
    auto fields = split_fields(line.substr(key.size()));
    if (fields.empty()) return std::nullopt;
    return parse_unsigned(fields.front());
  }
  return std::nullopt;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream file(path);
  if (!file) return fail(path, "cannot open (is the process gone?)");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

Result<MemoryUsage> parse_proc_status(std::string_view text) {
  auto rss = status_field_kib(text, "VmRSS:");
  auto hwm = status_field_kib(text, "VmHWM:");
  if (!rss || !hwm) return fail("/proc/PID/status", "no VmRSS or VmHWM line (a kernel thread or a zombie?)");
  return MemoryUsage{*rss, *hwm};
}

Result<std::uint64_t> parse_cpu_ticks(std::string_view stat) {
  auto end_of_name = stat.rfind(')');
  if (end_of_name == std::string_view::npos) return fail("/proc/PID/stat", "no \")\" after the command name");
  // After ")": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  auto fields = split_fields(stat.substr(end_of_name + 1));
  if (fields.size() < 13) return fail("/proc/PID/stat", "fewer fields than utime and stime need");
  auto utime = parse_unsigned(fields[11]);
  auto stime = parse_unsigned(fields[12]);
  if (!utime || !stime) return fail("/proc/PID/stat", "utime or stime is not a number");
  return *utime + *stime;
}

Result<MemoryUsage> read_memory_usage(pid_t pid) {
  auto text = read_text("/proc/" + std::to_string(pid) + "/status");
  if (!text) return fail(text.error());
  return parse_proc_status(*text);
}

Result<std::uint64_t> read_cpu_ticks(pid_t pid) {
  auto text = read_text("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return fail(text.error());
  return parse_cpu_ticks(*text);
}

double cpu_percent(std::uint64_t ticks, double seconds) {
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (seconds <= 0 || ticks_per_second <= 0) return 0;
  return 100.0 * static_cast<double>(ticks) / static_cast<double>(ticks_per_second) / seconds;
}

}  // namespace tandem::bench
