#include "sys/file_cluster_lock.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <fstream>

#include "sys/lock_test_support.h"

namespace tandem::sys {
namespace {

using namespace std::chrono_literals;
using lock_testing::Recorder;
using lock_testing::run_for;
using lock_testing::run_until;
using lock_testing::ScratchDirectory;

constexpr auto kFastCheck = 20ms;

class FileClusterLockTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(scratch_.is_valid()); }

  // Tries and waits for the one outcome.
  LockOutcome acquire(FileClusterLock& lock, Recorder& recorder) {
    std::size_t before = recorder.outcomes.size();
    lock.try_acquire();
    EXPECT_TRUE(run_until(context_, [&] { return recorder.outcomes.size() > before; }));
    return recorder.outcomes.empty() ? LockOutcome::kLost : recorder.outcomes.back();
  }

  asio::io_context context_;
  ScratchDirectory scratch_;
  std::string path_ = scratch_.file("cluster.lock");
};

TEST_F(FileClusterLockTest, FirstAcquirerHoldsAndSecondIsContended) {
  Recorder first_recorder, second_recorder;
  FileClusterLock first(context_, path_, first_recorder.report(), first_recorder.log(), kFastCheck);
  FileClusterLock second(context_, path_, second_recorder.report(), second_recorder.log(), kFastCheck);

  EXPECT_EQ(acquire(first, first_recorder), LockOutcome::kHeld);
  EXPECT_EQ(acquire(second, second_recorder), LockOutcome::kContended);
  EXPECT_TRUE(first.is_held());
  EXPECT_FALSE(second.is_held());
  EXPECT_TRUE(second_recorder.log_lines.empty()) << "contention is not a failure to log";
}

TEST_F(FileClusterLockTest, ReleaseLetsTheOtherAcquire) {
  Recorder first_recorder, second_recorder;
  FileClusterLock first(context_, path_, first_recorder.report(), first_recorder.log(), kFastCheck);
  FileClusterLock second(context_, path_, second_recorder.report(), second_recorder.log(), kFastCheck);
  ASSERT_EQ(acquire(first, first_recorder), LockOutcome::kHeld);
  ASSERT_EQ(acquire(second, second_recorder), LockOutcome::kContended);

  first.release();
  EXPECT_EQ(acquire(second, second_recorder), LockOutcome::kHeld);
  EXPECT_EQ(acquire(first, first_recorder), LockOutcome::kContended);
}

TEST_F(FileClusterLockTest, DestroyingTheHolderReleasesTheLock) {
  Recorder first_recorder, second_recorder;
  {
    FileClusterLock first(context_, path_, first_recorder.report(), first_recorder.log(), kFastCheck);
    ASSERT_EQ(acquire(first, first_recorder), LockOutcome::kHeld);
  }
  FileClusterLock second(context_, path_, second_recorder.report(), second_recorder.log(), kFastCheck);
  EXPECT_EQ(acquire(second, second_recorder), LockOutcome::kHeld);
}

TEST_F(FileClusterLockTest, CreatesAMissingFileReadableByRootOnly) {
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  ASSERT_EQ(acquire(lock, recorder), LockOutcome::kHeld);
  struct stat status {};
  ASSERT_EQ(::stat(path_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
}

TEST_F(FileClusterLockTest, AcquiringWhileHeldReportsHeldAgain) {
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  ASSERT_EQ(acquire(lock, recorder), LockOutcome::kHeld);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kHeld);
  run_for(context_, 3 * kFastCheck);
  EXPECT_EQ(recorder.outcomes.size(), 2u);
}

TEST_F(FileClusterLockTest, ReportsOnlyFromTheLoopNeverFromInsideTheCall) {
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  lock.try_acquire();
  EXPECT_TRUE(recorder.outcomes.empty());
  EXPECT_TRUE(run_until(context_, [&] { return !recorder.outcomes.empty(); }));
}

TEST_F(FileClusterLockTest, ReleaseDropsAReportNotYetDelivered) {
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  lock.try_acquire();
  lock.release();
  run_for(context_, 3 * kFastCheck);
  EXPECT_TRUE(recorder.outcomes.empty());
}

TEST_F(FileClusterLockTest, DeletingTheFileWhileHeldLosesTheLock) {
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  ASSERT_EQ(acquire(lock, recorder), LockOutcome::kHeld);
  run_for(context_, 3 * kFastCheck);
  ASSERT_EQ(recorder.outcomes.size(), 1u) << "an intact lock is not reported again";

  ASSERT_EQ(std::remove(path_.c_str()), 0);
  EXPECT_TRUE(run_until(context_, [&] { return recorder.outcomes.size() == 2; }));
  EXPECT_EQ(recorder.outcomes.back(), LockOutcome::kLost);
  EXPECT_FALSE(lock.is_held());
  EXPECT_TRUE(recorder.logged(path_));
}

TEST_F(FileClusterLockTest, ReplacingTheFileWhileHeldLosesTheLockAndFreesTheNewFile) {
  Recorder recorder, other_recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  ASSERT_EQ(acquire(lock, recorder), LockOutcome::kHeld);

  std::string replacement = scratch_.file("replacement");
  std::ofstream(replacement) << "new\n";
  ASSERT_EQ(std::rename(replacement.c_str(), path_.c_str()), 0);
  EXPECT_TRUE(run_until(context_, [&] { return recorder.outcomes.size() == 2; }));
  EXPECT_EQ(recorder.outcomes.back(), LockOutcome::kLost);
  EXPECT_TRUE(recorder.logged("no longer the file that was locked"));

  FileClusterLock other(context_, path_, other_recorder.report(), other_recorder.log(), kFastCheck);
  EXPECT_EQ(acquire(other, other_recorder), LockOutcome::kHeld);
}

TEST_F(FileClusterLockTest, AFileThatCannotBeOpenedIsContendedAndLoggedOnce) {
  Recorder recorder;
  std::string missing = scratch_.file("no-such-directory/cluster.lock");
  FileClusterLock lock(context_, missing, recorder.report(), recorder.log(), kFastCheck);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kContended);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kContended);
  ASSERT_EQ(recorder.log_lines.size(), 1u);
  EXPECT_NE(recorder.log_lines[0].find(missing), std::string::npos) << recorder.log_lines[0];
  EXPECT_NE(recorder.log_lines[0].find("errno " + std::to_string(ENOENT)), std::string::npos) << recorder.log_lines[0];
}

