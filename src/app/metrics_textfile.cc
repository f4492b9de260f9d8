#include "app/metrics_textfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/unique_fd.h"

namespace tandem::app {

Result<void> write_file_atomically(const std::string& path, std::string_view text) {
  const std::string temporary = path + ".tmp";
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.is_valid()) return fail(temporary, std::string("cannot write: ") + std::strerror(errno));
  // The collector runs as another user: readable by all, whatever the umask.
  if (::fchmod(fd.get(), 0644) != 0) return fail(temporary, std::string("cannot chmod: ") + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(fd.get(), text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      const std::string reason = std::strerror(errno);
      ::unlink(temporary.c_str());
      return fail(temporary, "cannot write: " + reason);
    }
    written += static_cast<std::size_t>(count);
  }
  fd.reset();
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return fail(path, "cannot replace: " + reason);
  }
  return success();
}

}  // namespace tandem::app
