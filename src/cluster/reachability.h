// Reachability: whether each public interface still reaches anything, by probes to
// configured targets, beside its carrier. PURE: it decides when to probe, counts the misses
// and gives the verdict; sys/ sends the probes and reports the answers (io::Prober).
//
// Carrier loss is seen at once, but a path that is dead behind a live link (a switch port
// that forwards nothing, a cut beyond the first switch) is not. As Linux bonding's
// arp_ip_target, each interface with targets is probed in rounds, one ProbeInterval apart:
// at the start of a round one probe (an ARP request for IPv4, a neighbour solicitation for
// IPv6) goes to each of its targets out of that interface, and a round in which ANY target
// answered on that interface is a success. ProbeMisses failed rounds in a row make the
// interface unreachable (down for allocation, with the reason why_unreachable() gives);
// ProbeSuccesses successful rounds in a row make it reachable again. An interface without
// targets is never probed and always reachable: its carrier alone decides (the behaviour
// without probes). Every interface starts reachable, so a daemon start or a reload costs
// nothing while the path works; a dead one is found ProbeMisses rounds later.
//
// Bound: a path that dies is found unreachable within (ProbeMisses + 1) x ProbeInterval
// (at least ProbeMisses x ProbeInterval: the round under way when it died may still have
// had its answer).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "cluster/action.h"
#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem::cluster {

// The targets to probe, per interface; an interface not listed is not probed.
using ProbeTargets = std::map<InterfaceName, std::vector<IpAddress>>;

struct ProbeCounts {
  Duration interval{};          // between two rounds
  std::uint32_t misses = 3;     // failed rounds in a row that make an interface unreachable
  std::uint32_t successes = 2;  // successful rounds in a row that make it reachable again
};

class Reachability {
 public:
  // Replaces the targets. An interface that keeps its targets keeps its state; one whose
  // targets changed, or that is new, starts reachable with its first round due at `now`.
  // One no longer listed is forgotten (reachable).
  void configure(const ProbeTargets& targets, TimePoint now);

  struct Round {
    std::vector<SendProbe> probes;       // to send now, in interface then target order
    std::vector<InterfaceName> changed;  // interfaces whose verdict changed
  };
  // At or after next_due(): ends the round under way for each interface (a success if any
  // target answered in it), starts the next and returns its probes. Earlier: nothing.
  Round take_due(TimePoint now, const ProbeCounts& counts);

  // `target` answered on `interface`. An answer from anything else, or on another
  // interface, counts for nothing.
  void answered(const InterfaceName& interface, const IpAddress& target);

  // When the next round starts; TimePoint::max() when nothing is probed.
  TimePoint next_due() const;
  bool is_reachable(const InterfaceName& interface) const;
  // "no reply from 192.0.2.1, 192.0.2.2 for 3 probes", or nullopt while reachable.
  std::optional<std::string> why_unreachable(const InterfaceName& interface) const;
  const ProbeTargets& targets() const { return targets_; }

 private:
  struct Tally {
    bool round_sent = false;      // a round is under way (its probes went out)
    bool answered = false;        // some target answered in the round under way
    std::uint32_t misses = 0;     // failed rounds in a row
    std::uint32_t successes = 0;  // successful rounds in a row
    bool reachable = true;
  };

  // Ends the round under way for `tally`; true if its verdict changed.
  static bool close_round(Tally& tally, const ProbeCounts& counts);

  ProbeTargets targets_;
  std::map<InterfaceName, Tally> tallies_;  // invariant: the same keys as targets_
  TimePoint next_round_ = TimePoint::max();
};

}  // namespace tandem::cluster
