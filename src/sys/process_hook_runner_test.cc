#include "sys/process_hook_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/text.h"
#include "sys/process_test_support.h"

namespace tandem::sys {
namespace {

using std::chrono::milliseconds;
using testing::run_until;

// A runner on a scratch events directory, recording what it reports.
class HookRunnerTest : public ::testing::Test {
 protected:
  void make_runner(milliseconds timeout = milliseconds(2000)) {
    runner_.emplace(
        context_, events_.path(), timeout, [this](std::uint64_t id, bool ok) { finished_[id] = ok; },
        Logger([this](LogLevel level, std::string_view line) {
          log_.push_back(std::string(line));
          levels_.push_back(level);
        }));
  }

  // Runs event `id` to completion; its outcome.
  std::optional<bool> run(std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments = {}) {
    runner_->run(id, event, arguments);
    run_until(context_, [&] { return finished_.contains(id); });
    if (!finished_.contains(id)) return std::nullopt;
    return finished_[id];
  }

  // A hook that appends its name and arguments to the file "calls".
  void write_recording_hook(const std::string& name, mode_t mode = 0755) {
    events_.write_script(name, "echo \"${0##*/} $*\" >> " + scratch_.file("calls"), mode);
  }

  std::vector<std::string> calls() const {
    std::string text = scratch_.read("calls");
    std::vector<std::string> result;
    for (std::string_view line : split_lines(text)) result.emplace_back(line);
    return result;
  }

  asio::io_context context_;
  testing::TempDir events_;
  testing::TempDir scratch_;
  std::optional<ProcessHookRunner> runner_;
  std::map<std::uint64_t, bool> finished_;
  std::vector<std::string> log_;
  std::vector<LogLevel> levels_;  // of log_'s lines, in the same order
};

TEST(IsHookName, AcceptsTwoDigitsADotAndAName) {
  EXPECT_TRUE(is_hook_name("10.interface"));
  EXPECT_TRUE(is_hook_name("00.a"));
  EXPECT_TRUE(is_hook_name("50.iscsi-target_2.sh"));
  EXPECT_FALSE(is_hook_name("10."));
  EXPECT_FALSE(is_hook_name("1.interface"));
  EXPECT_FALSE(is_hook_name("100.interface"));
  EXPECT_FALSE(is_hook_name("10-interface"));
  EXPECT_FALSE(is_hook_name("README"));
  EXPECT_FALSE(is_hook_name("10.interface~"));
  EXPECT_FALSE(is_hook_name("10.interface.rpmnew"));
  EXPECT_FALSE(is_hook_name("10.interface.rpmsave"));
  EXPECT_FALSE(is_hook_name("10.interface.dpkg-old"));
  EXPECT_FALSE(is_hook_name("10.two words"));
}

TEST_F(HookRunnerTest, RunsEveryHookInOrderWithTheEventAndItsArguments) {
  write_recording_hook("20.second");
  write_recording_hook("10.first");
  write_recording_hook("30.third");
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kTakeIp, {"203.0.113.10/24", "eth1"}), true);
  EXPECT_EQ(calls(),
            (std::vector<std::string>{"10.first takeip 203.0.113.10/24 eth1", "20.second takeip 203.0.113.10/24 eth1",
                                      "30.third takeip 203.0.113.10/24 eth1"}));
  EXPECT_TRUE(log_.empty());
}

TEST_F(HookRunnerTest, SkipsBadlyNamedAndNonExecutableFiles) {
  write_recording_hook("10.good");
  write_recording_hook("5.short");
  write_recording_hook("README");
  write_recording_hook("10.good~");
  write_recording_hook("20.good.rpmnew");
  write_recording_hook("25.good.dpkg-old");
  write_recording_hook("30.not-executable", 0644);
  std::filesystem::create_directory(events_.file("40.directory"));
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kMonitor), true);
  EXPECT_EQ(calls(), (std::vector<std::string>{"10.good monitor"}));
}

TEST_F(HookRunnerTest, AFailingHookStopsTheRunAndIsLoggedWithItsOutput) {
  write_recording_hook("10.first");
  events_.write_script("20.broken", "echo 'disk on fire'; echo 'second line' >&2; exit 3");
  write_recording_hook("30.never");
  make_runner();
  EXPECT_EQ(run(7, HookEvent::kTakeGroup, {"storage"}), false);
  EXPECT_EQ(calls(), (std::vector<std::string>{"10.first takegroup storage"}));
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], "hook takegroup: 20.broken exited with status 3: disk on fire | second line");
  EXPECT_EQ(levels_, std::vector<LogLevel>{LogLevel::kWarning});
}

