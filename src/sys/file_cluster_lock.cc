#include "sys/file_cluster_lock.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace tandem::sys {
namespace {

// The first byte, as CTDB's fcntl helper locks it.
struct flock first_byte(short type) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 1;
  lock.l_pid = 0;  // must be 0 for OFD locks
  return lock;
}

std::string errno_text(int error) {
  return std::string(std::strerror(error)) + " (errno " + std::to_string(error) + ")";
}

}  // namespace

FileClusterLock::FileClusterLock(asio::io_context& context, std::string path, LockReport report, Logger log,
                                 std::chrono::milliseconds check_interval, std::chrono::milliseconds attempt_limit,
                                 LockFileOpener opener)
    : path_(std::move(path)),
      report_(std::move(report)),
      log_(std::move(log)),
      check_interval_(check_interval),
      attempt_limit_(attempt_limit),
      opener_(std::move(opener)),
      context_(context),
      check_timer_(context) {}

FileClusterLock::~FileClusterLock() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->is_alive = false;
  }
  if (current_) current_->timer.cancel();
  drop();
}

void FileClusterLock::try_acquire() {
  ++generation_;
  if (is_held()) {
    post_report(LockOutcome::kHeld);
    return;
  }
  if (current_) return;  // the attempt under way reports
  if (shared_->abandoned.load() >= kAbandonedMax) {
    note_failure(std::to_string(shared_->abandoned.load()) +
                 " earlier attempts have not finished (a hung cluster filesystem?)");
    post_report(LockOutcome::kContended);
    return;
  }
  off_loop<LockFileAttempt>([opener = opener_, path = path_] { return opener(path); },
                            [this](std::optional<LockFileAttempt> attempt) { on_attempt(std::move(attempt)); });
}

void FileClusterLock::on_attempt(std::optional<LockFileAttempt> attempt) {
  if (!attempt) {
    note_failure("opening and locking it did not finish within " + std::to_string(attempt_limit_.count()) +
                 " ms (a hung cluster filesystem?)");
    report_(LockOutcome::kContended);
    return;
  }
  note_failure(attempt->failure);  // "" (held, or held by another) is no failure
  if (!attempt->fd.is_valid()) {
    report_(LockOutcome::kContended);
    return;
  }
  fd_ = std::move(attempt->fd);
  ++hold_;
  schedule_check();
  report_(LockOutcome::kHeld);
}

void FileClusterLock::release() {
  ++generation_;
  if (current_) {
    current_->timer.cancel();
    current_.reset();
  }
  drop();
}

template <typename T>
void FileClusterLock::off_loop(std::function<T()> job, std::function<void(std::optional<T>)> done) {
  auto call = std::make_shared<Call>(context_);
  current_ = call;
  call->timer.expires_after(attempt_limit_);
  call->timer.async_wait([this, alive = std::weak_ptr<char>(alive_), call, done](const asio::error_code& error) {
    if (error || alive.expired() || call->is_settled || current_ != call) return;
    call->is_settled = true;
    call->is_abandoned = true;
    ++shared_->abandoned;
    current_.reset();
    done(std::nullopt);
  });
  std::thread([this, shared = shared_, context = &context_, alive = std::weak_ptr<char>(alive_), call,
               job = std::move(job), done = std::move(done)] {
    auto result = std::make_shared<T>(job());
    std::lock_guard lock(shared->mutex);
    if (!shared->is_alive) return;
    asio::post(*context, [this, shared, alive, call, result, done] {
      if (call->is_abandoned) --shared->abandoned;
      // A late result is dropped; a lock it took goes with it (its descriptor is closed).
      if (alive.expired() || call->is_settled || current_ != call) return;
      call->is_settled = true;
      call->timer.cancel();
      current_.reset();
      done(std::move(*result));
    });
  }).detach();
}

