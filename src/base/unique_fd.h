// UniqueFd: the one owner of a file descriptor; closes it when destroyed.
//
// Move-only, like std::unique_ptr. It must never be copied, and a raw fd taken from it with
// get() must never outlive the statement that uses it (one owner per resource); release() hands the
// fd to another owner (an Asio descriptor, say) and forgets it.
#pragma once

#include <unistd.h>

#include <utility>

namespace tandem {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  // Whether it owns an fd (a failed open() or socket() gives -1: not valid).
  bool is_valid() const { return fd_ >= 0; }
  int get() const { return fd_; }

  // Gives up ownership without closing; the caller now owns the fd.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }

  // Closes the owned fd, if any, and owns `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;  // -1: owns nothing
};

}  // namespace tandem
