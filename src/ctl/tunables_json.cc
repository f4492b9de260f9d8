#include "ctl/tunables_json.h"

#include <string>

namespace tandem::ctl {

nlohmann::json listvars_result(const Tunables& tunables) {
  nlohmann::json values = nlohmann::json::object();
  for (const TunableSpec& spec : tunable_specs()) values[std::string(spec.name)] = tunables.*(spec.field);
  return nlohmann::json{{"tunables", std::move(values)}};
}

Result<nlohmann::json> getvar_result(const Tunables& tunables, std::string_view name) {
  const TunableSpec* spec = find_tunable(name);
  if (spec == nullptr) return fail("", "unknown tunable '" + std::string(name) + "' (tandem listvars lists them)");
  return nlohmann::json{{"name", std::string(spec->name)}, {"value", tunables.*(spec->field)}};
}

Result<nlohmann::json> apply_setvar(Tunables& tunables, const SetVar& request) {
  Tunables changed = tunables;
  if (auto set = set_tunable_text(changed, request.name, request.value); !set) return fail(set.error());
  tunables = changed;
  return getvar_result(tunables, request.name);
}

}  // namespace tandem::ctl
