#include "sys/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

#include "base/unique_fd.h"

extern char** environ;  // NOLINT: the process environment, which POSIX gives only this way

namespace tandem::sys {
namespace {

// The signal a child gets when the daemon dies, with die_with_parent. SIGTERM rather than
// SIGKILL: a lock helper that holds the cluster lock in etcd or Ceph can then give the lock
// up at once instead of leaving it to expire with its lease, and a hook can undo a half-done
// step. One that ignores SIGTERM is no worse off than without the option (CTDB's helpers also
// watch getppid()), and the daemon, when alive, always ends its children with SIGKILL.
constexpr int kParentDeathSignal = SIGTERM;

// Bytes read from the stdout pipe per read(), and at most per wake-up or at exit: bounded so
// a child that writes without pause cannot hold the loop.
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kReadPerWakeMax = std::size_t{64} * 1024;

// fds at most marked close-on-exec one by one when close_range() is missing (Linux < 5.11).
constexpr int kFallbackFdMax = 65536;

std::string error_text(int error) { return std::generic_category().message(error); }

// Where argv[0] is: itself when it has a '/', else the first executable of that name in PATH.
Result<std::string> resolve_program(const std::string& name) {
  if (name.empty()) return fail("spawn", "empty program name");
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): one thread
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    std::size_t end = std::min(dirs.find(':'), dirs.size());
    std::string dir(dirs.substr(0, end));
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (end == dirs.size()) break;
    dirs.remove_prefix(end + 1);
  }
  return fail(name, "cannot run: not found in PATH");
}

// The daemon's environment with `extra` added, each NAME=VALUE replacing a NAME already there.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> result;
  // systemd's notification variables are the daemon's alone: a child that inherited
  // NOTIFY_SOCKET could report READY, STOPPING or watchdog pings in its name.
  constexpr std::array<std::string_view, 3> kDropped{"NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC"};
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view name = name_of(*entry);
    if (std::find(kDropped.begin(), kDropped.end(), name) != kDropped.end()) continue;
    bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& e) { return name_of(e) == name; });
    if (!replaced) result.emplace_back(*entry);
  }
  result.insert(result.end(), extra.begin(), extra.end());
  return result;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

// Everything the child needs, prepared before fork(): after it, the child may only make
// async-signal-safe calls (no allocation).
struct ChildPlan {
  const char* program = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  int null_fd = -1;        // /dev/null, for stdin
  int output_fd = -1;      // the stdout pipe's write end, or -1
  int exec_error_fd = -1;  // close-on-exec pipe that carries the exec's errno
  bool stderr_into_stdout = false;
  bool new_process_group = false;
  bool die_with_parent = false;
  pid_t parent = 0;
};

void mark_other_fds_close_on_exec() {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  for (int fd = 3; fd < kFallbackFdMax; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

void reset_signals() {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    ::sigaction(signal_number, &default_action, nullptr);  // fails harmlessly for KILL, STOP
  }
  sigset_t empty;
  ::sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
}

// The child's side of fork(). Other fds are made close-on-exec rather than closed so the
// exec-error pipe (itself close-on-exec) stays usable until execve() succeeds.
[[noreturn]] void run_child(const ChildPlan& plan) {
  if (plan.new_process_group) ::setpgid(0, 0);
  if (plan.die_with_parent) {
    // PR_SET_PDEATHSIG fires when the thread that forked exits: the daemon forks from its
    // only (event loop) thread. The parent may have died before the prctl: check.
    ::prctl(PR_SET_PDEATHSIG, kParentDeathSignal);
    if (::getppid() != plan.parent) ::_exit(127);
  }
  ::dup2(plan.null_fd, STDIN_FILENO);
  if (plan.output_fd >= 0) ::dup2(plan.output_fd, STDOUT_FILENO);
  if (plan.stderr_into_stdout) ::dup2(STDOUT_FILENO, STDERR_FILENO);
  mark_other_fds_close_on_exec();
  reset_signals();
  ::execve(plan.program, plan.argv, plan.envp);
  int error = errno;
  ssize_t written = ::write(plan.exec_error_fd, &error, sizeof error);
  (void)written;  // nothing more a failed child can do
  ::_exit(127);
}

// fork() with every signal blocked, so the child runs none of the daemon's handlers before
// reset_signals(); the parent's mask is restored at once.
pid_t fork_child(const ChildPlan& plan) {
  sigset_t all;
  sigset_t previous;
  ::sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  pid_t pid = ::fork();
  if (pid == 0) run_child(plan);
  int fork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = fork_error;
  return pid;
}

// The exec's errno from the child, or 0 once execve() succeeded (the pipe closed on exec).
int read_exec_error(const UniqueFd& exec_error) {
  int error = 0;
  while (true) {
    ssize_t got = ::read(exec_error.get(), &error, sizeof error);
    if (got < 0 && errno == EINTR) continue;
    return got == static_cast<ssize_t>(sizeof error) ? error : 0;
  }
}

// waitid() on an unreaped child: its status once it has exited, else nullopt (with WNOHANG).
std::optional<ExitStatus> reap(pid_t pid, int options) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | options) < 0) {
    if (errno == EINTR) continue;
    return ExitStatus{ExitStatus::Kind::kVanished, 0};  // ECHILD: reaped elsewhere
  }
  if (info.si_pid == 0) return std::nullopt;
  if (info.si_code == CLD_EXITED) return ExitStatus{ExitStatus::Kind::kExited, info.si_status};
  return ExitStatus{ExitStatus::Kind::kKilled, info.si_status};
}

