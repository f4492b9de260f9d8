// Running the lab's commands: `ip`, `sysctl`, the daemons, the probe listeners.
//
// Every program is started from an argument vector with posix_spawnp (no shell reads
// anything), and every run has a time limit. run_checked() turns a non-zero exit into an
// Error that names the command and quotes its stderr, so that a failed `up` says exactly
// which step failed and why. spawn_detached() starts a long-lived process in a session of
// its own whose output goes to a log file; the caller records its pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "base/result.h"
#include "lab/command.h"

namespace tandem::lab {

inline constexpr std::chrono::milliseconds kCommandTimeLimit{30000};

struct CommandOutput {
  int exit_code = 0;  // 128 + N when killed by signal N
  std::string out;
  std::string err;
};

// Runs `command` to its end, capturing stdout and stderr. An error only when it could not
// be started or did not finish within `limit` (it is then killed).
Result<CommandOutput> run_command(const Command& command, std::chrono::milliseconds limit = kCommandTimeLimit);

// As run_command(), and a non-zero exit is an error: "`COMMAND` exited N: STDERR".
// Gives stdout.
Result<std::string> run_checked(const Command& command, std::chrono::milliseconds limit = kCommandTimeLimit);

// Starts `command` in a new session (so a terminal's Ctrl-C on the lab does not reach it),
// stdin from /dev/null, stdout and stderr appended to `log_path`. Gives its pid. The
// process is a child of the caller until the caller exits; kill_process() reaps it.
Result<pid_t> spawn_detached(const Command& command, const std::string& log_path);

}  // namespace tandem::lab
