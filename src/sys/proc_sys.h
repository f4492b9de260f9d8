// ProcSys: reads and writes kernel settings under /proc/sys, and replaces small state files
// atomically. The IO behind the daemon's host settings (config/host_settings.h).
//
// Every error names the file and the system's reason ("/proc/sys/net/ipv4/conf/eth3/
// arp_ignore: cannot open: No such file or directory"). Each file is opened, used and
// closed within one call (UniqueFd). The root is a constructor argument so that tests can
// point it at a directory of their own; it must never be anything but /proc/sys in the
// daemon. Values are read in the caller's network namespace (the one it opened them in).
#pragma once

#include <optional>
#include <string>

#include "base/result.h"

namespace tandem::sys {

class ProcSys {
 public:
  explicit ProcSys(std::string root = "/proc/sys") : root_(std::move(root)) {}

  // `path` is relative to the root ("net/ipv4/conf/eth1/arp_ignore").
  Result<int> read(const std::string& path) const;
  Result<void> write(const std::string& path, int value) const;
  // The first line of a text setting, without its newline ("kernel/random/boot_id").
  Result<std::string> read_text(const std::string& path) const;

  // root + "/" + path: what errors and logs show.
  std::string full_path(const std::string& path) const { return root_ + "/" + path; }

 private:
  std::string root_;
};

// The whole file, or nullopt when there is none; an error for anything else.
Result<std::optional<std::string>> read_file_if_present(const std::string& path);

// Writes `text` to a new file beside `path` (mode 0644), syncs it, renames it over `path`
// and syncs the directory: a crash leaves the old file or the new one, never half of one.
// Creates the directory (one level) when it is missing.
Result<void> replace_file(const std::string& path, const std::string& text);

// Removes `path`; success when it was already gone.
Result<void> remove_file(const std::string& path);

}  // namespace tandem::sys
