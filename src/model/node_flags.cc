#include "model/node_flags.h"

#include <array>

#include "base/text.h"
#include <utility>

namespace tandem {

namespace {
constexpr std::array<std::pair<NodeFlags::Flag, std::string_view>, 6> kNames{{
    {NodeFlags::kDisconnected, "DISCONNECTED"},
    {NodeFlags::kUnhealthy, "UNHEALTHY"},
    {NodeFlags::kDisabled, "DISABLED"},
    {NodeFlags::kBanned, "BANNED"},
    {NodeFlags::kDeleted, "DELETED"},
    {NodeFlags::kStopped, "STOPPED"},
}};

}  // namespace

std::vector<std::string> NodeFlags::names() const {
  std::vector<std::string> out;
  for (const auto& [flag, name] : kNames) {
    if (has(flag)) out.emplace_back(name);
  }
  return out;
}

Result<NodeFlags::Flag> NodeFlags::parse_one(std::string_view name) {
  for (const auto& [flag, known] : kNames) {
    if (equals_ignoring_case(name, known)) return flag;
  }
  return fail("", "unknown node flag '" + std::string(name) +
                      "' (known: DISCONNECTED, UNHEALTHY, DISABLED, BANNED, DELETED, STOPPED)");
}

}  // namespace tandem
