#include "cluster/membership.h"

#include <algorithm>

namespace tandem::cluster {

namespace {
// Rounds remembered for lease and contact arithmetic: far more than DeadTimeout or a lease
// needs at any sane HeartbeatInterval, and a hard bound on memory.
constexpr std::size_t kSentRoundsMax = 4096;
}  // namespace

Membership::Membership(NodeId self, std::uint64_t incarnation, std::vector<NodeId> nodes, Duration dead_timeout)
    : self_(self), incarnation_(incarnation), nodes_(std::move(nodes)), dead_timeout_(dead_timeout) {
  std::sort(nodes_.begin(), nodes_.end());
  for (NodeId node : nodes_) {
    if (node != self_) peers_[node] = PeerState{};
  }
}

std::uint64_t Membership::record_sent(TimePoint now) {
  const std::uint64_t seq = next_seq_++;
  sent_.emplace_back(seq, now);
  if (sent_.size() > kSentRoundsMax) sent_.pop_front();
  return seq;
}

std::optional<TimePoint> Membership::sent_at(std::uint64_t seq) const {
  if (seq == 0 || sent_.empty() || seq < sent_.front().first || seq > sent_.back().first) return std::nullopt;
  return sent_[static_cast<std::size_t>(seq - sent_.front().first)].second;
}

void Membership::record_heard(NodeId from, const proto::Heartbeat& heartbeat, TimePoint now) {
  auto it = peers_.find(from);
  if (it == peers_.end()) return;  // not a configured node: ignored
  PeerState& peer = it->second;
  if (heartbeat.incarnation != peer.incarnation) {
    peer = PeerState{};  // it restarted: nothing we knew of its earlier life holds
    peer.incarnation = heartbeat.incarnation;
  } else if (heartbeat.sent_seq <= peer.last_seq_heard) {
    return;  // a duplicate or an overtaken heartbeat says nothing new
  }
  peer.last_heard = now;
  peer.last_seq_heard = heartbeat.sent_seq;
  // An echo counts only for this life of ours, and only for numbers we have sent.
  if (heartbeat.echoed_incarnation == incarnation_ && heartbeat.last_heard_seq < next_seq_) {
    peer.echoed_seq = std::max(peer.echoed_seq, heartbeat.last_heard_seq);
  }
  peer.epoch = std::max(peer.epoch, heartbeat.epoch);
  peer.leader = heartbeat.leader;
  peer.flags = heartbeat.flags;
}

proto::Heartbeat Membership::heartbeat_for(NodeId peer_id, std::uint64_t seq) const {
  proto::Heartbeat heartbeat;
  heartbeat.sent_seq = seq;
  heartbeat.incarnation = incarnation_;
  if (const PeerState* state = peer(peer_id)) {
    heartbeat.last_heard_seq = state->last_seq_heard;
    heartbeat.echoed_incarnation = state->incarnation;
  }
  return heartbeat;
}

bool Membership::is_alive(NodeId id, TimePoint now) const {
  if (id == self_) return true;
  const PeerState* state = peer(id);
  if (state == nullptr || !state->last_heard || now - *state->last_heard >= dead_timeout_) return false;
  const auto echoed = sent_at(state->echoed_seq);
  return echoed && now - *echoed < dead_timeout_;
}

std::size_t Membership::contacts(TimePoint now) const {
  std::size_t count = 1;
  for (const auto& [id, state] : peers_) {
    if (is_alive(id, now)) ++count;
  }
  return count;
}

bool Membership::has_quorum(TimePoint now, bool holds_lock) const {
  const std::size_t reachable = contacts(now);
  return holds_lock ? 2 * reachable >= nodes_.size() : 2 * reachable > nodes_.size();
}

const PeerState* Membership::peer(NodeId id) const {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

std::uint64_t Membership::highest_epoch_heard() const {
  std::uint64_t highest = 0;
  for (const auto& [id, state] : peers_) highest = std::max(highest, state.epoch);
  return highest;
}

}  // namespace tandem::cluster
