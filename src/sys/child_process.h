// ChildProcess: the one owner of a child process (a hook, a lock helper), on an Asio loop.
//
// spawn() forks and execs a program with a clean slate: stdin from /dev/null, every fd
// other than 0, 1 and 2 closed, signal mask and dispositions reset to their defaults. A
// program that cannot be executed is an error value naming it (the exec's errno travels
// back through a close-on-exec pipe), never a child that exits 127.
//
// The exit is awaited with a pidfd (pidfd_open, Linux >= 5.3) that the io_context polls, and
// reaped with waitid(P_PID) (safe: the pid of an unreaped child cannot be reused). There is
// no SIGCHLD handler, so the daemon must leave SIGCHLD at its default disposition (SIG_IGN
// would let the kernel reap children behind our back).
//
// Contract:
//  - Single-threaded: every call and callback on the io_context's thread. Callbacks come only
//    from Asio handlers, never from inside the call that asked for them. A callback may
//    destroy the ChildProcess; no other callback of it is made after that.
//  - Destroying a ChildProcess whose child has not been reaped yet kills it with SIGKILL
//    (its whole process group when it has its own) and reaps it, blocking until the kernel
//    has it gone: no zombie and no orphan is ever left behind by the owner going away. A
//    child that has exited is only reaped: whatever it left running in its group (a daemon
//    started by a hook) is left alone, unless kill_group_on_exit is set.
//  - The child's environment is the daemon's less NOTIFY_SOCKET, WATCHDOG_PID and
//    WATCHDOG_USEC (systemd's: only tandemd speaks for itself), plus extra_env.
//  - Once reaped, the pid may be reused by the system: signal() and signal_group() refuse.
#pragma once

#include <sys/types.h>

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tandem::sys {

struct SpawnOptions {
  // argv[0] is the program: a path when it has a '/', else looked up in PATH.
  std::vector<std::string> argv;
  // NAME=VALUE entries added to the daemon's environment (replacing a variable of that name).
  std::vector<std::string> extra_env;
  // stdout goes to a pipe that read_output() reads; otherwise it is the daemon's stdout.
  bool capture_stdout = false;
  // stderr goes wherever stdout goes (the pipe when capture_stdout); else the daemon's stderr.
  bool capture_stderr_into_stdout = false;
  // The child leads a process group of its own (setpgid(0, 0)), so that signal_group() and
  // the destructor reach everything it started (hooks running `cmd &`).
  bool new_process_group = false;
  // With new_process_group: once the child has exited, and before it is reaped (so its pid,
  // the group's id, cannot have been reused), SIGKILL whatever is left in its group. For
  // hooks: what a hook leaves running (`cmd &`) dies with it. A process that left the group
  // (setsid, setpgid) escapes; see docs/design/trust.md.
  bool kill_group_on_exit = false;
  // The child gets SIGTERM when the daemon dies (PR_SET_PDEATHSIG); see child_process.cc.
  bool die_with_parent = false;
};

// How a child ended.
struct ExitStatus {
  // kVanished: someone else reaped it (SIGCHLD ignored): how it ended is unknown.
  enum class Kind : std::uint8_t { kExited, kKilled, kVanished };
  Kind kind = Kind::kExited;
  int value = 0;  // the exit code (kExited) or the signal number (kKilled)

  bool is_success() const { return kind == Kind::kExited && value == 0; }
  // "exited with status 3", "killed by signal 9 (Killed)", "vanished (reaped elsewhere)".
  std::string describe() const;

  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;
};

class ChildProcess {
 public:
  // Called once when the child has exited and been reaped.
  using Exited = std::function<void(ExitStatus status)>;
  // Called with each chunk of the child's stdout as it arrives, then once with an empty chunk
  // when the pipe reaches end of file (every writer closed it) or fails.
  using Output = std::function<void(std::string_view chunk)>;

  static Result<ChildProcess> spawn(asio::io_context& context, const SpawnOptions& options);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const;
  // Whether the child has not been reaped yet (it may have exited and wait for reaping).
  bool is_running() const;
  // Set once the child has been reaped.
  std::optional<ExitStatus> exit_status() const;

  // Starts waiting for the exit; call at most once. Before `exited` runs, everything the
  // child wrote to its captured stdout before exiting and still unread (up to 64 KiB) is
  // passed to the Output callback, if read_output() was called.
  void wait_exit(Exited exited);
  // Starts reading the captured stdout (capture_stdout must have been set); call at most
  // once. Reads continuously, so the child never blocks on a full pipe. The pipe closes
  // with the ChildProcess: what the child left running and still writes there gets EPIPE.
  void read_output(Output output);

  // kill(2) on the child, or on its process group (new_process_group must have been set).
  // Refused once the child has been reaped.
  Result<void> signal(int signal_number);
  Result<void> signal_group(int signal_number);

 private:
  struct State;
  explicit ChildProcess(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;  // null only when moved from: then only destroy or assign
};

}  // namespace tandem::sys
