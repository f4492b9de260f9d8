#include "sys/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>

#include "sys/process_test_support.h"

namespace tandem::sys {
namespace {

using testing::run_until;

SpawnOptions shell(const std::string& script) {
  SpawnOptions options;
  options.argv = {"/bin/sh", "-c", script};
  return options;
}

SpawnOptions captured_shell(const std::string& script) {
  SpawnOptions options = shell(script);
  options.capture_stdout = true;
  return options;
}

// Spawns, reads all output and waits for the exit.
struct Outcome {
  std::string output;
  bool has_output_ended = false;
  std::optional<ExitStatus> status;
  std::string output_at_exit;  // what had been read when the exit was reported
};

Outcome run_to_exit(const SpawnOptions& options) {
  asio::io_context context;
  Result<ChildProcess> child = ChildProcess::spawn(context, options);
  EXPECT_TRUE(child.ok()) << child.error();
  Outcome outcome;
  if (!child) return outcome;
  if (options.capture_stdout) {
    child->read_output([&](std::string_view chunk) {
      if (chunk.empty()) outcome.has_output_ended = true;
      outcome.output += chunk;
    });
  }
  child->wait_exit([&](ExitStatus status) {
    outcome.status = status;
    outcome.output_at_exit = outcome.output;
  });
  EXPECT_TRUE(run_until(context, [&] { return outcome.status.has_value(); }));
  return outcome;
}

TEST(ChildProcess, ReportsTheExitCode) {
  Outcome outcome = run_to_exit(shell("exit 3"));
  ASSERT_TRUE(outcome.status);
  EXPECT_EQ(*outcome.status, (ExitStatus{ExitStatus::Kind::kExited, 3}));
  EXPECT_EQ(outcome.status->describe(), "exited with status 3");
}

TEST(ChildProcess, ReportsAKillBySignal) {
  Outcome outcome = run_to_exit(shell("kill -TERM $$"));
  ASSERT_TRUE(outcome.status);
  EXPECT_EQ(*outcome.status, (ExitStatus{ExitStatus::Kind::kKilled, SIGTERM}));
  EXPECT_EQ(outcome.status->describe().rfind("killed by signal 15", 0), 0u);
}

TEST(ChildProcess, RefusesAProgramThatCannotRunNamingIt) {
  asio::io_context context;
  SpawnOptions options;
  options.argv = {"/nonexistent/tandem-no-such-program", "x"};
  Result<ChildProcess> missing = ChildProcess::spawn(context, options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "/nonexistent/tandem-no-such-program: cannot run: No such file or directory");

  testing::TempDir dir;
  dir.write("not-executable", "#!/bin/sh\n", 0644);
  options.argv = {dir.file("not-executable")};
  Result<ChildProcess> refused = ChildProcess::spawn(context, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(), dir.file("not-executable") + ": cannot run: Permission denied");
}

TEST(ChildProcess, LooksUpABareNameInPath) {
  SpawnOptions options;
  options.argv = {"true"};
  Outcome outcome = run_to_exit(options);
  ASSERT_TRUE(outcome.status);
  EXPECT_TRUE(outcome.status->is_success());

  asio::io_context context;
  options.argv = {"tandem-no-such-program"};
  Result<ChildProcess> missing = ChildProcess::spawn(context, options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message(), "tandem-no-such-program: cannot run: not found in PATH");
}

TEST(ChildProcess, CapturesStdoutAndDeliversItBeforeTheExit) {
  SpawnOptions options = captured_shell("echo one; echo two >&2; printf three");
  options.capture_stderr_into_stdout = true;
  Outcome outcome = run_to_exit(options);
  EXPECT_EQ(outcome.output_at_exit, "one\ntwo\nthree");
  EXPECT_TRUE(outcome.has_output_ended);
}

TEST(ChildProcess, LeavesStderrAloneUnlessAsked) {
  Outcome outcome =
      run_to_exit(captured_shell("if [ /proc/self/fd/1 -ef /proc/self/fd/2 ]; then echo same; else echo apart; fi"));
  EXPECT_EQ(outcome.output, "apart\n");
}

TEST(ChildProcess, AddsExtraEnvironment) {
  SpawnOptions options = captured_shell("echo \"$TANDEM_TEST_WORD $HOME\"");
  options.extra_env = {"TANDEM_TEST_WORD=hello", "HOME=/tandem-home"};
  EXPECT_EQ(run_to_exit(options).output, "hello /tandem-home\n");
}

TEST(ChildProcess, ClosesEveryOtherFd) {
  int inherited = ::open("/dev/null", O_RDONLY);  // deliberately not close-on-exec
  ASSERT_GE(inherited, 3);
  std::string fd = std::to_string(inherited);
  Outcome outcome =
      run_to_exit(captured_shell("if [ -e /proc/self/fd/" + fd + " ]; then echo open; else echo closed; fi"));
  ::close(inherited);
  EXPECT_EQ(outcome.output, "closed\n");
}

TEST(ChildProcess, ResetsSignalMaskAndDispositions) {
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGUSR1, &ignore, &previous);
  sigset_t blocked;
  sigset_t previous_mask;
  ::sigemptyset(&blocked);
  ::sigaddset(&blocked, SIGUSR2);
  ::sigprocmask(SIG_BLOCK, &blocked, &previous_mask);

