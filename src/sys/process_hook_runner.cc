#include "sys/process_hook_runner.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "base/check.h"
#include "base/text.h"
#include "sys/trusted_path.h"

namespace tandem::sys {
namespace {

namespace fs = std::filesystem;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// A regular file (after symlinks: CTDB's events directories are often links) that may be run.
bool is_executable_file(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  // access() alone says yes to root for a file with no exec bit at all.
  return (info.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0 && ::access(path.c_str(), X_OK) == 0;
}

// The hooks of `events_dir`, in the order they run; none when the directory does not exist.
Result<std::vector<fs::path>> list_hooks(const std::string& events_dir) {
  std::error_code error;
  fs::directory_iterator entries(events_dir, error);
  if (error == std::errc::no_such_file_or_directory) return std::vector<fs::path>{};
  if (error) return fail(events_dir, "cannot read the events directory: " + error.message());
  // Hooks run as root: whoever may write the directory or a hook may run code as root.
  if (auto trusted = check_trusted(events_dir, "events directory", ::geteuid()); !trusted) return fail(trusted.error());
  std::vector<fs::path> hooks;
  for (; entries != fs::directory_iterator(); entries.increment(error)) {
    if (error) return fail(events_dir, "cannot read the events directory: " + error.message());
    const fs::path& path = entries->path();
    if (is_hook_name(path.filename().string()) && is_executable_file(path)) hooks.push_back(path);
  }
  if (error) return fail(events_dir, "cannot read the events directory: " + error.message());
  for (const fs::path& hook : hooks) {
    if (auto trusted = check_trusted(hook.string(), "hook", ::geteuid()); !trusted) return fail(trusted.error());
  }
  std::sort(hooks.begin(), hooks.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  return hooks;
}

// The first non-blank lines of a hook's output, joined for one log line.
std::string first_lines(std::string_view output) {
  std::string result;
  std::size_t taken = 0;
  for (std::string_view line : split_lines(output)) {
    line = trim(line);
    if (line.empty()) continue;
    if (taken++ == kOutputLinesLogged) break;
    if (!result.empty()) result += " | ";
    result += line;
  }
  return result;
}

}  // namespace

bool is_hook_name(std::string_view file_name) {
  if (file_name.size() < 4) return false;
  if (!std::isdigit(static_cast<unsigned char>(file_name[0])) ||
      !std::isdigit(static_cast<unsigned char>(file_name[1])) || file_name[2] != '.') {
    return false;
  }
  std::string_view name = file_name.substr(3);
  if (!std::all_of(name.begin(), name.end(), is_name_char)) return false;  // also `~` backups
  return name.find(".rpm") == std::string_view::npos && name.find(".dpkg-") == std::string_view::npos;
}

// One event's run. `hook_serial` is the hook running now (0: none); a hook whose serial is
// no longer there was killed at the deadline and its exit is no concern of the run.
struct ProcessHookRunner::Run {
  Run(asio::io_context& context, std::uint64_t run_id, std::uint64_t run_serial, HookEvent run_event,
      std::vector<std::string> run_arguments)
      : id(run_id), serial(run_serial), event(run_event), arguments(std::move(run_arguments)), deadline(context) {}

  std::uint64_t id;
  std::uint64_t serial;
  HookEvent event;
  std::vector<std::string> arguments;
  std::chrono::milliseconds timeout{};
  std::string events_dir;
  std::vector<fs::path> hooks;  // listed when the run starts
  std::size_t next = 0;         // index in `hooks` of the one to start next
  std::uint64_t hook_serial = 0;
  asio::steady_timer deadline;
};

struct ProcessHookRunner::Hook {
  ChildProcess process;
  std::uint64_t run_id = 0;
  std::uint64_t run_serial = 0;
  std::string name;    // file name, for the log
  std::string output;  // the first kOutputKeptMax bytes of stdout and stderr
  std::string tail;    // the last kOutputTailMax bytes of them
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

ProcessHookRunner::ProcessHookRunner(asio::io_context& context, std::string events_dir,
                                     std::chrono::milliseconds timeout, Finished finished, Logger log)
    : context_(context),
      events_dir_(std::move(events_dir)),
      timeout_(timeout),
      finished_(std::move(finished)),
      log_(std::move(log)) {}

// alive_ goes first (declared last): then hooks_, whose processes are killed and reaped.
ProcessHookRunner::~ProcessHookRunner() = default;

void ProcessHookRunner::set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
void ProcessHookRunner::set_events_dir(std::string events_dir) { events_dir_ = std::move(events_dir); }

void ProcessHookRunner::run(std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments) {
  TANDEM_CHECK(!runs_.contains(id));
  std::uint64_t serial = next_serial_++;
  auto run = std::make_unique<Run>(context_, id, serial, event, arguments);
  run->timeout = timeout_;
  run->events_dir = events_dir_;
  std::weak_ptr<char> token = alive_;
  run->deadline.expires_after(timeout_);
  run->deadline.async_wait([this, token, id, serial](const asio::error_code& error) {
    if (error || token.expired()) return;
    if (Run* current = find_run(id, serial)) on_deadline(*current);
  });
  runs_.emplace(id, std::move(run));
  // Started from a handler, so that even an event with no hooks finishes after run() returns.
  asio::post(context_, [this, token, id, serial] {
    if (token.expired()) return;
    Run* current = find_run(id, serial);
    if (current == nullptr) return;
    Result<std::vector<fs::path>> hooks = list_hooks(current->events_dir);
    if (!hooks) {
      log_.error("hook " + std::string(hook_event_name(current->event)) + ": " + hooks.error().message());
      finish(*current, false);
      return;
    }
    current->hooks = std::move(*hooks);
    start_next(*current);
  });
}

ProcessHookRunner::Run* ProcessHookRunner::find_run(std::uint64_t id, std::uint64_t serial) {
  auto found = runs_.find(id);
  return found != runs_.end() && found->second->serial == serial ? found->second.get() : nullptr;
}

void ProcessHookRunner::start_next(Run& run) {
  if (run.next == run.hooks.size()) {
    finish(run, true);
    return;
  }
  const fs::path& script = run.hooks[run.next++];
  SpawnOptions options;
  options.argv = {script.string(), std::string(hook_event_name(run.event))};
  options.argv.insert(options.argv.end(), run.arguments.begin(), run.arguments.end());
  options.capture_stdout = true;
  options.capture_stderr_into_stdout = true;
  options.new_process_group = true;
  options.kill_group_on_exit = true;  // what the hook left running (`cmd &`) ends with it
  options.die_with_parent = true;
  Result<ChildProcess> process = ChildProcess::spawn(context_, options);
  if (!process) {
    log_.error("hook " + std::string(hook_event_name(run.event)) + ": " + process.error().message());
    finish(run, false);
    return;
  }
  std::uint64_t serial = next_serial_++;
  auto hook = std::make_unique<Hook>(Hook{
      std::move(*process), run.id, run.serial, script.filename().string(), {}, {}, std::chrono::steady_clock::now()});
  // No alive_ check needed: the runner owns the processes, whose callbacks die with them.
  hook->process.read_output([this, serial](std::string_view chunk) { on_output(serial, chunk); });
  hook->process.wait_exit([this, serial](ExitStatus status) { on_hook_exit(serial, status); });
  run.hook_serial = serial;
  hooks_.emplace(serial, std::move(hook));
}

void ProcessHookRunner::on_output(std::uint64_t hook_serial, std::string_view chunk) {
  auto found = hooks_.find(hook_serial);
  if (found == hooks_.end()) return;
  std::string& output = found->second->output;
  output.append(chunk.substr(0, kOutputKeptMax - std::min(kOutputKeptMax, output.size())));
  std::string& tail = found->second->tail;
  tail.append(chunk.substr(chunk.size() - std::min(chunk.size(), kOutputTailMax)));
  if (tail.size() > kOutputTailMax) tail.erase(0, tail.size() - kOutputTailMax);
}

void ProcessHookRunner::on_hook_exit(std::uint64_t hook_serial, ExitStatus status) {
  auto found = hooks_.find(hook_serial);
  TANDEM_CHECK(found != hooks_.end());
  // Destroyed when this returns: a ChildProcess may be destroyed by its own callback.
  std::unique_ptr<Hook> hook = std::move(found->second);
  hooks_.erase(found);
  Run* run = find_run(hook->run_id, hook->run_serial);
  if (run == nullptr || run->hook_serial != hook_serial) return;  // killed at the deadline
  run->hook_serial = 0;
  report(*hook, run->event, status, false);
  if (!status.is_success()) {
    std::string lines = first_lines(hook->output);
    log_.warning("hook " + std::string(hook_event_name(run->event)) + ": " + hook->name + " " + status.describe() +
                 (lines.empty() ? "" : ": " + lines));
    finish(*run, false);
    return;
  }
  start_next(*run);
}

void ProcessHookRunner::on_deadline(Run& run) {
  std::string where = "before its first hook";
  if (auto found = hooks_.find(run.hook_serial); found != hooks_.end()) {
    where = "in " + found->second->name;
    report(*found->second, run.event, ExitStatus{ExitStatus::Kind::kKilled, SIGKILL}, true);
    // Its exit, once the kernel has it gone, only removes it from hooks_.
    (void)found->second->process.signal_group(SIGKILL);
  }
  log_.warning("hook " + std::string(hook_event_name(run.event)) + " timed out after " +
               std::to_string(run.timeout.count()) + " ms " + where + ", killed");
  run.hook_serial = 0;
  finish(run, false);
}

void ProcessHookRunner::finish(Run& run, bool ok) {
  std::uint64_t id = run.id;
  runs_.erase(id);  // also cancels the deadline
  finished_(id, ok);
}

void ProcessHookRunner::report(const Hook& hook, HookEvent event, ExitStatus status, bool timed_out) const {
  if (!observer_) return;
  HookOutcome outcome{event, hook.name, status, timed_out, std::chrono::steady_clock::now() - hook.started, {}};
  for (std::string_view line : split_lines(hook.tail)) {
    line = trim(line);
    if (!line.empty()) outcome.last_lines.emplace_back(line);
  }
  if (outcome.last_lines.size() > kOutputTailLines) {
    outcome.last_lines.erase(outcome.last_lines.begin(),
                             outcome.last_lines.end() - static_cast<std::ptrdiff_t>(kOutputTailLines));
  }
  observer_(outcome);
}

}  // namespace tandem::sys
