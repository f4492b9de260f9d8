// TickleLists: the established TCP connections to each public IP, as far as this node
// knows them (CTDB's "tickle lists"). PURE.
//
// For an address this node holds, the list is its own: what its kernel listed at the last
// refresh (TickleUpdateIntervalMs), plus what an administrator added (`tandem addtickle`)
// less what one deleted (`tandem deltickle`). For any other address, it is what the node
// that held it last sent (proto::TickleList). The node that takes an address over after a
// failure sends tickle ACKs for the connections recorded by the address's previous holder
// (to_tickle()): their clients then reset at once instead of after their retransmission
// timeouts. Invariant: every connection listed for an address has that address as its
// server address; a list holds at most proto::kTickleConnectionsMax connections.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"
#include "model/tcp_connection.h"
#include "proto/message.h"

namespace tandem::cluster {

class TickleLists {
 public:
  struct Entry {
    std::optional<NodeId> recorded_by;  // the node whose list this is
    std::set<TcpConnection> connections;
    std::set<TcpConnection> added;  // by an administrator; kept across refreshes (own lists only)
  };

  struct Recorded {
    std::vector<IpAddress> changed;  // held addresses whose list changed
    std::vector<IpAddress> cut;      // held addresses with more than kTickleConnectionsMax (the first kept)
  };
  // This node's kernel listed `listed` for the addresses it holds (`held`): each held
  // address's list becomes its listed connections plus the added ones. Connections to
  // addresses not held are ignored.
  Recorded record_own(NodeId self, const std::vector<IpAddress>& held, const std::vector<TcpConnection>& listed);
  // A peer's list for an address this node does not hold (a list for an address it holds
  // is stale news and ignored). Connections to another address are dropped.
  void record_peer(NodeId from, const proto::TickleList& list, bool is_held_here);

  // An administrator's connection, to an address this node holds (`tandem addtickle`).
  // False when it was listed already.
  bool add(NodeId self, const TcpConnection& connection);
  // Removes a connection from whatever list has it. False when none had it.
  bool remove(const TcpConnection& connection);

  // The connections a node that takes `address` over tickles: those recorded by another
  // node (after a failure the previous holder's last list); empty when this node's own.
  std::vector<TcpConnection> to_tickle(NodeId self, const IpAddress& address) const;
  // The list for `address` and who recorded it, or null when none is known.
  const Entry* find(const IpAddress& address) const;
  // The message carrying the list for `address` (empty when none is known).
  proto::TickleList message_for(const IpAddress& address) const;

  const std::map<IpAddress, Entry>& entries() const { return entries_; }

 private:
  std::map<IpAddress, Entry> entries_;
};

}  // namespace tandem::cluster
