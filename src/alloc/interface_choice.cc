#include "alloc/interface_choice.h"

#include <algorithm>

#include "alloc/min_cost_assignment.h"
#include "base/check.h"
#include "model/ip_group.h"

namespace tandem::alloc {

namespace {

// The preferences are strictly ranked, so each gets a weight larger than the most that all
// weaker terms together can add up to (groups have at most kGroupSizeMax IPs, and a node
// fewer than 2^20 IPs per interface):
//   load   ≤ 64 × (2^20 + 64)  < 2^27
//   current ≤ 64 × 2^27 = 2^33  < 2^34
//   preferred ≤ 64 × 2^34 = 2^40 < 2^41 = one more IP on a shared interface.
constexpr std::int64_t kLoadWeight = 1;
constexpr std::int64_t kMovedWeight = std::int64_t{1} << 27;
constexpr std::int64_t kNotPreferredWeight = std::int64_t{1} << 34;
constexpr std::int64_t kSharedWeight = std::int64_t{1} << 41;
static_assert(kGroupSizeMax <= 64, "the weights above assume groups of at most 64 IPs");

std::int64_t cost(const InterfaceCandidates& ip, InterfaceId interface, std::uint32_t load,
                  std::size_t slot) {
  const auto slot_cost = static_cast<std::int64_t>(slot);
  std::int64_t total = slot_cost * kSharedWeight;
  if (ip.preferred != kNoInterface && ip.preferred != interface) total += kNotPreferredWeight;
  if (ip.current != kNoInterface && ip.current != interface) total += kMovedWeight;
  total += (static_cast<std::int64_t>(load) + slot_cost) * kLoadWeight;
  return total;
}

InterfaceId choose_alone(const InterfaceCandidates& ip, const std::vector<std::uint32_t>& load) {
  InterfaceId best = ip.usable.front();
  std::int64_t best_cost = cost(ip, best, load[best], 0);
  for (InterfaceId interface : ip.usable.subspan(1)) {
    const std::int64_t c = cost(ip, interface, load[interface], 0);
    if (c < best_cost) {
      best = interface;
      best_cost = c;
    }
  }
  return best;
}

}  // namespace

std::vector<InterfaceId> choose_interfaces(std::span<const InterfaceCandidates> ips,
                                           std::vector<std::uint32_t>& load) {
  std::vector<InterfaceId> chosen;
  if (ips.empty()) return chosen;
  if (ips.size() == 1) {  // the common case of a group of one needs no matching
    chosen.push_back(choose_alone(ips.front(), load));
    ++load[chosen.front()];
    return chosen;
  }

  // Columns are (interface, slot) pairs: slot s of an interface is its (s+1)-th IP of this
  // group, and costs one more kSharedWeight than the slot before, so the matching shares an
  // interface only when it must, and then evenly.
  std::vector<InterfaceId> interfaces;
  for (const auto& ip : ips) interfaces.insert(interfaces.end(), ip.usable.begin(), ip.usable.end());
  std::sort(interfaces.begin(), interfaces.end());
  interfaces.erase(std::unique(interfaces.begin(), interfaces.end()), interfaces.end());

  const std::size_t slots = ips.size();
  std::vector<std::vector<std::int64_t>> costs(ips.size(),
                                               std::vector<std::int64_t>(interfaces.size() * slots, kForbiddenCost));
  for (std::size_t row = 0; row < ips.size(); ++row) {
    for (InterfaceId interface : ips[row].usable) {
      const auto index = static_cast<std::size_t>(
          std::lower_bound(interfaces.begin(), interfaces.end(), interface) - interfaces.begin());
      for (std::size_t slot = 0; slot < slots; ++slot) {
        costs[row][index * slots + slot] = cost(ips[row], interface, load[interface], slot);
      }
    }
  }
  for (std::size_t column : min_cost_assignment(costs)) {
    const InterfaceId interface = interfaces[column / slots];
    TANDEM_CHECK(column < costs.front().size());
    chosen.push_back(interface);
  }
  for (InterfaceId interface : chosen) ++load[interface];
  return chosen;
}

}  // namespace tandem::alloc
