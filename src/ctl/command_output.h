// CommandOutput: what a `tandem` command prints and how the process ends.
//
// A command is a function from its input to a CommandOutput, so tests run it without a
// process; the shell in app/ writes `out` to stdout and `err` to stderr, exits with
// `exit_code`, and decides nothing.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace tandem::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // the command could not do its work (an unreadable input, ...)
inline constexpr int kExitBadInput = 2;  // the command line or the input given is malformed
inline constexpr int kExitNoDaemon = 3;  // no daemon answers on the control socket, or the caller is not root
inline constexpr int kExitTimeout = 4;   // the daemon (or the leader behind it) did not answer in time

struct CommandOutput {
  int exit_code = kExitOk;
  std::string out;  // for stdout
  std::string err;  // for stderr

  friend bool operator==(const CommandOutput&, const CommandOutput&) = default;
};

// "tandem COMMAND: PLACE: CAUSE\n" on stderr, nothing on stdout, and `exit_code`.
CommandOutput command_failed(std::string_view command, const Error& error, int exit_code);

}  // namespace tandem::ctl
