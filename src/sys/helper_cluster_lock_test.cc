#include "sys/helper_cluster_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "sys/lock_test_support.h"

namespace tandem::sys {
namespace {

using namespace std::chrono_literals;
using lock_testing::Recorder;
using lock_testing::run_for;
using lock_testing::run_until;
using lock_testing::ScratchDirectory;

constexpr auto kAnswerTimeout = 300ms;
constexpr auto kTermGrace = 200ms;

class HelperClusterLockTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.is_valid()); }

  // A fake helper: a shell script with `body`.
  std::string write_helper(const std::string& name, const std::string& body) {
    std::string path = scratch_.file(name);
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0700);
    return path;
  }
  std::unique_ptr<HelperClusterLock> make_lock(std::vector<std::string> argv,
                                               std::chrono::milliseconds term_grace = kTermGrace) {
    return std::make_unique<HelperClusterLock>(context_, std::move(argv), recorder_.report(), recorder_.log(),
                                               kAnswerTimeout, term_grace);
  }
  // Tries and waits for the one outcome.
  LockOutcome acquire(HelperClusterLock& lock) {
    std::size_t before = recorder_.outcomes.size();
    lock.try_acquire();
    EXPECT_TRUE(run_until(context_, [&] { return recorder_.outcomes.size() > before; }));
    return recorder_.outcomes.empty() ? LockOutcome::kLost : recorder_.outcomes.back();
  }
  bool all_reaped(HelperClusterLock& lock) {
    return run_until(context_, [&] { return lock.helpers_running() == 0; });
  }

  asio::io_context context_;
  ScratchDirectory scratch_;
  Recorder recorder_;
};

TEST_F(HelperClusterLockTest, StatusZeroIsHeldWhileTheHelperRuns) {
  auto lock = make_lock({write_helper("holds", "printf 0; exec sleep 30")});
  EXPECT_EQ(acquire(*lock), LockOutcome::kHeld);
  EXPECT_TRUE(lock->is_held());
  run_for(context_, 50ms);
  EXPECT_EQ(recorder_.outcomes.size(), 1u);
  EXPECT_EQ(lock->helpers_running(), 1u);
}

TEST_F(HelperClusterLockTest, PassesTheConfiguredArgumentsToTheHelper) {
  std::string seen = scratch_.file("arguments");
  auto lock = make_lock({write_helper("records", "echo \"$@\" > " + seen + "; printf 0; exec sleep 30"), "--endpoints",
                         "http://192.0.2.1:2379", "tandem"});
  ASSERT_EQ(acquire(*lock), LockOutcome::kHeld);
  std::string line;
  std::getline(std::ifstream(seen), line);
  EXPECT_EQ(line, "--endpoints http://192.0.2.1:2379 tandem");
}

TEST_F(HelperClusterLockTest, StatusOneIsContendedAndLoggedOnce) {
  auto lock = make_lock({write_helper("contended", "printf 1")});
  EXPECT_EQ(acquire(*lock), LockOutcome::kContended);
  EXPECT_EQ(acquire(*lock), LockOutcome::kContended);
  EXPECT_TRUE(all_reaped(*lock));
  ASSERT_EQ(recorder_.log_lines.size(), 1u);
  EXPECT_TRUE(recorder_.logged("contended (status '1')")) << recorder_.log_lines[0];
}

TEST_F(HelperClusterLockTest, StatusTwoAndThreeAreContendedAndSaySo) {
  auto timed_out = make_lock({write_helper("timed-out", "printf 2")});
  EXPECT_EQ(acquire(*timed_out), LockOutcome::kContended);
  EXPECT_TRUE(recorder_.logged("timed out (status '2')"));
  auto failed = make_lock({write_helper("failed", "printf 3")});
  EXPECT_EQ(acquire(*failed), LockOutcome::kContended);
  EXPECT_TRUE(recorder_.logged("failed (status '3')"));
}

TEST_F(HelperClusterLockTest, AnyOtherStatusIsABrokenHelperAndContended) {
  auto lock = make_lock({write_helper("broken", "printf 'held\\n'; exec sleep 30")});
  EXPECT_EQ(acquire(*lock), LockOutcome::kContended);
  EXPECT_TRUE(recorder_.logged("unexpected status 'h'"));
  EXPECT_TRUE(all_reaped(*lock)) << "a broken helper is ended";
}

TEST_F(HelperClusterLockTest, AHelperThatExitsWithoutAnsweringIsContended) {
  auto lock = make_lock({write_helper("silent-exit", "exit 4")});
  EXPECT_EQ(acquire(*lock), LockOutcome::kContended);
  EXPECT_TRUE(recorder_.logged("helper"));
}

TEST_F(HelperClusterLockTest, AMissingHelperIsContendedAndLogged) {
  auto lock = make_lock({scratch_.file("no-such-helper")});
  EXPECT_EQ(acquire(*lock), LockOutcome::kContended);
  EXPECT_TRUE(recorder_.logged("no-such-helper"));
}

