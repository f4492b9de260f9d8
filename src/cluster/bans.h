// Bans: the leader's record of misbehaving nodes. PURE.
//
// A node earns a ban credit for each takeover step it fails in a row (a failure that is
// no misbehaviour, such as having no lease or being in a planned stop, earns none; the
// leader decides that from the failure's cause). At BanCreditsMax credits it is banned for
// BanPeriodS: it hosts nothing, and the leader stops acknowledging its heartbeats so that
// its lease lapses even if the ban order is lost.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "base/time.h"
#include "model/ids.h"

namespace tandem::cluster {

class Bans {
 public:
  // One more failure in a row: the node's credits now.
  std::uint32_t add_credit(NodeId node) { return ++credits_[node]; }
  // A step went well: credits count failures in a row only.
  void clear_credits(NodeId node) { credits_.erase(node); }
  // Bans until `until`; the credits start again from zero.
  void ban(NodeId node, TimePoint until);
  // An administrator's unban: the ban ends now, and the credits start again from zero.
  void lift(NodeId node);
  // Forgets every ban that is over at `now`.
  void expire(TimePoint now);

  bool is_banned(NodeId node) const { return until_.contains(node); }
  std::optional<TimePoint> banned_until(NodeId node) const;
  std::uint32_t credits(NodeId node) const;

 private:
  std::map<NodeId, std::uint32_t> credits_;
  std::map<NodeId, TimePoint> until_;
};

}  // namespace tandem::cluster
