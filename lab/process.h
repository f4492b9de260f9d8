// The lab's long-lived processes (daemons, probe listeners), found again by pid.
//
// A pid alone may have been reused since it was recorded, so the lab acts on a pid only
// while the process's command line still carries the markers of what was started (its
// configuration file, or its lab prefix and node name). kill_process() never touches a
// process that does not match.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace tandem::lab {

// /proc/PID/cmdline split at NULs; nullopt when the process is gone or a zombie.
std::optional<std::vector<std::string>> process_arguments(pid_t pid);

// Whether `pid` is alive (not a zombie) and every marker is one of its arguments.
bool is_running_with(pid_t pid, const std::vector<std::string>& markers);

// SIGKILLs `pid` if it matches `markers`, then waits up to `limit` for it to die (reaping
// it when it is the caller's child). False if it did not match (nothing was done).
Result<bool> kill_process(pid_t pid, const std::vector<std::string>& markers,
                          std::chrono::milliseconds limit = std::chrono::milliseconds(3000));

// Sends `signal` (SIGSTOP, SIGCONT) to `pid` if it matches `markers`. False if it did not
// match (nothing was done).
Result<bool> signal_process(pid_t pid, const std::vector<std::string>& markers, int signal);

// Reads a pid file ("1234\n"); nullopt if missing or malformed.
std::optional<pid_t> read_pid_file(const std::string& path);
Result<void> write_pid_file(const std::string& path, pid_t pid);

}  // namespace tandem::lab
