#include "sys/file_cluster_lock.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
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
                                 std::chrono::milliseconds check_interval)
    : path_(std::move(path)),
      report_(std::move(report)),
      log_(std::move(log)),
      check_interval_(check_interval),
      context_(context),
      check_timer_(context) {}

FileClusterLock::~FileClusterLock() { drop(); }

void FileClusterLock::try_acquire() {
  ++generation_;
  if (is_held()) {
    post_report(LockOutcome::kHeld);
    return;
  }
  auto failure = lock_file();
  if (failure) {
    note_failure(*failure);
    post_report(LockOutcome::kContended);
    return;
  }
  note_failure("");
  schedule_check();
  post_report(LockOutcome::kHeld);
}

void FileClusterLock::release() {
  ++generation_;
  drop();
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

std::optional<std::string> FileClusterLock::lock_file() {
  // O_NOFOLLOW: root must not create or open a file wherever a symbolic link at the lock's
  // path points (a dangling link would make it create one there).
  // O_NONBLOCK and the fstat below: a FIFO or a device put at the lock's path is refused,
  // never waited on.
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600));
  if (!fd.is_valid()) {
    const int error = errno;
    if (error == ELOOP) return "cannot open " + path_ + ": it is a symbolic link, which tandemd does not follow";
    if (error == ENOENT) {
      return "cannot open " + path_ + ": " + errno_text(error) +
             ": its directory does not exist (is the cluster filesystem mounted?)";
    }
    return "cannot open " + path_ + ": " + errno_text(error);
  }
  if (struct stat status{}; ::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
    return path_ + ": not a regular file";
  }
  struct flock lock = first_byte(F_WRLCK);
  if (::fcntl(fd.get(), F_OFD_SETLK, &lock) != 0) {
    int error = errno;
    if (error == EAGAIN || error == EACCES) return std::string();  // contended: not a failure
    return "cannot lock " + path_ + ": " + errno_text(error);
  }
  fd_ = std::move(fd);
  ++hold_;
  return std::nullopt;
}

// Why the lock can no longer be trusted, if it cannot.
std::optional<std::string> FileClusterLock::why_lost() const {
  struct stat held {};
  if (::fstat(fd_.get(), &held) != 0) return "cannot fstat the locked file: " + errno_text(errno);
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0) return "cannot stat " + path_ + ": " + errno_text(errno);
  if (named.st_dev != held.st_dev || named.st_ino != held.st_ino) {
    return path_ + " is no longer the file that was locked (deleted or replaced)";
  }
  return std::nullopt;
}

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
  if (hold != hold_ || !is_held()) return;
  auto cause = why_lost();
  if (!cause) {
    schedule_check();
    return;
  }
  log_.warning("cluster lock " + path_ + " lost: " + *cause);
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
