// Writing a LabPlan's directories and files, and the cluster key, to the state dir.
//
// The only place the lab writes files. The key is 32 bytes from /dev/urandom, mode 0600,
// as sys/cluster_key.h requires; every other file's text comes from the plan.
#pragma once

#include <string>

#include "base/result.h"
#include "lab/lab_plan.h"

namespace tandem::lab {

Result<void> write_lab_files(const LabPlan& plan);

// Writes `text` to `path` (replacing it) with `mode`, whatever the umask.
Result<void> write_text_file(const std::string& path, const std::string& text, unsigned mode);

// The last `count` lines of a log file, for error messages ("" when unreadable).
std::string tail_of(const std::string& path, int count);

}  // namespace tandem::lab
