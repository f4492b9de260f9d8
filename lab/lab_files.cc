#include "lab/lab_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

#include "base/unique_fd.h"

namespace tandem::lab {
namespace {

constexpr std::size_t kClusterKeySize = 32;  // sys/cluster_key.h

std::string errno_text() { return std::strerror(errno); }

Result<void> write_all(int fd, const void* data, std::size_t size, const std::string& path) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t written = ::write(fd, bytes, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return fail(path, "cannot write: " + errno_text());
    bytes += written;
    size -= static_cast<std::size_t>(written);
  }
  return success();
}

Result<void> write_key(const std::string& path) {
  std::array<unsigned char, kClusterKeySize> key{};
  UniqueFd random(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
  if (!random.is_valid()) return fail("/dev/urandom", "cannot open: " + errno_text());
  if (::read(random.get(), key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
    return fail("/dev/urandom", "short read");
  }
  return write_text_file(path, std::string(reinterpret_cast<const char*>(key.data()), key.size()), 0600);
}

}  // namespace

Result<void> write_text_file(const std::string& path, const std::string& text, unsigned mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd.is_valid()) return fail(path, "cannot create: " + errno_text());
  if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) return fail(path, "cannot set its mode: " + errno_text());
  return write_all(fd.get(), text.data(), text.size(), path);
}

Result<void> write_lab_files(const LabPlan& plan) {
  for (const auto& directory : plan.directories) {
    if (::mkdir(directory.c_str(), 0755) != 0 && errno != EEXIST) {
      return fail(directory, "cannot make the directory: " + errno_text());
    }
  }
  for (const auto& file : plan.files) {
    if (auto written = write_text_file(file.path, file.text, file.mode); !written) return written;
  }
  return write_key(plan.key_file);
}

std::string tail_of(const std::string& path, int count) {
  std::ifstream file(path);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(file, line)) {
    lines.push_back(line);
    if (lines.size() > static_cast<std::size_t>(count)) lines.pop_front();
  }
  std::string text;
  for (const auto& kept : lines) text += "  | " + kept + "\n";
  return text;
}

}  // namespace tandem::lab
