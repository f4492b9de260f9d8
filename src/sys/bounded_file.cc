#include "sys/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace tandem::sys {
namespace {

Failure system_error(const std::string& path, const std::string& what) {
  return fail(path, what + ": " + std::strerror(errno));
}

Result<UniqueFd> open_regular(const std::string& path, Links links) {
  const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (links == Links::kRefuse ? O_NOFOLLOW : 0);
  UniqueFd fd(::open(path.c_str(), flags));
  if (!fd.is_valid() && errno == ELOOP && links == Links::kRefuse) return fail(path, "is a symbolic link");
  if (!fd.is_valid()) return system_error(path, "cannot read");
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return system_error(path, "cannot stat");
  if (!S_ISREG(status.st_mode)) return fail(path, "not a regular file");
  return fd;
}

Result<std::string> read_up_to(const std::string& path, int fd, std::size_t size_max) {
  std::string text;
  std::array<char, std::size_t{16} * 1024> buffer{};
  for (;;) {
    // Never asks for more than one byte past the limit.
    const std::size_t want = std::min(buffer.size(), size_max + 1 - text.size());
    const ssize_t got = ::read(fd, buffer.data(), want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return system_error(path, "cannot read");
    if (got == 0) return text;
    text.append(buffer.data(), static_cast<std::size_t>(got));
    if (text.size() > size_max) return fail(path, "larger than " + std::to_string(size_max) + " bytes");
  }
}

}  // namespace

Result<std::string> read_bounded_file(const std::string& path, const BoundedRead& how) {
  auto fd = open_regular(path, how.links);
  if (!fd) return fail(fd.error());
  return read_up_to(path, fd->get(), how.size_max);
}

Result<std::optional<std::string>> read_bounded_file_if_present(const std::string& path, const BoundedRead& how) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0 && errno == ENOENT) return std::optional<std::string>();
  auto text = read_bounded_file(path, how);
  if (!text) return fail(text.error());
  return std::optional<std::string>(std::move(*text));
}

}  // namespace tandem::sys
