// ProcessHookRunner: runs the hooks (event scripts) of the events directory, as CTDB does.
//
// For one event, every regular executable file of the events directory named NN.name (two
// digits, a dot, a name: see is_hook_name) runs in turn, in lexical order of the names, as
// `SCRIPT EVENT ARGUMENTS...` (`10.interface takeip 203.0.113.10/24 eth1`). The directory is
// read afresh for each run, so hooks added or made executable count from the next event.
// Other files are skipped silently: editor and package-manager leftovers (`10.x~`,
// `10.x.rpmnew`, `10.x.dpkg-old`), READMEs, files without an exec bit. A missing events
// directory means no hooks: the event succeeds (tandemd makes it at start). Hooks run as
// root, so the events directory and every hook must be owned by the daemon's user and
// writable by no group or other (check_trusted()); otherwise the event fails, and the log
// names the file, its owner or mode, and the fix. No hook inherits NOTIFY_SOCKET.
//
// CTDB's semantics, on which the state machine relies:
//  - the first hook that fails (exits non-zero or is killed) stops the run: the event fails,
//    and the log names the hook, how it ended and the first lines of its output (stdout and
//    stderr, of which kOutputKeptMax bytes are kept);
//  - the timeout bounds the whole event (CTDB's EventScriptTimeout), not each hook: at the
//    deadline, the hook still running is killed with its whole process group (each hook
//    leads one of its own, so `cmd &` dies with it) and the event fails;
//  - when a hook exits, whatever it left running in its process group is killed too: a
//    service a hook starts must be started through the service manager (systemctl).
// Completion (Finished) comes from an Asio handler, never from inside run(). Runs with
// different ids are independent and may overlap; a run's id must not be in flight already.
// Destroying the runner kills every hook still running, and reports nothing more.
// Single-threaded (the io_context's thread); Finished and the Logger's sink must not destroy the runner.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/interfaces.h"
#include "model/hook_event.h"
#include "sys/child_process.h"
#include "sys/logger.h"

namespace tandem::sys {

// Bytes of a hook's output kept for the log; the rest is read and discarded.
inline constexpr std::size_t kOutputKeptMax = 4096;
// Lines of a failed hook's output quoted in the log line.
inline constexpr std::size_t kOutputLinesLogged = 3;

// Bytes of the end of a hook's output kept for its HookOutcome, and lines of it reported.
inline constexpr std::size_t kOutputTailMax = 2048;
inline constexpr std::size_t kOutputTailLines = 5;

// How one hook script ended, for `tandem history`.
struct HookOutcome {
  HookEvent event = HookEvent::kMonitor;
  std::string script;  // its file name
  ExitStatus status;   // SIGKILL when it timed out
  bool timed_out = false;
  std::chrono::nanoseconds duration{0};
  std::vector<std::string> last_lines;  // of its output (stdout and stderr), at most kOutputTailLines
};

// Whether `file_name` names a hook: NN.name, the name made of letters, digits, '_', '-' and
// '.', and not a package manager's leftover (containing ".rpm" or ".dpkg-").
bool is_hook_name(std::string_view file_name);

class ProcessHookRunner final : public io::HookRunner {
 public:
  using Finished = std::function<void(std::uint64_t id, bool ok)>;

  ProcessHookRunner(asio::io_context& context, std::string events_dir, std::chrono::milliseconds timeout,
                    Finished finished, Logger log);
  ~ProcessHookRunner() override;
  ProcessHookRunner(const ProcessHookRunner&) = delete;
  ProcessHookRunner& operator=(const ProcessHookRunner&) = delete;

  void run(std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments) override;

  // For a configuration reload: both apply to runs started afterwards.
  void set_timeout(std::chrono::milliseconds timeout);
  void set_events_dir(std::string events_dir);

  // Called with how each hook script ended (not for an event without hooks).
  void set_outcome_observer(std::function<void(const HookOutcome&)> observer) { observer_ = std::move(observer); }

  // Runs started and not yet finished.
  std::size_t runs_in_flight() const { return runs_.size(); }

 private:
  struct Run;
  struct Hook;

  Run* find_run(std::uint64_t id, std::uint64_t serial);
  void start_next(Run& run);
  void on_output(std::uint64_t hook_serial, std::string_view chunk);
  void on_hook_exit(std::uint64_t hook_serial, ExitStatus status);
  void on_deadline(Run& run);
  void finish(Run& run, bool ok);
  void report(const Hook& hook, HookEvent event, ExitStatus status, bool timed_out) const;

  asio::io_context& context_;
  std::string events_dir_;
  std::chrono::milliseconds timeout_;
  Finished finished_;
  Logger log_;
  std::function<void(const HookOutcome&)> observer_;
  std::map<std::uint64_t, std::unique_ptr<Run>> runs_;  // by run id
  // Every hook process not yet reaped, by serial; a hook killed at its run's deadline stays
  // here until the kernel has it gone, so the event loop never blocks on it.
  std::map<std::uint64_t, std::unique_ptr<Hook>> hooks_;
  std::uint64_t next_serial_ = 1;  // for runs and hooks: tells a reused id from the old one
  // Handlers hold a weak_ptr to this and do nothing once the runner is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
