// The [metrics] textfile: the node exporter's textfile collector reads every *.prom file of
// its directory, possibly while the daemon writes, so the file is replaced whole: the text
// goes to PATH.tmp (a name the collector ignores), then rename() puts it in place.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace tandem::app {

// Writes `text` to `path` atomically (mode 0644); the error names the path and the reason.
Result<void> write_file_atomically(const std::string& path, std::string_view text);

}  // namespace tandem::app
