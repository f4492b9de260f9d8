#include "model/node_flags.h"

#include "base/text.h"

namespace tandem {

std::vector<std::string> NodeFlags::names() const {
  std::vector<std::string> out;
  for (const auto& named : kNodeFlagNames) {
    if (has(named.flag)) out.emplace_back(named.name);
  }
  return out;
}

Result<NodeFlags::Flag> NodeFlags::parse_one(std::string_view name) {
  for (const auto& known : kNodeFlagNames) {
    if (equals_ignoring_case(name, known.name)) return known.flag;
  }
  return fail("", "unknown node flag '" + std::string(name) +
                      "' (known: DISCONNECTED, UNHEALTHY, DISABLED, BANNED, DELETED, STOPPED)");
}

}  // namespace tandem
