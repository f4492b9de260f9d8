// What this host says about paths and interfaces, for `tandem check` (config/host_check.h
// judges them). The only IO of the check besides reading the configuration files.
#pragma once

#include <set>
#include <string>

#include "base/result.h"
#include "config/host_check.h"

namespace tandem::app {

// stat() after symlinks: missing, a regular file, a directory, something else, or
// unreachable (with the system's reason: a directory on the way that may not be searched).
config::PathFacts inspect_path(const std::string& path);

// The names of this host's network interfaces (in the caller's network namespace).
Result<std::set<std::string>> host_interface_names();

}  // namespace tandem::app