  Outcome outcome = run_to_exit(captured_shell("grep -E '^Sig(Blk|Ign)' /proc/self/status"));

  ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
  ::sigaction(SIGUSR1, &previous, nullptr);
  EXPECT_EQ(outcome.output, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST(ChildProcess, LeadsItsOwnProcessGroupWhenAsked) {
  asio::io_context context;
  SpawnOptions options;
  options.argv = {"sleep", "30"};
  options.new_process_group = true;
  Result<ChildProcess> child = ChildProcess::spawn(context, options);
  ASSERT_TRUE(child.ok()) << child.error();
  EXPECT_EQ(::getpgid(child->pid()), child->pid());
  std::optional<ExitStatus> status;
  child->wait_exit([&](ExitStatus s) { status = s; });
  ASSERT_TRUE(child->signal_group(SIGKILL).ok());
  ASSERT_TRUE(run_until(context, [&] { return status.has_value(); }));
  EXPECT_EQ(*status, (ExitStatus{ExitStatus::Kind::kKilled, SIGKILL}));
  EXPECT_FALSE(child->is_running());
  EXPECT_FALSE(child->signal(SIGTERM).ok());  // reaped: the pid is no longer ours
}

TEST(ChildProcess, DestructionKillsAndReapsTheChildAndSilencesCallbacks) {
  asio::io_context context;
  SpawnOptions options = captured_shell("exec sleep 30");
  options.new_process_group = true;
  Result<ChildProcess> child = ChildProcess::spawn(context, options);
  ASSERT_TRUE(child.ok()) << child.error();
  pid_t pid = child->pid();
  bool has_called_back = false;
  child->wait_exit([&](ExitStatus) { has_called_back = true; });
  child->read_output([&](std::string_view) { has_called_back = true; });
  { ChildProcess doomed = std::move(*child); }
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // no zombie left to reap
  EXPECT_EQ(errno, ECHILD);
  EXPECT_TRUE(testing::is_gone(pid));
  context.run_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(has_called_back);
}

TEST(ChildProcess, MayBeDestroyedByItsOwnCallback) {
  asio::io_context context;
  SpawnOptions options = captured_shell("echo bye");
  Result<ChildProcess> spawned = ChildProcess::spawn(context, options);
  ASSERT_TRUE(spawned.ok()) << spawned.error();
  std::optional<ChildProcess> child(std::move(*spawned));
  std::string output;
  child->read_output([&](std::string_view chunk) { output += chunk; });
  child->wait_exit([&](ExitStatus) { child.reset(); });
  ASSERT_TRUE(run_until(context, [&] { return !child.has_value(); }));
  EXPECT_EQ(output, "bye\n");
}

}  // namespace
}  // namespace tandem::sys