// The raw system call: glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot link to
// its pidfd_open().
int open_pidfd(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // NOLINT: variadic
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> make_pipe(const std::string& program) {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    return fail(program, "cannot make a pipe: " + error_text(errno));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// /dev/null for stdin, the exec-error pipe and, when captured, the stdout pipe (its read end
// non-blocking: it is read in handlers until EAGAIN).
struct ChildFds {
  UniqueFd null;
  Pipe exec_error;
  Pipe output;
};

Result<ChildFds> open_child_fds(const std::string& program, bool capture_stdout) {
  ChildFds fds;
  fds.null.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!fds.null.is_valid()) return fail(program, "cannot open /dev/null: " + error_text(errno));
  Result<Pipe> exec_error = make_pipe(program);
  if (!exec_error) return fail(exec_error.error());
  fds.exec_error = std::move(*exec_error);
  if (!capture_stdout) return fds;
  Result<Pipe> output = make_pipe(program);
  if (!output) return fail(output.error());
  fds.output = std::move(*output);
  ::fcntl(fds.output.read.get(), F_SETFL, O_NONBLOCK);
  return fds;
}

}  // namespace

std::string ExitStatus::describe() const {
  switch (kind) {
    case Kind::kExited:
      return "exited with status " + std::to_string(value);
    case Kind::kKilled: {
      const char* name = ::sigdescr_np(value);
      return "killed by signal " + std::to_string(value) + (name != nullptr ? " (" + std::string(name) + ")" : "");
    }
    case Kind::kVanished:
      return "vanished (reaped elsewhere)";
  }
  return "unknown";
}

