#include "cluster/tickle_lists.h"

#include <algorithm>

#include "proto/limits.h"

namespace tandem::cluster {

TickleLists::Recorded TickleLists::record_own(NodeId self, const std::vector<IpAddress>& held,
                                              const std::vector<TcpConnection>& listed) {
  std::map<IpAddress, std::set<TcpConnection>> fresh;
  for (const auto& address : held) fresh[address];
  for (const auto& connection : listed) {
    auto list = fresh.find(connection.server.address);
    if (list != fresh.end()) list->second.insert(connection);
  }
  Recorded recorded;
  for (auto& [address, connections] : fresh) {
    Entry& entry = entries_[address];
    if (entry.recorded_by != self) entry.added.clear();  // another node's list: not ours to keep
    connections.insert(entry.added.begin(), entry.added.end());
    if (connections.size() > proto::kTickleConnectionsMax) {
      auto cut = connections.begin();
      std::advance(cut, proto::kTickleConnectionsMax);
      connections.erase(cut, connections.end());
      recorded.cut.push_back(address);
    }
    if (entry.recorded_by != self || entry.connections != connections) recorded.changed.push_back(address);
    entry.recorded_by = self;
    entry.connections = std::move(connections);
  }
  return recorded;
}

void TickleLists::record_peer(NodeId from, const proto::TickleList& list, bool is_held_here) {
  if (is_held_here) return;
  Entry& entry = entries_[list.address];
  entry.recorded_by = from;
  entry.added.clear();
  entry.connections.clear();
  for (const auto& connection : list.connections) {
    if (connection.server.address == list.address) entry.connections.insert(connection);
  }
}

bool TickleLists::add(NodeId self, const TcpConnection& connection) {
  Entry& entry = entries_[connection.server.address];
  if (entry.recorded_by != self) entry = Entry{self, {}, {}};
  if (entry.connections.size() >= proto::kTickleConnectionsMax) return false;
  entry.added.insert(connection);
  return entry.connections.insert(connection).second;
}

bool TickleLists::remove(const TcpConnection& connection) {
  auto entry = entries_.find(connection.server.address);
  if (entry == entries_.end()) return false;
  entry->second.added.erase(connection);
  return entry->second.connections.erase(connection) > 0;
}

std::vector<TcpConnection> TickleLists::to_tickle(NodeId self, const IpAddress& address) const {
  const Entry* entry = find(address);
  if (entry == nullptr || entry->recorded_by == self) return {};
  return {entry->connections.begin(), entry->connections.end()};
}

const TickleLists::Entry* TickleLists::find(const IpAddress& address) const {
  auto entry = entries_.find(address);
  return entry == entries_.end() ? nullptr : &entry->second;
}

proto::TickleList TickleLists::message_for(const IpAddress& address) const {
  proto::TickleList message{address, {}};
  if (const Entry* entry = find(address))
    message.connections.assign(entry->connections.begin(), entry->connections.end());
  return message;
}

}  // namespace tandem::cluster
