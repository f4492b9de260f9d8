#include "sys/cluster_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "proto/limits.h"

namespace tandem::sys {
namespace {

// Owns one file descriptor for the duration of a read.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// libsodium must be initialised once before use; sodium_init() is idempotent but locks.
void ensure_sodium() {
  static const bool is_ready = sodium_init() >= 0;
  TANDEM_CHECK(is_ready);
}

}  // namespace

Result<ClusterKey> load_cluster_key(const std::string& path) {
  // O_NONBLOCK: opening a FIFO without a writer must not block (sys/bounded_file.h); the
  // read below is bounded to one byte more than a key.
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return fail(path, std::string("cannot open the cluster key: ") + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return fail(path, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(status.st_mode)) return fail(path, "not a regular file");
  if (status.st_uid != ::geteuid()) {
    return fail(path, "the cluster key is owned by uid " + std::to_string(status.st_uid) + ", not by uid " +
                          std::to_string(::geteuid()) + " that runs the daemon; chown it (root:root, mode 0600)");
  }
  if ((status.st_mode & 077) != 0) {
    return fail(
        path, "mode " + octal_mode(status.st_mode) + " allows group or other access to the cluster key; chmod 600 it");
  }
  ClusterKey key;
  // One byte more than a key, to notice a file that is too long.
  std::array<std::uint8_t, kClusterKeySize + 1> buffer{};
  std::size_t size = 0;
  while (size < buffer.size()) {
    const ssize_t count = ::read(fd.get(), buffer.data() + size, buffer.size() - size);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return fail(path, std::string("cannot read: ") + std::strerror(errno));
    if (count == 0) break;
    size += static_cast<std::size_t>(count);
  }
  if (size != kClusterKeySize) {
    sodium_memzero(buffer.data(), buffer.size());
    return fail(path, "the cluster key must be exactly " + std::to_string(kClusterKeySize) + " bytes" +
                          (size > kClusterKeySize ? " (the file is longer)" : ""));
  }
  std::memcpy(key.bytes.data(), buffer.data(), kClusterKeySize);
  sodium_memzero(buffer.data(), buffer.size());
  return key;
}

proto::AuthTag compute_tag(const ClusterKey& key, std::span<const std::uint8_t> authenticated) {
  static_assert(crypto_auth_hmacsha512256_BYTES == std::tuple_size_v<proto::AuthTag>);
  static_assert(crypto_auth_hmacsha512256_KEYBYTES == kClusterKeySize);
  ensure_sodium();
  proto::AuthTag tag{};
  crypto_auth_hmacsha512256(tag.data(), authenticated.data(), authenticated.size(), key.bytes.data());
  return tag;
}

bool is_tag_valid(const ClusterKey& key, std::span<const std::uint8_t> authenticated,
                  std::span<const std::uint8_t> tag) {
  if (tag.size() != crypto_auth_hmacsha512256_BYTES) return false;
  ensure_sodium();
  return crypto_auth_hmacsha512256_verify(tag.data(), authenticated.data(), authenticated.size(), key.bytes.data()) ==
         0;
}

}  // namespace tandem::sys