// Invariants: `status` is set exactly when the child has been reaped; `alive` lives exactly
// as long as this State, and handlers check it before touching anything.
struct ChildProcess::State {
  State(asio::io_context& context, pid_t child, bool own_group, bool kill_group)
      : pid(child),
        has_group(own_group),
        kills_group_on_exit(own_group && kill_group),
        exit_watch(context),
        output_pipe(context) {}
  ~State() { kill_and_reap(); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // Hands the fds to the descriptors (which then own them) for the io_context to poll.
  Result<void> take_fds(UniqueFd pidfd, UniqueFd stdout_read);
  void kill_and_reap();
  void watch_exit();
  void on_exit_readable();
  void watch_output();
  // Reads what the pipe holds now (up to kReadPerWakeMax) and passes it on. False when this
  // State was destroyed by the callback or the output ended.
  bool read_available();
  void end_output();

  pid_t pid;
  bool has_group;
  bool kills_group_on_exit;
  std::optional<ExitStatus> status;
  asio::posix::stream_descriptor exit_watch;   // the pidfd
  asio::posix::stream_descriptor output_pipe;  // stdout's read end (non-blocking), if captured
  Exited exited;
  Output output;
  bool is_reading_output = false;
  bool has_output_ended = false;
  std::shared_ptr<char> alive = std::make_shared<char>();
};

Result<void> ChildProcess::State::take_fds(UniqueFd pidfd, UniqueFd stdout_read) {
  asio::error_code error;
  exit_watch.assign(pidfd.get(), error);
  if (error) return fail("", "cannot poll its pidfd: " + error.message());
  (void)pidfd.release();
  if (!stdout_read.is_valid()) return success();
  output_pipe.assign(stdout_read.get(), error);
  if (error) return fail("", "cannot poll its stdout: " + error.message());
  (void)stdout_read.release();
  return success();
}

void ChildProcess::State::kill_and_reap() {
  if (status) return;
  // Unreaped, the child's pid (the group's id) is still ours: the group can be signalled.
  if (kills_group_on_exit) ::kill(-pid, SIGKILL);
  status = reap(pid, WNOHANG);
  if (status) return;
  ::kill(has_group ? -pid : pid, SIGKILL);
  status = reap(pid, 0);  // immediate after SIGKILL, unless the child is stuck in the kernel
}

void ChildProcess::State::watch_exit() {
  std::weak_ptr<char> token = alive;
  exit_watch.async_wait(asio::posix::descriptor_base::wait_read, [this, token](const asio::error_code& error) {
    // An error here cannot be acted on: the destructor still reaps.
    if (token.expired() || error) return;
    on_exit_readable();
  });
}

void ChildProcess::State::on_exit_readable() {
  std::weak_ptr<char> token = alive;
  // The pidfd is readable: the child has exited but is not reaped yet, so its group id
  // cannot name anyone else's group.
  if (kills_group_on_exit) ::kill(-pid, SIGKILL);
  status = reap(pid, WNOHANG);
  if (!status) {
    watch_exit();
    return;
  }
  if (is_reading_output && !has_output_ended && !read_available()) {
    if (token.expired()) return;
  }
  Exited callback = std::move(exited);
  if (callback) callback(*status);
}

void ChildProcess::State::watch_output() {
  std::weak_ptr<char> token = alive;
  output_pipe.async_wait(asio::posix::descriptor_base::wait_read, [this, token](const asio::error_code& error) {
    if (token.expired() || has_output_ended) return;
    if (error) {
      end_output();
      return;
    }
    if (read_available()) watch_output();
  });
}

// Reading in our own handler rather than with async_read_some: no chunk is ever held in a
// queued completion, so the reads at exit cannot overtake one (output stays in order).
bool ChildProcess::State::read_available() {
  std::weak_ptr<char> token = alive;
  std::array<char, kReadChunk> buffer{};
  for (std::size_t total = 0; total < kReadPerWakeMax;) {
    ssize_t got = ::read(output_pipe.native_handle(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (got <= 0) {
      end_output();
      return false;
    }
    Output callback = output;
    callback(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    if (token.expired()) return false;
    total += static_cast<std::size_t>(got);
  }
  return true;
}

void ChildProcess::State::end_output() {
  has_output_ended = true;
  Output callback = std::move(output);
  if (callback) callback(std::string_view());
}

Result<ChildProcess> ChildProcess::spawn(asio::io_context& context, const SpawnOptions& options) {
  if (options.argv.empty()) return fail("spawn", "no program given");
  const std::string& name = options.argv.front();
  Result<std::string> program = resolve_program(name);
  if (!program) return fail(program.error());

  std::vector<std::string> argv = options.argv;
  std::vector<std::string> env = child_environment(options.extra_env);
  std::vector<char*> argv_pointers = pointers_to(argv);
  std::vector<char*> env_pointers = pointers_to(env);

  Result<ChildFds> fds = open_child_fds(name, options.capture_stdout);
  if (!fds) return fail(fds.error());
  ChildPlan plan{.program = program->c_str(),
                 .argv = argv_pointers.data(),
                 .envp = env_pointers.data(),
                 .null_fd = fds->null.get(),
                 .output_fd = fds->output.write.get(),
                 .exec_error_fd = fds->exec_error.write.get(),
                 .stderr_into_stdout = options.capture_stderr_into_stdout,
                 .new_process_group = options.new_process_group,
                 .die_with_parent = options.die_with_parent,
                 .parent = ::getpid()};
  pid_t pid = fork_child(plan);
  if (pid < 0) return fail(name, "cannot fork: " + error_text(errno));
  // Also from the parent, so that signal_group() works even before the child has run.
  if (options.new_process_group) ::setpgid(pid, pid);
  fds->output.write.reset();
  fds->exec_error.write.reset();

  if (int error = read_exec_error(fds->exec_error.read); error != 0) {
    reap(pid, 0);
    return fail(name, "cannot run: " + error_text(error));
  }
  UniqueFd pidfd(open_pidfd(pid));
  if (!pidfd.is_valid()) {
    int error = errno;
    ::kill(options.new_process_group ? -pid : pid, SIGKILL);
    reap(pid, 0);
    return fail(name, "cannot watch the child (pidfd_open): " + error_text(error));
  }
  auto state = std::make_unique<State>(context, pid, options.new_process_group, options.kill_group_on_exit);
  if (Result<void> watched = state->take_fds(std::move(pidfd), std::move(fds->output.read)); !watched) {
    return fail(name, watched.error().cause);  // ~State kills and reaps the child
  }
  return ChildProcess(std::move(state));
}

ChildProcess::ChildProcess(std::unique_ptr<State> state) : state_(std::move(state)) {}
ChildProcess::ChildProcess(ChildProcess&& other) noexcept = default;
ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept = default;
ChildProcess::~ChildProcess() = default;

pid_t ChildProcess::pid() const { return state_->pid; }
bool ChildProcess::is_running() const { return !state_->status.has_value(); }
std::optional<ExitStatus> ChildProcess::exit_status() const { return state_->status; }

void ChildProcess::wait_exit(Exited exited) {
  TANDEM_CHECK(!state_->exited && !state_->status);
  state_->exited = std::move(exited);
  state_->watch_exit();
}

void ChildProcess::read_output(Output output) {
  TANDEM_CHECK(state_->output_pipe.is_open() && !state_->is_reading_output);
  state_->output = std::move(output);
  state_->is_reading_output = true;
  state_->watch_output();
}

Result<void> ChildProcess::signal(int signal_number) {
  std::string place = "child " + std::to_string(state_->pid);
  if (state_->status) return fail(place, "already reaped");
  if (::kill(state_->pid, signal_number) != 0) return fail(place, error_text(errno));
  return success();
}

Result<void> ChildProcess::signal_group(int signal_number) {
  std::string place = "process group " + std::to_string(state_->pid);
  if (!state_->has_group) return fail(place, "the child has no process group of its own");
  if (state_->status) return fail(place, "its leader was already reaped");
  if (::kill(-state_->pid, signal_number) != 0) return fail(place, error_text(errno));
  return success();
}

}  // namespace tandem::sys
