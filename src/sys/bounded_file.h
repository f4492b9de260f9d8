// read_bounded_file(): the whole of a small file the daemon reads — its configuration,
// the cluster key, its own state files — without ever blocking on what is not a file.
//
// The file is opened with O_NONBLOCK (opening a FIFO with no writer would block, and so
// would reading a terminal) and, where the caller says so, O_NOFOLLOW; the open descriptor
// is fstat()ed, and anything but a regular file (a FIFO, a device such as /dev/zero, a
// socket, a directory) is refused with `FILE: not a regular file`. The size limit is
// checked while reading, never after: a file that grows without end costs at most
// `size_max` + 1 bytes. Errors name the path. What this cannot bound is a read from a
// regular file on a filesystem that hangs (a cluster filesystem): callers on the event
// loop run such reads on a worker thread (app/file_reader.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "base/result.h"

namespace tandem::sys {

enum class Links : unsigned char { kFollow, kRefuse };

struct BoundedRead {
  std::size_t size_max = 0;
  Links links = Links::kFollow;  // kRefuse: a symbolic link as the last component is refused
};

Result<std::string> read_bounded_file(const std::string& path, const BoundedRead& how);

// As read_bounded_file(), and a file that does not exist gives nullopt.
Result<std::optional<std::string>> read_bounded_file_if_present(const std::string& path, const BoundedRead& how);

}  // namespace tandem::sys
