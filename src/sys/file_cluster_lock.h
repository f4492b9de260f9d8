// FileClusterLock: the cluster lock as an fcntl lock on a file on the cluster filesystem.
//
// CTDB's "recovery lock" with a plain path. try_acquire() opens the file (creating it, mode
// 0600; never through a symbolic link: O_NOFOLLOW) and tries once, without waiting, to take a write lock on its first
// byte; it reports kHeld or kContended, and the state machine decides when to try again. While held it checks every
// `check_interval` that the path still names the file it locked (stat(path) against fstat(fd): same device and inode,
// as CTDB's fcntl helper does) and that the descriptor is still usable; if not — the file was deleted, replaced or the
// filesystem went away — it drops the lock and reports kLost. release() unlocks and closes.
//
// The lock is an open-file-description lock (F_OFD_SETLK), not a classic POSIX one: a POSIX
// lock belongs to the process, so any close() of any descriptor of that file anywhere in
// tandemd would silently drop it, and a second attempt from the same process would
// "succeed" against its own lock. An OFD lock belongs to the one open() this object owns
// (O_CLOEXEC, so no hook or helper inherits it) and conflicts with every other open of the
// file, in this process or on another node. The cluster filesystem must support fcntl locks
// across nodes, as CTDB requires (check with CTDB's ping_pong).
//
// It never crashes on the filesystem's account: a file that cannot be opened or locked is
// kContended with a log line naming the path and errno (logged when the cause changes, not
// at every retry). It never waits for the filesystem on the event loop's thread: the
// open(), fcntl() and stat() calls of an attempt or a check run on a thread of their own
// (`attempt_limit`; a cluster filesystem that hangs makes them hang), and the outcome comes
// back to the loop as a report. An attempt that has not finished by its limit is kContended
// ("did not finish within N ms"), a check that has not is kLost (a lock on a filesystem
// that does not answer cannot be trusted); the late result is dropped, a lock it took
// released. At most kAbandonedMax such threads are left waiting; beyond that, attempts are
// kContended at once.
//
// Single-threaded: every call and callback runs on the io_context's thread. Outcomes are
// reported only from Asio handlers, never from inside try_acquire() or release(); a report
// still pending when release() or try_acquire() is called again is dropped, so the last
// call's outcome is the one reported.
#pragma once

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "io/interfaces.h"
#include "sys/lock_outcome.h"
#include "sys/logger.h"

namespace tandem::sys {

inline constexpr std::chrono::milliseconds kLockFileCheckInterval{1000};
inline constexpr std::chrono::milliseconds kLockFileAttemptLimit{2000};

// Whether `path` can be a cluster lock file, for tandemd to check once at start: its
// directory exists, and the path is a regular file or nothing yet (then it is created). A
// symbolic link is refused: the lock file is opened with O_NOFOLLOW, so that root never
// creates or locks a file wherever a link points. Errors name the path and say what to make.
Result<void> check_lock_path(const std::string& path);

// What one attempt at the lock file found: the locked file's descriptor, or why not ("":
// held by another, not a failure). Runs off the loop.
struct LockFileAttempt {
  UniqueFd fd;
  std::string failure;
};
using LockFileOpener = std::function<LockFileAttempt(const std::string& path)>;

// The real attempt: open (O_NOFOLLOW, O_NONBLOCK, created 0600), refuse what is not a regular
// file, take the OFD write lock on the first byte without waiting.
LockFileAttempt open_and_lock(const std::string& path);

class FileClusterLock final : public io::ClusterLock {
 public:
  static constexpr int kAbandonedMax = 4;

  // `opener` is the attempt's work, off the loop (tests give one that hangs).
  FileClusterLock(asio::io_context& context, std::string path, LockReport report, Logger log,
                  std::chrono::milliseconds check_interval = kLockFileCheckInterval,
                  std::chrono::milliseconds attempt_limit = kLockFileAttemptLimit,
                  LockFileOpener opener = open_and_lock);
  // Releases the lock if held; pending handlers become no-ops.
  ~FileClusterLock() override;
  FileClusterLock(const FileClusterLock&) = delete;
  FileClusterLock& operator=(const FileClusterLock&) = delete;

  // Reports kHeld (also when already held) or kContended.
  void try_acquire() override;
  // Unlocks and closes; nothing is reported. Harmless when not held.
  void release() override;

  bool is_held() const { return fd_.is_valid(); }

 private:
  // Shared with the threads: whether this lock still exists (they post nothing after), and
  // how many of them were abandoned at their limit and have not ended.
  struct Shared {
    std::mutex mutex;
    bool is_alive = true;
    std::atomic<int> abandoned{0};
  };
  // One piece of work off the loop; touched only on the loop's thread.
  struct Call {
    explicit Call(asio::io_context& context) : timer(context) {}
    asio::steady_timer timer;
    bool is_settled = false;
    bool is_abandoned = false;
  };

  // Runs `job` on a thread of its own; `done` gets its result on the loop, or nullopt at
  // `attempt_limit_`. `done` is not called once `call` is no longer current_.
  template <typename T>
  void off_loop(std::function<T()> job, std::function<void(std::optional<T>)> done);
  void on_attempt(std::optional<LockFileAttempt> attempt);
  void lose(const std::string& cause);  // logs, drops the lock and reports kLost
  void drop();
  void post_report(LockOutcome outcome);
  void schedule_check();
  void on_check(std::uint64_t hold);
  void note_failure(const std::string& cause);

  std::string path_;
  LockReport report_;
  Logger log_;
  std::chrono::milliseconds check_interval_;
  std::chrono::milliseconds attempt_limit_;
  LockFileOpener opener_;
  asio::io_context& context_;
  asio::steady_timer check_timer_;
  UniqueFd fd_;  // valid exactly while the lock is held
  // Bumped by every try_acquire(), release() and loss; a posted report carries the
  // generation it was made in and is dropped if it has changed since.
  std::uint64_t generation_ = 0;
  // Bumped when a hold begins and when it ends; a check belongs to the hold it was made in.
  std::uint64_t hold_ = 0;
  std::string last_failure_;  // last cause logged, so a repeated failure is logged once
  std::shared_ptr<char> alive_ = std::make_shared<char>();
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  std::shared_ptr<Call> current_;  // the attempt or check under way, if any
};

}  // namespace tandem::sys
