#include "sys/trusted_path.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace tandem::sys {

namespace {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string owner_advice(uid_t owner) { return owner == 0 ? "chown root" : "chown " + std::to_string(owner); }

}  // namespace

Result<void> check_trusted(const std::string& path, std::string_view what, uid_t owner) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    return fail(path, "cannot use the " + std::string(what) + ": " + std::strerror(errno));
  }
  if (status.st_uid != owner) {
    return fail(path, "the " + std::string(what) + " is owned by uid " + std::to_string(status.st_uid) + ", not uid " +
                          std::to_string(owner) + " that runs tandemd; " + owner_advice(owner) +
                          " it (see docs/design/trust.md)");
  }
  if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return fail(path, "mode " + octal_mode(status.st_mode) + " lets group or other write the " + std::string(what) +
                          "; chmod go-w it (see docs/design/trust.md)");
  }
  return success();
}

Result<void> ensure_trusted_directory(const std::string& path, std::string_view what, uid_t owner) {
  if (path.empty()) return fail(std::string(what), "no path given");
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string directory = path.substr(0, slash);
    if (::mkdir(directory.c_str(), 0755) == 0) {
      if (::chmod(directory.c_str(), 0755) != 0) return fail(directory, std::string("chmod: ") + std::strerror(errno));
    } else if (errno != EEXIST) {
      return fail(directory, "cannot create the " + std::string(what) + ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) break;
  }
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
    return fail(path, "the " + std::string(what) + " is not a directory");
  }
  return check_trusted(path, what, owner);
}

}  // namespace tandem::sys