TEST_F(HookRunnerTest, KeepsOnlyTheStartOfAHooksOutput) {
  events_.write_script("10.chatty", "head -c 100000 /dev/zero | tr '\\0' x; exit 1");
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kMonitor), false);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_LT(log_[0].size(), kOutputKeptMax + 100);
  EXPECT_NE(log_[0].find("xxxx"), std::string::npos);
}

TEST_F(HookRunnerTest, ReportsHowEachHookEndedWithTheLastLinesOfItsOutput) {
  events_.write_script("10.fine", "echo ok");
  events_.write_script("20.broken", "for i in 1 2 3 4 5 6 7; do echo line $i; done; exit 4");
  make_runner();
  std::vector<HookOutcome> outcomes;
  runner_->set_outcome_observer([&](const HookOutcome& outcome) { outcomes.push_back(outcome); });
  EXPECT_EQ(run(1, HookEvent::kTakeIp, {"203.0.113.10/24", "eth1"}), false);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].script, "10.fine");
  EXPECT_TRUE(outcomes[0].status.is_success());
  EXPECT_EQ(outcomes[0].last_lines, (std::vector<std::string>{"ok"}));
  EXPECT_EQ(outcomes[1].event, HookEvent::kTakeIp);
  EXPECT_EQ(outcomes[1].status, (ExitStatus{ExitStatus::Kind::kExited, 4}));
  EXPECT_FALSE(outcomes[1].timed_out);
  EXPECT_EQ(outcomes[1].last_lines, (std::vector<std::string>{"line 3", "line 4", "line 5", "line 6", "line 7"}));
}

TEST_F(HookRunnerTest, ReportsAHookKilledAtTheTimeout) {
  events_.write_script("10.hang", "echo started; sleep 30");
  make_runner(milliseconds(200));
  std::vector<HookOutcome> outcomes;
  runner_->set_outcome_observer([&](const HookOutcome& outcome) { outcomes.push_back(outcome); });
  EXPECT_EQ(run(1, HookEvent::kMonitor), false);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].timed_out);
  EXPECT_EQ(outcomes[0].status.kind, ExitStatus::Kind::kKilled);
}

TEST_F(HookRunnerTest, AMissingEventsDirectoryMeansNoHooks) {
  runner_.emplace(
      context_, events_.file("no-such-dir"), milliseconds(1000),
      [this](std::uint64_t id, bool ok) { finished_[id] = ok; },
      Logger([this](LogLevel, std::string_view line) { log_.push_back(std::string(line)); }));
  runner_->run(1, HookEvent::kIpReallocated, {});
  EXPECT_TRUE(finished_.empty());  // never from inside run()
  ASSERT_TRUE(run_until(context_, [&] { return finished_.contains(1); }));
  EXPECT_TRUE(finished_[1]);
  EXPECT_TRUE(log_.empty());
}

TEST_F(HookRunnerTest, KillsAHangingHookWithItsWholeProcessGroup) {
  events_.write_script("10.hang", "sleep 30 & echo $! > " + scratch_.file("grandchild") + "; echo $$ > " +
                                      scratch_.file("hook") + "; sleep 30");
  make_runner(milliseconds(200));
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(run(1, HookEvent::kMonitor), false);
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(1500));
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], "hook monitor timed out after 200 ms in 10.hang, killed");

  std::optional<std::uint64_t> grandchild = parse_unsigned(trim(scratch_.read("grandchild")));
  std::optional<std::uint64_t> hook = parse_unsigned(trim(scratch_.read("hook")));
  ASSERT_TRUE(grandchild && hook);
  EXPECT_TRUE(testing::wait_gone(static_cast<pid_t>(*grandchild)));
  EXPECT_TRUE(testing::wait_gone(static_cast<pid_t>(*hook)));
}

TEST_F(HookRunnerTest, KillsWhatAHookLeftRunningWhenItExits) {
  events_.write_script("10.detach", "sleep 30 & echo $! > " + scratch_.file("grandchild"));
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kTakeGroup, {"storage"}), true);
  std::optional<std::uint64_t> grandchild = parse_unsigned(trim(scratch_.read("grandchild")));
  ASSERT_TRUE(grandchild);
  EXPECT_TRUE(testing::wait_gone(static_cast<pid_t>(*grandchild)));
}

