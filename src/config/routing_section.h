// Reads tandem.conf's [routing] table (config/routing.h) with "FILE:LINE: cause" errors.
// Internal to config/: settings.cc calls it; nothing outside config/ sees toml++.
#pragma once

#include <string_view>

#include <toml++/toml.h>

#include "base/result.h"
#include "config/routing.h"

namespace tandem::config {

Result<RoutingSettings> read_routing_section(const toml::table& table, std::string_view file_name);

}  // namespace tandem::config
