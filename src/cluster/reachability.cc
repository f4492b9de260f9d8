#include "cluster/reachability.h"

#include <algorithm>

namespace tandem::cluster {

void Reachability::configure(const ProbeTargets& targets, TimePoint now) {
  std::map<InterfaceName, Tally> kept;
  bool any_new = false;
  for (const auto& [interface, list] : targets) {
    if (list.empty()) continue;
    const auto known = targets_.find(interface);
    if (known != targets_.end() && known->second == list) {
      kept[interface] = tallies_[interface];
    } else {
      kept[interface] = Tally{};
      any_new = true;
    }
  }
  targets_.clear();
  for (const auto& [interface, list] : targets) {
    if (!list.empty()) targets_[interface] = list;
  }
  tallies_ = std::move(kept);
  if (tallies_.empty()) {
    next_round_ = TimePoint::max();
  } else if (any_new || next_round_ == TimePoint::max()) {
    next_round_ = now;
  }
}

bool Reachability::close_round(Tally& tally, const ProbeCounts& counts) {
  if (!tally.round_sent) return false;
  if (tally.answered) {
    tally.misses = 0;
    ++tally.successes;
  } else {
    tally.successes = 0;
    ++tally.misses;
  }
  tally.answered = false;
  const bool was = tally.reachable;
  if (tally.reachable && tally.misses >= std::max<std::uint32_t>(counts.misses, 1)) tally.reachable = false;
  if (!tally.reachable && tally.successes >= std::max<std::uint32_t>(counts.successes, 1)) tally.reachable = true;
  return was != tally.reachable;
}

Reachability::Round Reachability::take_due(TimePoint now, const ProbeCounts& counts) {
  Round round;
  if (now < next_round_) return round;
  for (auto& [interface, tally] : tallies_) {
    if (close_round(tally, counts)) round.changed.push_back(interface);
    tally.round_sent = true;
    for (const IpAddress& target : targets_.at(interface)) round.probes.push_back(SendProbe{interface, target});
  }
  // A late wake-up starts the next round a whole interval after now, never two at once.
  next_round_ = now + std::max(counts.interval, Duration(std::chrono::milliseconds(1)));
  return round;
}

void Reachability::answered(const InterfaceName& interface, const IpAddress& target) {
  const auto list = targets_.find(interface);
  if (list == targets_.end()) return;
  if (std::find(list->second.begin(), list->second.end(), target) == list->second.end()) return;
  Tally& tally = tallies_[interface];
  if (tally.round_sent) tally.answered = true;
}

TimePoint Reachability::next_due() const { return next_round_; }

bool Reachability::is_reachable(const InterfaceName& interface) const {
  const auto tally = tallies_.find(interface);
  return tally == tallies_.end() || tally->second.reachable;
}

std::optional<std::string> Reachability::why_unreachable(const InterfaceName& interface) const {
  if (is_reachable(interface)) return std::nullopt;
  std::string text = "no reply from ";
  bool first = true;
  for (const IpAddress& target : targets_.at(interface)) {
    text += (first ? "" : ", ") + target.to_string();
    first = false;
  }
  const Tally& tally = tallies_.at(interface);
  if (tally.misses == 0) {
    // Answers came back, not yet ProbeSuccesses rounds of them.
    return "answering again (" + std::to_string(tally.successes) + (tally.successes == 1 ? " probe" : " probes") +
           " so far)";
  }
  return text + " for " + std::to_string(tally.misses) + (tally.misses == 1 ? " probe" : " probes");
}

}  // namespace tandem::cluster
