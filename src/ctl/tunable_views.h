// The outputs of `tandem listvars` and `tandem getvar`, from the daemon's results
// (tunables_json.h): CTDB's lines, "%-26s = %u" ("NoIPFailback               = 0").
//
// listvars prints the tunables in the order of the table (model/tunables.h), whatever the
// order of the JSON object, then any name this tool does not know (a newer daemon) in the
// JSON's order. Errors name their place in a malformed result. Pure.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace tandem::ctl {

Result<std::string> listvars_text(const nlohmann::json& result);
Result<std::string> getvar_text(const nlohmann::json& result);

}  // namespace tandem::ctl
