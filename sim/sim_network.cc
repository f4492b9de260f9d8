#include "sim/sim_network.h"

#include <algorithm>

#include "proto/frame.h"

namespace tandem::sim {

SimNetwork::SimNetwork(std::size_t nodes, bool check_wire, EventQueue& queue, SimRng& rng)
    : nodes_(nodes),
      check_wire_(check_wire),
      queue_(queue),
      rng_(rng),
      reach_(nodes * nodes, 1),
      last_delivery_(nodes * nodes, kTimeZero) {}

void SimNetwork::partition(const std::vector<NodeIndex>& side) {
  std::vector<std::uint8_t> inside(nodes_, 0);
  for (NodeIndex node : side) inside[node] = 1;
  for (NodeIndex a = 0; a < nodes_; ++a) {
    for (NodeIndex b = 0; b < nodes_; ++b) {
      if (inside[a] != inside[b]) cut(a, b);
    }
  }
}

void SimNetwork::heal() { std::fill(reach_.begin(), reach_.end(), std::uint8_t{1}); }

Result<void> SimNetwork::send(TimePoint now, NodeIndex from, NodeIndex to, const proto::Message& message) {
  ++sent_;
  if (check_wire_) {
    if (auto wire = check_wire(from, to, message); !wire) return wire;
  }
  // Draw every random number whatever the settings, so that a change of one probability
  // does not shift the rest of the run's randomness.
  const bool lost = rng_.chance(settings_.loss);
  const bool doubled = rng_.chance(settings_.duplicate);
  if (!reaches(from, to) || lost) return success();
  queue_.push(delivery_time(now, from, to), DeliverMessage{from, to, message});
  if (doubled) queue_.push(delivery_time(now, from, to), DeliverMessage{from, to, message});
  return success();
}

Result<void> SimNetwork::check_wire(NodeIndex from, NodeIndex to, const proto::Message& message) {
  proto::Envelope envelope{NodeId(from), NodeId(to), ++sequence_, 0, message, {}};
  const std::vector<std::uint8_t> frame = proto::encode(envelope);
  auto decoded = proto::decode(frame);
  if (!decoded) return fail("wire", "decode of an encoded message failed: " + decoded.error().message());
  if (!(decoded->message == message)) return fail("wire", "message changed in encode and decode");
  return success();
}

TimePoint SimNetwork::delivery_time(TimePoint now, NodeIndex from, NodeIndex to) {
  const bool may_overtake = rng_.chance(settings_.reorder);
  TimePoint at = now + rng_.between(settings_.delay_min, settings_.delay_max);
  TimePoint& last = last_delivery_[from * nodes_ + to];
  if (!may_overtake) at = std::max(at, last);
  last = std::max(last, at);
  return at;
}

}  // namespace tandem::sim
