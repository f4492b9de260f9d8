#include "lab/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/unique_fd.h"

extern char** environ;

namespace tandem::lab {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int error) { return std::strerror(error); }

Failure command_failure(const Command& command, const std::string& cause) {
  return fail("`" + command.text() + "`", cause);
}

// posix_spawn's file actions and attributes, freed whatever happens.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawnattr_init(&attributes_);
    // Start with default signal handling and nothing blocked, whatever the caller's threads
    // (the prober's) have set.
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigfillset(&defaults);
    ::posix_spawnattr_setsigmask(&attributes_, &none);
    ::posix_spawnattr_setsigdefault(&attributes_, &defaults);
    flags_ = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  posix_spawn_file_actions_t* actions() { return &actions_; }
  void add_flags(short flags) { flags_ = static_cast<short>(flags_ | flags); }

  Result<pid_t> spawn(const Command& command) {
    ::posix_spawnattr_setflags(&attributes_, flags_);
    std::vector<char*> argv;
    for (const auto& argument : command.argv) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int error = ::posix_spawnp(&pid, argv[0], &actions_, &attributes_, argv.data(), environ);
    if (error != 0) return command_failure(command, "cannot start: " + errno_text(error));
    return pid;
  }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
  short flags_ = 0;
};

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Result<Pipe> make_pipe() {
  std::array<int, 2> ends{};
  if (::pipe2(ends.data(), O_CLOEXEC) != 0) return fail("pipe", errno_text(errno));
  return Pipe{UniqueFd(ends[0]), UniqueFd(ends[1])};
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Reads both pipes to their end or to the deadline; false at the deadline.
bool drain(UniqueFd& out_fd, UniqueFd& err_fd, CommandOutput& output, Clock::time_point deadline) {
  std::array<char, 4096> buffer{};
  while (out_fd.is_valid() || err_fd.is_valid()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    std::array<pollfd, 2> fds{pollfd{out_fd.get(), POLLIN, 0}, pollfd{err_fd.get(), POLLIN, 0}};
    int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return false;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      UniqueFd& fd = i == 0 ? out_fd : err_fd;
      std::string& text = i == 0 ? output.out : output.err;
      ssize_t count = ::read(fd.get(), buffer.data(), buffer.size());
      if (count > 0) {
        text.append(buffer.data(), static_cast<std::size_t>(count));
      } else if (count == 0 || errno != EINTR) {
        fd.reset();
      }
    }
  }
  return true;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<CommandOutput> run_command(const Command& command, std::chrono::milliseconds limit) {
  if (command.argv.empty()) return fail("run", "empty command");
  auto out_pipe = make_pipe();
  auto err_pipe = make_pipe();
  if (!out_pipe || !err_pipe) return command_failure(command, "cannot make a pipe: " + errno_text(errno));
  SpawnSetup setup;
  ::posix_spawn_file_actions_addopen(setup.actions(), 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(setup.actions(), out_pipe->write_end.get(), 1);
  ::posix_spawn_file_actions_adddup2(setup.actions(), err_pipe->write_end.get(), 2);
  auto pid = setup.spawn(command);
  if (!pid) return fail(pid.error());
  out_pipe->write_end.reset();
  err_pipe->write_end.reset();
  CommandOutput output;
  bool is_done = drain(out_pipe->read_end, err_pipe->read_end, output, Clock::now() + limit);
  if (!is_done) ::kill(*pid, SIGKILL);
  output.exit_code = exit_code_of(wait_for(*pid));
  if (!is_done) {
    return command_failure(command, "did not finish within " + std::to_string(limit.count()) + " ms");
  }
  return output;
}

Result<std::string> run_checked(const Command& command, std::chrono::milliseconds limit) {
  auto output = run_command(command, limit);
  if (!output) return fail(output.error());
  if (output->exit_code != 0) {
    std::string err = trimmed(output->err);
    return command_failure(command, "exited " + std::to_string(output->exit_code) + (err.empty() ? "" : ": " + err));
  }
  return std::move(output->out);
}

Result<pid_t> spawn_detached(const Command& command, const std::string& log_path) {
  if (command.argv.empty()) return fail("run", "empty command");
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!log.is_valid()) return fail(log_path, "cannot open the log: " + errno_text(errno));
  SpawnSetup setup;
  ::posix_spawn_file_actions_addopen(setup.actions(), 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(setup.actions(), log.get(), 1);
  ::posix_spawn_file_actions_adddup2(setup.actions(), log.get(), 2);
  setup.add_flags(POSIX_SPAWN_SETSID);
  return setup.spawn(command);
}

}  // namespace tandem::lab
