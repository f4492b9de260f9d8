// The results of listvars, getvar and setvar (docs/design/control-protocol.md), made in the
// daemon from its Tunables through the one table of tunables (model/tunables.h).
//
//   listvars: {"tunables": {"IPAllocAlgorithm": 2, "NoIPFailback": 0, ...}}
//   getvar, setvar: {"name": "NoIPFailback", "value": 0}   (the name as the table spells it)
// JSON objects have no order: the tool prints listvars in the table's order. Errors (an
// unknown name, a value out of range) are the caller's bad_request replies. Pure.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "ctl/control_request.h"
#include "model/tunables.h"

namespace tandem::ctl {

nlohmann::json listvars_result(const Tunables& tunables);

Result<nlohmann::json> getvar_result(const Tunables& tunables, std::string_view name);

// Sets the tunable in `tunables` (unchanged on error) and gives getvar's result for it.
Result<nlohmann::json> apply_setvar(Tunables& tunables, const SetVar& request);

}  // namespace tandem::ctl