TEST_F(HelperClusterLockTest, AHelperSayingNothingIsEndedAfterTheTimeoutAsContended) {
  auto lock = make_lock({write_helper("hangs", "exec sleep 30")});
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(acquire(*lock), LockOutcome::kContended);
  EXPECT_GE(std::chrono::steady_clock::now() - started, kAnswerTimeout);
  EXPECT_TRUE(recorder_.logged("said nothing within"));
  EXPECT_TRUE(all_reaped(*lock));
}

TEST_F(HelperClusterLockTest, TheHelperExitingWhileHeldLosesTheLock) {
  auto lock = make_lock({write_helper("gives-up", "printf 0; sleep 0.1; exit 0")});
  ASSERT_EQ(acquire(*lock), LockOutcome::kHeld);
  ASSERT_TRUE(run_until(context_, [&] { return recorder_.outcomes.size() == 2; }));
  EXPECT_EQ(recorder_.outcomes.back(), LockOutcome::kLost);
  EXPECT_FALSE(lock->is_held());
  EXPECT_TRUE(recorder_.logged("cluster lock lost"));
  EXPECT_EQ(acquire(*lock), LockOutcome::kHeld) << "a new attempt runs a new helper";
}

TEST_F(HelperClusterLockTest, TheHelperClosingStdoutWhileHeldLosesTheLock) {
  auto lock = make_lock({write_helper("closes", "printf 0; exec >&-; exec sleep 30")});
  ASSERT_EQ(acquire(*lock), LockOutcome::kHeld);
  ASSERT_TRUE(run_until(context_, [&] { return recorder_.outcomes.size() == 2; }));
  EXPECT_EQ(recorder_.outcomes.back(), LockOutcome::kLost);
  EXPECT_TRUE(all_reaped(*lock)) << "the helper is ended";
}

TEST_F(HelperClusterLockTest, ReleaseTerminatesTheHelperAndReportsNothing) {
  std::string ended = scratch_.file("ended");
  auto lock = make_lock(
      {write_helper("holds", "trap 'touch " + ended + "; exit 0' TERM; printf 0; while :; do sleep 0.05; done")}, 2s);
  ASSERT_EQ(acquire(*lock), LockOutcome::kHeld);
  lock->release();
  EXPECT_FALSE(lock->is_held());
  EXPECT_TRUE(all_reaped(*lock));
  EXPECT_TRUE(std::ifstream(ended).good()) << "the helper got SIGTERM";
  EXPECT_EQ(recorder_.outcomes.size(), 1u);
  EXPECT_FALSE(recorder_.logged("SIGKILL"));
}

TEST_F(HelperClusterLockTest, AHelperIgnoringSigtermIsKilledAfterTheGrace) {
  auto lock = make_lock({write_helper("stubborn", "trap '' TERM; printf 0; sleep 30")});
  ASSERT_EQ(acquire(*lock), LockOutcome::kHeld);
  auto released = std::chrono::steady_clock::now();
  lock->release();
  EXPECT_TRUE(all_reaped(*lock));
  EXPECT_GE(std::chrono::steady_clock::now() - released, kTermGrace);
  EXPECT_TRUE(recorder_.logged("SIGKILL"));
  EXPECT_EQ(recorder_.outcomes.size(), 1u);
}

TEST_F(HelperClusterLockTest, ReleaseDropsAReportNotYetDelivered) {
  auto lock = make_lock({write_helper("contended", "printf 1")});
  lock->try_acquire();
  ASSERT_TRUE(run_until(context_, [&] { return recorder_.logged("status '1'"); }));
  lock->release();
  run_for(context_, 50ms);
  EXPECT_TRUE(recorder_.outcomes.empty());
}

TEST_F(HelperClusterLockTest, TryAcquireWhileAnAttemptIsUnderWayStartsNoSecondHelper) {
  auto lock = make_lock({write_helper("slow", "sleep 0.1; printf 0; exec sleep 30")});
  lock->try_acquire();
  lock->try_acquire();
  EXPECT_TRUE(recorder_.outcomes.empty()) << "never reported from inside the call";
  EXPECT_EQ(lock->helpers_running(), 1u);
  ASSERT_TRUE(run_until(context_, [&] { return !recorder_.outcomes.empty(); }));
  EXPECT_EQ(recorder_.outcomes.back(), LockOutcome::kHeld);
  EXPECT_EQ(acquire(*lock), LockOutcome::kHeld) << "asked again while held";
  EXPECT_EQ(lock->helpers_running(), 1u);
}

TEST_F(HelperClusterLockTest, DestroyingTheLockKillsItsHelpers) {
  std::string pid_file = scratch_.file("pid");
  auto lock = make_lock({write_helper("holds", "echo $$ > " + pid_file + "; printf 0; exec sleep 30")});
  ASSERT_EQ(acquire(*lock), LockOutcome::kHeld);
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  lock.reset();
  EXPECT_NE(::kill(pid, 0), 0) << "the helper is gone and reaped";
}

}  // namespace
}  // namespace tandem::sys