Result<void> check_lock_path(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  struct stat status {};
  if (::stat(directory.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
    return fail(path, "the cluster lock's directory " + directory +
                          " does not exist (or is not a directory): create it on the cluster filesystem, "
                          "or mount that filesystem before tandemd starts");
  }
  if (::lstat(path.c_str(), &status) != 0) {
    if (errno == ENOENT) return success();  // made at the first try
    return fail(path, "cannot use the cluster lock file: " + errno_text(errno));
  }
  if (S_ISLNK(status.st_mode)) {
    return fail(path,
                "the cluster lock file is a symbolic link, which tandemd does not follow; "
                "name the file itself");
  }
  if (!S_ISREG(status.st_mode)) return fail(path, "the cluster lock file is not a regular file");
  return success();
}

LockFileAttempt open_and_lock(const std::string& path) {
  // O_NOFOLLOW: root must not create or open a file wherever a symbolic link at the lock's
  // path points (a dangling link would make it create one there).
  // O_NONBLOCK and the fstat below: a FIFO or a device put at the lock's path is refused,
  // never waited on.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600));
  if (!fd.is_valid()) {
    const int error = errno;
    if (error == ELOOP) return {{}, "cannot open " + path + ": it is a symbolic link, which tandemd does not follow"};
    if (error == ENOENT) {
      return {{},
              "cannot open " + path + ": " + errno_text(error) +
                  ": its directory does not exist (is the cluster filesystem mounted?)"};
    }
    return {{}, "cannot open " + path + ": " + errno_text(error)};
  }
  if (struct stat status{}; ::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return {{}, path + ": not a regular file"};
  }
  struct flock lock = first_byte(F_WRLCK);
  if (::fcntl(fd.get(), F_OFD_SETLK, &lock) != 0) {
    int error = errno;
    if (error == EAGAIN || error == EACCES) return {};  // contended: not a failure
    return {{}, "cannot lock " + path + ": " + errno_text(error)};
  }
  return {std::move(fd), ""};
}

namespace {

// Why the lock held through `fd` can no longer be trusted, if it cannot. Runs off the loop.
std::optional<std::string> why_lost(const std::string& path, int fd) {
  struct stat held {};
  if (::fstat(fd, &held) != 0) return "cannot fstat the locked file: " + errno_text(errno);
  struct stat named {};
  if (::stat(path.c_str(), &named) != 0) return "cannot stat " + path + ": " + errno_text(errno);
  if (named.st_dev != held.st_dev || named.st_ino != held.st_ino) {
    return path + " is no longer the file that was locked (deleted or replaced)";
  }
  return std::nullopt;
}

}  // namespace

void FileClusterLock::drop() {
  check_timer_.cancel();
  if (!fd_.is_valid()) return;
  ++hold_;
  // Closing the only descriptor of the open file description releases the lock anyway;
  // unlocking first makes it explicit and independent of any descriptor a bug might share.
  struct flock unlock = first_byte(F_UNLCK);
  (void)::fcntl(fd_.get(), F_OFD_SETLK, &unlock);
  fd_.reset();
}

void FileClusterLock::post_report(LockOutcome outcome) {
  asio::post(context_, [this, alive = std::weak_ptr<char>(alive_), generation = generation_, outcome] {
    if (alive.expired() || generation != generation_) return;
    report_(outcome);
  });
}

void FileClusterLock::schedule_check() {
  check_timer_.expires_after(check_interval_);
  check_timer_.async_wait([this, alive = std::weak_ptr<char>(alive_), hold = hold_](const asio::error_code& error) {
    if (error || alive.expired()) return;
    on_check(hold);
  });
}

void FileClusterLock::on_check(std::uint64_t hold) {
  // A check scheduled before release() (or a loss) may already have been queued when the
  // timer was cancelled: it must not judge a later hold.
  if (hold != hold_ || !is_held() || current_) return;
  // The check's own descriptor of the locked file: closing it never releases the lock, which
  // belongs to the open file description that fd_ keeps.
  auto copy = std::make_shared<UniqueFd>(::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0));
  if (!copy->is_valid()) return lose("cannot duplicate the lock's descriptor: " + errno_text(errno));
  off_loop<std::optional<std::string>>([path = path_, copy] { return why_lost(path, copy->get()); },
                                       [this, hold](std::optional<std::optional<std::string>> cause) {
                                         if (hold != hold_ || !is_held()) return;
                                         if (!cause) {
                                           return lose("checking it did not finish within " +
                                                       std::to_string(attempt_limit_.count()) +
                                                       " ms (a hung cluster filesystem?)");
                                         }
                                         if (*cause) return lose(**cause);
                                         schedule_check();
                                       });
}

void FileClusterLock::lose(const std::string& cause) {
  log_.warning("cluster lock " + path_ + " lost: " + cause);
  ++generation_;
  drop();
  report_(LockOutcome::kLost);
}

// Logs a failure when its cause changes, and the recovery from one; "" is no failure.
void FileClusterLock::note_failure(const std::string& cause) {
  if (cause == last_failure_) return;
  if (cause.empty()) {
    log_.info("cluster lock " + path_ + ": usable again");
  } else {
    log_.warning("cluster lock " + path_ + " not taken: " + cause);
  }
  last_failure_ = cause;
}

}  // namespace tandem::sys
