#include "node/notify_watch.h"

#include <array>

namespace tandem::node {

std::vector<std::vector<std::string>> notifications(const MachineGlance& before, const MachineGlance& after,
                                                    const cluster::Event& event,
                                                    std::optional<LinkState> previous_link) {
  struct FlagWords {
    NodeFlags::Flag flag;
    const char* set;
    const char* cleared;
  };
  static constexpr std::array<FlagWords, 4> kFlags{{{NodeFlags::kUnhealthy, "unhealthy", "healthy"},
                                                    {NodeFlags::kDisabled, "disabled", "enabled"},
                                                    {NodeFlags::kBanned, "banned", "unbanned"},
                                                    {NodeFlags::kStopped, "stopped", "continued"}}};
  std::vector<std::vector<std::string>> due;
  for (const auto& words : kFlags) {
    const bool was = before.flags.has(words.flag);
    const bool is = after.flags.has(words.flag);
    if (was != is) due.push_back({is ? words.set : words.cleared});
  }
  if (before.leader != after.leader) {
    due.push_back({"leader", after.leader ? std::to_string(after.leader->value()) : std::string("none")});
  }
  if (const auto* change = std::get_if<cluster::LinkChanged>(&event); change && previous_link != change->state) {
    due.push_back({"link", change->interface.value(), change->state == LinkState::kUp ? "up" : "down"});
  }
  return due;
}

}  // namespace tandem::node
