#include "ctl/tunable_views.h"

#include <set>

#include "ctl/json_reader.h"
#include "model/tunables.h"

namespace tandem::ctl {

namespace {

// CTDB's "%-26s = %u".
std::string variable_line(std::string_view name, std::uint64_t value) {
  constexpr std::size_t kNameColumn = 26;
  std::string line(name);
  if (line.size() < kNameColumn) line.append(kNameColumn - line.size(), ' ');
  return line + " = " + std::to_string(value) + "\n";
}

}  // namespace

Result<std::string> listvars_text(const Json& result) {
  const JsonPlace root("result");
  if (auto is_object = expect_object(result, root); !is_object) return fail(is_object.error());
  auto tunables = required_member(result, "tunables", root);
  if (!tunables) return fail(tunables.error());
  const JsonPlace place = root.member("tunables");
  if (auto is_object = expect_object(**tunables, place); !is_object) return fail(is_object.error());
  std::string text;
  std::set<std::string, std::less<>> shown;
  for (const TunableSpec& spec : tunable_specs()) {
    const Json* value = optional_member(**tunables, spec.name);
    if (value == nullptr) continue;
    auto number = read_unsigned(*value, place.member(spec.name));
    if (!number) return fail(number.error());
    text += variable_line(spec.name, *number);
    shown.emplace(spec.name);
  }
  for (const auto& [name, value] : (*tunables)->items()) {
    if (shown.contains(name)) continue;
    auto number = read_unsigned(value, place.member(name));
    if (!number) return fail(number.error());
    text += variable_line(name, *number);
  }
  return text;
}

Result<std::string> getvar_text(const Json& result) {
  const JsonPlace root("result");
  if (auto is_object = expect_object(result, root); !is_object) return fail(is_object.error());
  auto name_value = required_member(result, "name", root);
  if (!name_value) return fail(name_value.error());
  auto name = read_string(**name_value, root.member("name"));
  if (!name) return fail(name.error());
  auto value = required_member(result, "value", root);
  if (!value) return fail(value.error());
  auto number = read_unsigned(**value, root.member("value"));
  if (!number) return fail(number.error());
  return variable_line(*name, *number);
}

}  // namespace tandem::ctl
