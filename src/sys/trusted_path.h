// Whether a file or directory that tandemd acts on as root may be trusted
// (docs/design/trust.md).
//
// tandemd runs the hooks of the events directory as root and takes the cluster lock and
// its key from files: whoever may write any of them may run code as root or speak for the
// cluster. So each must be owned by the daemon's user (root) and writable by no group and
// no other. These functions check that, and make a missing directory rather than silently
// doing without it. They call stat(), mkdir() and chmod(); nothing is cached.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace tandem::sys {

// Refuses (placed at `path`, naming `what`) a path that does not exist, is not owned by
// `owner` or is writable by group or other. Symbolic links are followed: what is checked is
// what will be read or run (CTDB's events directories are often links).
Result<void> check_trusted(const std::string& path, std::string_view what, uid_t owner);

// Makes a missing directory `path` (and its missing parents) with mode 0755, then checks
// that it is a directory and trusted. `what` names it in errors ("events directory").
Result<void> ensure_trusted_directory(const std::string& path, std::string_view what, uid_t owner);

}  // namespace tandem::sys
