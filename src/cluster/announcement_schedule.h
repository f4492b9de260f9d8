// AnnouncementSchedule: which public address this node is still to announce, on which
// interface, when, and how many sends remain. PURE.
//
// A client's kernel ignores a second update of one neighbour entry within its locktime
// (1 s by default), and one frame may be lost, so each take or move of an address is
// announced (gratuitous ARP, unsolicited neighbour advertisement) more than once, a spacing
// apart: AnnounceCount sends, AnnounceSpacingMs apart. The machine emits one Announce per
// send: the first at once, the repeats when due, and wakes for the next due one. A repeat
// for an address the node no longer holds, or from an interface it left, would send
// clients back to the wrong place, so a release, a removal, a lease loss or a planned stop
// cancels the address's pending sends at once, and a move replaces them with sends from
// the new interface only. Invariant (checked by the node machine after every step): every
// pending send names an address the node holds, on the interface it holds it on.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "base/time.h"
#include "cluster/action.h"
#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem::cluster {

class AnnouncementSchedule {
 public:
  struct Pending {
    InterfaceName interface;
    TimePoint due;
    std::uint32_t sends_left = 0;  // invariant: at least 1 while pending
    Duration spacing{};
  };

  // The first send of `address` on `interface`, due at once (the caller emits it), and
  // `count` - 1 more, `spacing` apart. Replaces whatever was pending for `address`: a moved
  // address is announced from its new interface only. `count` is at least 1.
  Announce start(const IpAddress& address, const InterfaceName& interface, TimePoint now, std::uint32_t count,
                 Duration spacing);
  // No more sends for `address` (released, removed, or no longer to be announced).
  void cancel(const IpAddress& address);
  void cancel_all() { pending_.clear(); }

  // The sends due at `now`, in address order. Each one's next send is due `spacing` after
  // now (not after when it was due: a late wake-up never sends two within one spacing).
  std::vector<Announce> take_due(TimePoint now);

  // When the next send is due; TimePoint::max() when none is pending.
  TimePoint next_due() const;
  const std::map<IpAddress, Pending>& pending() const { return pending_; }

 private:
  std::map<IpAddress, Pending> pending_;
};

}  // namespace tandem::cluster
