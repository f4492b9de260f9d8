#include "lab/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/text.h"

namespace tandem::lab {
namespace {

std::string proc_file(pid_t pid, const char* name) { return "/proc/" + std::to_string(pid) + "/" + name; }

// The state letter of /proc/PID/stat ('R', 'S', 'Z', ...); '\0' when gone.
char process_state(pid_t pid) {
  std::ifstream stat(proc_file(pid, "stat"));
  std::string text;
  if (!stat || !std::getline(stat, text)) return '\0';
  auto close = text.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos || close + 2 >= text.size()) return '\0';
  return text[close + 2];
}

bool is_gone(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) return true;  // our child, now reaped
  char state = process_state(pid);
  return state == '\0' || state == 'Z' || state == 'X';
}

}  // namespace

std::optional<std::vector<std::string>> process_arguments(pid_t pid) {
  char state = process_state(pid);
  if (state == '\0' || state == 'Z' || state == 'X') return std::nullopt;
  std::ifstream file(proc_file(pid, "cmdline"), std::ios::binary);
  if (!file) return std::nullopt;
  std::vector<std::string> arguments;
  std::string argument;
  while (std::getline(file, argument, '\0')) arguments.push_back(argument);
  return arguments;
}

bool is_running_with(pid_t pid, const std::vector<std::string>& markers) {
  if (pid <= 1) return false;
  auto arguments = process_arguments(pid);
  if (!arguments) return false;
  return std::all_of(markers.begin(), markers.end(), [&](const std::string& marker) {
    return std::find(arguments->begin(), arguments->end(), marker) != arguments->end();
  });
}

Result<bool> kill_process(pid_t pid, const std::vector<std::string>& markers, std::chrono::milliseconds limit) {
  if (!is_running_with(pid, markers)) {
    if (pid > 1) (void)is_gone(pid);  // reap it if it is our dead child
    return false;
  }
  if (::kill(pid, SIGKILL) != 0 && errno != ESRCH) {
    return fail("pid " + std::to_string(pid), std::string("cannot kill: ") + std::strerror(errno));
  }
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!is_gone(pid)) {
    if (std::chrono::steady_clock::now() > deadline) {
      return fail("pid " + std::to_string(pid), "still alive " + std::to_string(limit.count()) + " ms after SIGKILL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

Result<bool> signal_process(pid_t pid, const std::vector<std::string>& markers, int signal) {
  if (!is_running_with(pid, markers)) return false;
  if (::kill(pid, signal) != 0 && errno != ESRCH) {
    return fail("pid " + std::to_string(pid),
                "cannot send signal " + std::to_string(signal) + ": " + std::strerror(errno));
  }
  return true;
}

std::optional<pid_t> read_pid_file(const std::string& path) {
  std::ifstream file(path);
  std::string text;
  if (!file || !std::getline(file, text)) return std::nullopt;
  auto pid = parse_unsigned(trim(text));
  if (!pid || *pid <= 1 || *pid > 0x3fffffff) return std::nullopt;
  return static_cast<pid_t>(*pid);
}

Result<void> write_pid_file(const std::string& path, pid_t pid) {
  std::ofstream file(path, std::ios::trunc);
  file << pid << "\n";
  if (!file.flush()) return fail(path, "cannot write the pid file");
  return success();
}

}  // namespace tandem::lab