TEST_F(HookRunnerTest, RefusesAHookThatGroupOrOtherMayWrite) {
  write_recording_hook("10.open", 0775);
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kTakeIp, {"203.0.113.10/24", "eth1"}), false);
  EXPECT_TRUE(calls().empty());
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], "hook takeip: " + events_.file("10.open") +
                         ": mode 0775 lets group or other write the hook; chmod go-w it (see docs/design/trust.md)");
}

TEST_F(HookRunnerTest, RefusesAnEventsDirectoryAnotherUserOwns) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the directory away";
  write_recording_hook("10.first");
  ASSERT_EQ(::chown(events_.path().c_str(), 65534, 65534), 0);
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kMonitor), false);
  EXPECT_TRUE(calls().empty());
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], "hook monitor: " + events_.path() +
                         ": the events directory is owned by uid 65534, not uid 0 that runs tandemd; chown root it "
                         "(see docs/design/trust.md)");
}

TEST_F(HookRunnerTest, HooksDoNotInheritSystemdsNotifySocket) {
  ASSERT_EQ(::setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1), 0);
  events_.write_script("10.env", "echo \"${NOTIFY_SOCKET-unset}\" > " + scratch_.file("env"));
  make_runner();
  EXPECT_EQ(run(1, HookEvent::kMonitor), true);
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_EQ(scratch_.read("env"), "unset\n");
}

TEST_F(HookRunnerTest, TheTimeoutBoundsTheWholeEvent) {
  events_.write_script("10.slow", "sleep 0.15");
  events_.write_script("20.slow", "sleep 0.15");
  make_runner(milliseconds(220));
  EXPECT_EQ(run(1, HookEvent::kReleaseIp, {"203.0.113.10/24", "eth1"}), false);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], "hook releaseip timed out after 220 ms in 20.slow, killed");
}

TEST_F(HookRunnerTest, RunsOverlappingEventsIndependently) {
  events_.write_script("10.picky", "sleep 0.05; [ \"$1\" = takeip ]");
  make_runner();
  runner_->run(1, HookEvent::kTakeIp, {});
  runner_->run(2, HookEvent::kReleaseIp, {});
  runner_->run(3, HookEvent::kTakeIp, {});
  EXPECT_EQ(runner_->runs_in_flight(), 3u);
  ASSERT_TRUE(run_until(context_, [&] { return finished_.size() == 3; }));
  EXPECT_EQ(finished_, (std::map<std::uint64_t, bool>{{1, true}, {2, false}, {3, true}}));
  EXPECT_EQ(runner_->runs_in_flight(), 0u);
}

TEST_F(HookRunnerTest, TakesANewEventsDirectoryAndTimeoutForLaterRuns) {
  testing::TempDir other;
  other.write_script("10.other", "exit 1");
  make_runner();
  runner_->set_events_dir(other.path());
  runner_->set_timeout(milliseconds(1500));
  EXPECT_EQ(run(1, HookEvent::kStartup), false);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0], "hook startup: 10.other exited with status 1");
}

TEST_F(HookRunnerTest, DestructionKillsEveryHookStillRunning) {
  events_.write_script("10.hang", "sleep 30 & echo $! > " + scratch_.file("grandchild") + "; echo $$ > " +
                                      scratch_.file("hook") + "; sleep 30");
  make_runner();
  runner_->run(1, HookEvent::kMonitor, {});
  ASSERT_TRUE(run_until(context_, [&] { return !trim(scratch_.read("hook")).empty(); }));
  std::optional<std::uint64_t> grandchild = parse_unsigned(trim(scratch_.read("grandchild")));
  std::optional<std::uint64_t> hook = parse_unsigned(trim(scratch_.read("hook")));
  ASSERT_TRUE(grandchild && hook);
  runner_.reset();
  EXPECT_TRUE(testing::is_gone(static_cast<pid_t>(*hook)));  // killed and reaped at once
  EXPECT_TRUE(testing::wait_gone(static_cast<pid_t>(*grandchild)));
  context_.run_for(milliseconds(20));
  EXPECT_TRUE(finished_.empty());
}

}  // namespace
}  // namespace tandem::sys
