// The daemon's host settings: the sysctls its public interfaces need, set at start and at
// every reload, restored at stop and by `tandemd --release-all`
// (docs/design/network-paths.md).
//
// The thin shell around config/host_settings.h (what is wrong, what to change) and
// config/host_settings_record.h (what was changed, and the values before): it reads the
// values through sys::ProcSys, keeps the record file, writes, and logs every change as
// "PATH OLD -> NEW (why)". It never fails the daemon: what goes wrong is logged and the
// daemon runs on without that setting. Crash safety: the record is written before any value
// it describes, so a value tandemd set is always one it can restore.
#pragma once

#include <spdlog/logger.h>

#include <string>

#include "model/public_address.h"
#include "sys/proc_sys.h"

namespace tandem::app {

struct HostSettingsPlace {
  sys::ProcSys proc;        // /proc/sys, or a test's directory shaped like it
  std::string record_path;  // [paths] state + "/host_settings"
};

// The place of the daemon whose state directory is `state_dir`.
HostSettingsPlace host_settings_place(const std::string& state_dir);

// At start and at every reload. Managed: restores what tandemd set on interfaces no longer
// public, then records and writes every change the public interfaces need. Not managed:
// restores whatever an earlier run set, then warns about each wrong value. Either way each
// problem no interface value can fix is a warning.
void apply_host_settings(const AddressList& addresses, bool is_managed, const HostSettingsPlace& place,
                         spdlog::logger& log);

// At stop and by --release-all: every recorded value still as tandemd set it goes back to
// the host's; the record goes when nothing is left in it. Gives the number of failures.
int restore_host_settings(const HostSettingsPlace& place, spdlog::logger& log);

}  // namespace tandem::app