TEST_F(FileClusterLockTest, LossIsReportedOnceAndTheLockCanBeTakenAgain) {
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  ASSERT_EQ(acquire(lock, recorder), LockOutcome::kHeld);
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  ASSERT_TRUE(run_until(context_, [&] { return recorder.outcomes.size() == 2; }));
  run_for(context_, 3 * kFastCheck);
  EXPECT_EQ(recorder.outcomes.size(), 2u);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kHeld);  // a new file at the path
}

// A dangling link at the lock's path once made root create a file where it pointed.
TEST_F(FileClusterLockTest, NeverFollowsASymbolicLinkAtTheLockPath) {
  Recorder recorder;
  const std::string target = scratch_.file("elsewhere");
  ASSERT_EQ(::symlink(target.c_str(), path_.c_str()), 0);
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kContended);
  struct stat status {};
  EXPECT_NE(::stat(target.c_str(), &status), 0) << "the link's target was created";
  EXPECT_TRUE(recorder.logged("it is a symbolic link, which tandemd does not follow"));
  auto checked = check_lock_path(path_);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().cause,
            "the cluster lock file is a symbolic link, which tandemd does not follow; name the file itself");
}

TEST_F(FileClusterLockTest, AFifoAtTheLockPathIsRefusedNeverWaitedOn) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kContended);
  EXPECT_TRUE(recorder.logged(path_ + ": not a regular file"));
}

// An attempt that does not end until the test lets it: a hung cluster filesystem.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool is_open = false;

  void open() {
    std::lock_guard lock(mutex);
    is_open = true;
    opened.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex);
    opened.wait(lock, [&] { return is_open; });
  }
};

TEST_F(FileClusterLockTest, AnAttemptThatHangsIsContendedAtItsLimitWhileTheLoopRuns) {
  auto gate = std::make_shared<Gate>();
  Recorder recorder;
  FileClusterLock lock(context_, path_, recorder.report(), recorder.log(), kFastCheck, 50ms,
                       [gate](const std::string& path) {
                         gate->wait();
                         return open_and_lock(path);
                       });
  lock.try_acquire();
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kContended);
  EXPECT_EQ(recorder.outcomes.size(), 1u) << "a second try while the first hangs starts no second attempt";
  EXPECT_TRUE(recorder.logged("did not finish within 50 ms"));
  gate->open();
  run_for(context_, 3 * kFastCheck);
  EXPECT_EQ(recorder.outcomes.size(), 1u) << "the late result was reported";
}

TEST_F(FileClusterLockTest, ALockTakenTooLateIsReleased) {
  auto gate = std::make_shared<Gate>();
  auto finished = std::make_shared<std::atomic<bool>>(false);
  Recorder recorder, other_recorder;
  FileClusterLock late(context_, path_, recorder.report(), recorder.log(), kFastCheck, 50ms,
                       [gate, finished](const std::string& path) {
                         gate->wait();
                         auto attempt = open_and_lock(path);
                         *finished = true;
                         return attempt;
                       });
  ASSERT_EQ(acquire(late, recorder), LockOutcome::kContended);
  gate->open();
  ASSERT_TRUE(run_until(context_, [&] { return finished->load(); }));
  run_for(context_, 3 * kFastCheck);  // the late result reaches the loop and is dropped
  EXPECT_FALSE(late.is_held());
  FileClusterLock other(context_, path_, other_recorder.report(), other_recorder.log(), kFastCheck);
  EXPECT_EQ(acquire(other, other_recorder), LockOutcome::kHeld);
}

TEST(CheckLockPath, SaysWhatToCreateWhenTheDirectoryIsMissing) {
  auto checked = check_lock_path("/nonexistent-tandem-test/shared/cluster.lock");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().message(),
            "/nonexistent-tandem-test/shared/cluster.lock: the cluster lock's directory "
            "/nonexistent-tandem-test/shared does not exist (or is not a directory): create it on the cluster "
            "filesystem, or mount that filesystem before tandemd starts");
}

TEST_F(FileClusterLockTest, AcceptsANewOrExistingLockFileAtStart) {
  EXPECT_TRUE(check_lock_path(path_).ok());
  std::ofstream(path_) << "";
  EXPECT_TRUE(check_lock_path(path_).ok());
}

}  // namespace
}  // namespace tandem::sys
