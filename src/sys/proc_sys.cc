#include "sys/proc_sys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>

#include "base/text.h"
#include "base/unique_fd.h"
#include "sys/bounded_file.h"

namespace tandem::sys {
namespace {

constexpr std::size_t kValueSizeMax = 256;          // a /proc/sys value is one short line
constexpr std::size_t kStateFileSizeMax = 1 << 20;  // the state files are a few lines

Failure system_error(const std::string& path, const std::string& what) {
  return fail(path, what + ": " + std::strerror(errno));
}

Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode = 0) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
  if (!fd.is_valid()) return system_error(path, "cannot open");
  return fd;
}

Result<std::string> read_all(const std::string& path, int fd, std::size_t size_max) {
  std::string text;
  std::array<char, 4096> buffer{};
  while (true) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return system_error(path, "cannot read");
    if (got == 0) return text;
    text.append(buffer.data(), static_cast<std::size_t>(got));
    if (text.size() > size_max) return fail(path, "larger than " + std::to_string(size_max) + " bytes");
  }
}

Result<void> write_all(const std::string& path, int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t put = ::write(fd, text.data() + done, text.size() - done);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return system_error(path, "cannot write");
    done += static_cast<std::size_t>(put);
  }
  return success();
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<void> sync_directory(const std::string& directory) {
  auto fd = open_file(directory, O_RDONLY | O_DIRECTORY);
  if (!fd) return fail(fd.error());
  if (::fsync(fd->get()) != 0) return system_error(directory, "cannot sync");
  return success();
}

}  // namespace

Result<std::string> ProcSys::read_text(const std::string& path) const {
  const std::string full = full_path(path);
  auto fd = open_file(full, O_RDONLY);
  if (!fd) return fail(fd.error());
  auto text = read_all(full, fd->get(), kValueSizeMax);
  if (!text) return fail(text.error());
  return std::string(trim(text->substr(0, text->find('\n'))));
}

Result<int> ProcSys::read(const std::string& path) const {
  auto text = read_text(path);
  if (!text) return fail(text.error());
  const auto value = parse_signed(*text);
  if (!value || *value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max()) {
    return fail(full_path(path), "not a whole number: \"" + *text + "\"");
  }
  return static_cast<int>(*value);
}

Result<void> ProcSys::write(const std::string& path, int value) const {
  const std::string full = full_path(path);
  auto fd = open_file(full, O_WRONLY);
  if (!fd) return fail(fd.error());
  return write_all(full, fd->get(), std::to_string(value) + "\n");
}

// The daemon's own state file: never through a symbolic link, never a FIFO or device.
Result<std::optional<std::string>> read_file_if_present(const std::string& path) {
  return read_bounded_file_if_present(path, {.size_max = kStateFileSizeMax, .links = Links::kRefuse});
}

Result<void> replace_file(const std::string& path, const std::string& text) {
  const std::string directory = directory_of(path);
  if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) return system_error(directory, "cannot create");
  const std::string temporary = path + ".new";
  {
    auto fd = open_file(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!fd) return fail(fd.error());
    if (auto written = write_all(temporary, fd->get(), text); !written) return written;
    if (::fsync(fd->get()) != 0) return system_error(temporary, "cannot sync");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    return system_error(path, "cannot rename " + temporary + " to it");
  return sync_directory(directory);
}

Result<void> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return system_error(path, "cannot remove");
  return success();
}

}  // namespace tandem::sys
