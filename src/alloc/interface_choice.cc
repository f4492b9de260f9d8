#include "alloc/interface_choice.h"

#include <algorithm>
#include <map>
#include <optional>

#include "alloc/min_cost_assignment.h"
#include "base/check.h"
#include "model/ip_group.h"

namespace tandem::alloc {

namespace {

// A move counts against a choice only when the IP leaves an interface it could have kept,
// for one that is not its preferred: an IP whose interface went down moves anyway, and
// wherever it lands costs nothing more.
bool leaves_current(const InterfaceCandidates& ip, InterfaceId interface) {
  if (ip.current == kNoInterface || ip.current == interface || ip.preferred == interface) return false;
  return std::find(ip.usable.begin(), ip.usable.end(), ip.current) != ip.usable.end();
}

// An IP that could keep its interface but goes to its preferred one instead.
bool goes_home_moves(const InterfaceCandidates& ip, InterfaceId interface) {
  if (ip.current == kNoInterface || ip.current == interface || ip.preferred != interface) return false;
  return std::find(ip.usable.begin(), ip.usable.end(), ip.current) != ip.usable.end();
}

// The cost of one IP on one interface slot, for the fast path of a single IP and for the
// matching of large groups. The terms are strictly ranked like Score below, so each gets a
// weight larger than the most that all weaker terms together can add up to (groups have at
// most kGroupSizeMax IPs, and a node fewer than 2^20 IPs per interface):
//   load       ≤ 64 × (2^20 + 64)  < 2^27
//   preferred  ≤ 64 × 2^27 = 2^33  < 2^34
//   moved      ≤ 64 × 2^34 = 2^40  < 2^41 = one more IP on a shared interface.
constexpr std::int64_t kLoadWeight = 1;
constexpr std::int64_t kNotPreferredWeight = std::int64_t{1} << 27;
constexpr std::int64_t kMovedWeight = std::int64_t{1} << 34;
constexpr std::int64_t kSharedWeight = std::int64_t{1} << 41;
static_assert(kGroupSizeMax <= 64, "the weights above assume groups of at most 64 IPs");

std::int64_t cost(const InterfaceCandidates& ip, InterfaceId interface, std::uint32_t load, std::size_t slot) {
  const auto slot_cost = static_cast<std::int64_t>(slot);
  std::int64_t total = slot_cost * kSharedWeight;
  const bool goes_home = ip.preferred == interface;
  if (leaves_current(ip, interface) || (goes_home_moves(ip, interface) && slot != 0)) total += kMovedWeight;
  // The preferred interface counts fully only unshared (slot 0); the matching cannot tell
  // who else shares it, which is why small groups are searched exactly instead.
  if (ip.preferred != kNoInterface && (!goes_home || slot != 0)) total += kNotPreferredWeight;
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

// The exact objective, compared lexicographically: shared interfaces; IPs moved, except
// back to their preferred interface (so an interface failing moves only its IPs, and one
// coming back draws its IPs home); IPs not alone on their preferred interface; IPs off it
// even shared; load; then (by search order) interface names.
struct Score {
  std::uint64_t shared = 0;  // sum over interfaces of pairs of the group's IPs on it
  std::uint64_t moved = 0;
  std::uint64_t not_preferred = 0;
  std::uint64_t off_preferred = 0;
  std::uint64_t load = 0;

  auto operator<=>(const Score&) const = default;
};

Score score(std::span<const InterfaceCandidates> ips, const std::vector<InterfaceId>& choice,
            const std::vector<std::uint32_t>& load) {
  Score result;
  std::map<InterfaceId, std::uint64_t> count;
  for (InterfaceId interface : choice) {
    result.shared += count[interface];
    result.load += load[interface] + count[interface];
    ++count[interface];
  }
  for (std::size_t i = 0; i < ips.size(); ++i) {
    const bool alone_on_preferred = ips[i].preferred == choice[i] && count[choice[i]] == 1;
    if (ips[i].preferred != kNoInterface && !alone_on_preferred) ++result.not_preferred;
    if (ips[i].preferred != kNoInterface && ips[i].preferred != choice[i]) ++result.off_preferred;
    // Going home is no move only when the IP is alone there: crowding its preferred
    // interface gains no path.
    if (leaves_current(ips[i], choice[i]) || (goes_home_moves(ips[i], choice[i]) && !alone_on_preferred)) {
      ++result.moved;
    }
  }
  return result;
}

// Tries every choice (groups are small: the caller bounds the count) in name order, keeping
// the first best, so ties go to the earliest interface names.
std::vector<InterfaceId> search_exactly(std::span<const InterfaceCandidates> ips,
                                        const std::vector<std::uint32_t>& load) {
  std::vector<std::size_t> position(ips.size(), 0);
  std::vector<InterfaceId> choice(ips.size());
  std::vector<InterfaceId> best;
  std::optional<Score> best_score;
  for (;;) {
    for (std::size_t i = 0; i < ips.size(); ++i) choice[i] = ips[i].usable[position[i]];
    const Score current = score(ips, choice, load);
    if (!best_score || current < *best_score) {
      best_score = current;
      best = choice;
    }
    std::size_t digit = ips.size();
    while (digit > 0) {  // next choice, last IP fastest, like an odometer
      --digit;
      if (++position[digit] < ips[digit].usable.size()) break;
      position[digit] = 0;
      if (digit == 0) return best;
    }
  }
}

}  // namespace

std::vector<InterfaceId> choose_interfaces(std::span<const InterfaceCandidates> ips, std::vector<std::uint32_t>& load) {
  std::vector<InterfaceId> chosen;
  if (ips.empty()) return chosen;
  if (ips.size() == 1) {  // the common case of a group of one needs no search
    chosen.push_back(choose_alone(ips.front(), load));
    ++load[chosen.front()];
    return chosen;
  }
  std::size_t choices = 1;
  for (const auto& ip : ips) choices = std::min(choices * ip.usable.size(), kExactSearchMax + 1);
  chosen = choices <= kExactSearchMax ? search_exactly(ips, load) : match(ips, load);
  for (InterfaceId interface : chosen) ++load[interface];
  return chosen;
}

// For groups too large to search: a min-cost matching of IPs to interface "slots". Slot s
// of an interface is its (s+1)-th IP of this group and costs one more kSharedWeight than
// the slot before, so interfaces are shared only when they must be, and evenly. The
// preference term is an approximation here (it counts on slot 0, whoever takes it).
std::vector<InterfaceId> match(std::span<const InterfaceCandidates> ips, const std::vector<std::uint32_t>& load) {
  std::vector<InterfaceId> interfaces;
  for (const auto& ip : ips) interfaces.insert(interfaces.end(), ip.usable.begin(), ip.usable.end());
  std::sort(interfaces.begin(), interfaces.end());
  interfaces.erase(std::unique(interfaces.begin(), interfaces.end()), interfaces.end());

  const std::size_t slots = ips.size();
  std::vector<std::vector<std::int64_t>> costs(ips.size(),
                                               std::vector<std::int64_t>(interfaces.size() * slots, kForbiddenCost));
  for (std::size_t row = 0; row < ips.size(); ++row) {
    for (InterfaceId interface : ips[row].usable) {
      const auto index = static_cast<std::size_t>(std::lower_bound(interfaces.begin(), interfaces.end(), interface) -
                                                  interfaces.begin());
      for (std::size_t slot = 0; slot < slots; ++slot) {
        costs[row][index * slots + slot] = cost(ips[row], interface, load[interface], slot);
      }
    }
  }
  std::vector<InterfaceId> chosen;
  for (std::size_t column : min_cost_assignment(costs)) {
    TANDEM_CHECK(column < costs.front().size());
    chosen.push_back(interfaces[column / slots]);
  }
  return chosen;
}

}  // namespace tandem::alloc
