// The daemon's log (spdlog, to stderr or the journal) as the sys::Logger its IO parts take.
//
// Each sys::LogLevel becomes the spdlog level of the same name; spdlog's journal sink gives
// each line the journal's priority (debug 7, info 6, warning 4, error 3) and its stderr
// sink writes the level's word, so `--log-level` filters the parts' lines like the rest.
#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "sys/logger.h"

namespace tandem::app {

sys::Logger logger_of(std::shared_ptr<spdlog::logger> log);

spdlog::level::level_enum spdlog_level(sys::LogLevel level);

}  // namespace tandem::app
