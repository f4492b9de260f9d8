// HostSettingsRecord: the host settings tandemd changed and the values they had before, kept
// in a small file so that they are restored at stop, by `tandemd --release-all`, and after a
// crash (docs/design/network-paths.md).
//
// Pure: the file's text format and the decisions made from it; the daemon reads and writes
// the file (atomically: a new file renamed over the old).
//
// The file, `[paths] state`/host_settings:
//
//   # written by tandemd: host settings it changed, restored at stop
//   boot_id 6f0d2c9e-...                      # the kernel boot the values belong to
//   net/ipv4/conf/eth1/arp_ignore 0 1         # PATH ORIGINAL APPLIED
//
// Invariants: one line per path; every path is_host_setting_path() (so a damaged file can
// never make tandemd write anywhere else under /proc/sys); an ORIGINAL is the host's value
// from before tandemd first changed it, and is never replaced by a later tandemd's view, so
// a daemon restarted after a crash does not take its own setting for the host's.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/host_settings.h"

namespace tandem::config {

struct RecordedSetting {
  std::string path;  // relative to /proc/sys
  int original = 0;  // the host's value before tandemd changed it
  int applied = 0;   // what tandemd wrote

  friend bool operator==(const RecordedSetting&, const RecordedSetting&) = default;
};

struct HostSettingsRecord {
  std::string boot_id;                    // /proc/sys/kernel/random/boot_id when written
  std::vector<RecordedSetting> settings;  // sorted by path

  bool is_empty() const { return settings.empty(); }
  friend bool operator==(const HostSettingsRecord&, const HostSettingsRecord&) = default;
};

std::string record_text(const HostSettingsRecord& record);

// Errors are "FILE:LINE: cause": a line that is not PATH ORIGINAL APPLIED, a path that is
// not a host setting, a path twice, no boot_id line first.
Result<HostSettingsRecord> parse_host_settings_record(std::string_view text, std::string_view file_name);

// `record` with `changes` added: a path already recorded keeps its original and takes the
// new applied value.
HostSettingsRecord with_changes(HostSettingsRecord record, const std::vector<SysctlChange>& changes);

// `record` without the settings at `paths` (those whose write failed, or were restored).
HostSettingsRecord without(HostSettingsRecord record, const std::set<std::string>& paths);

struct RestorePlan {
  // Recorded settings whose value is still the one tandemd applied: write back the original.
  std::vector<SysctlChange> writes;
  // Recorded settings someone changed since tandemd did, or that could not be read: left as
  // they are (one line each, for the log) and forgotten.
  std::vector<std::string> left;
  // The paths of `writes` and `left`: what the record no longer holds once they are done.
  std::set<std::string> done;
};

// What to restore of `record`: every recorded setting whose path is not in `keep` (at stop,
// keep is empty; at a reload, the paths still wanted). `current` holds the values now.
RestorePlan plan_restore(const HostSettingsRecord& record, const SysctlValues& current,
                         const std::set<std::string>& keep);

}  // namespace tandem::config
