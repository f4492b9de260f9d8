// SimNetwork: the private network between nodes, with delay, loss, duplication, reordering
// and partitions (a directed reachability matrix, so one-way partitions exist too).
//
// It decides the fate of each message at send time and schedules its deliveries on the
// world's queue; the world drops a delivery whose link was cut meanwhile or whose receiver
// is not running. Messages between one pair keep their order (as on one TCP connection)
// unless the reorder probability says otherwise. With wire checks on, every message goes
// through proto::encode and proto::decode, so the simulator exercises the wire code too.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "sim/event_queue.h"
#include "sim/sim_rng.h"

namespace tandem::sim {

struct NetworkSettings {
  Duration delay_min = std::chrono::microseconds(100);
  Duration delay_max = std::chrono::milliseconds(5);
  double loss = 0.0;       // probability that a message is lost
  double duplicate = 0.0;  // probability that a message arrives twice
  double reorder = 0.0;    // probability that a message may overtake earlier ones
};

class SimNetwork {
 public:
  SimNetwork(std::size_t nodes, bool check_wire, EventQueue& queue, SimRng& rng);

  void set_settings(const NetworkSettings& settings) { settings_ = settings; }
  const NetworkSettings& settings() const { return settings_; }

  bool reaches(NodeIndex from, NodeIndex to) const { return reach_[from * nodes_ + to] != 0; }
  void cut(NodeIndex from, NodeIndex to) { reach_[from * nodes_ + to] = 0; }
  // Cuts both directions between `side` and every other node.
  void partition(const std::vector<NodeIndex>& side);
  void heal();

  // Schedules zero, one or two deliveries. An error means the message did not survive the
  // wire code unchanged: a bug in proto, reported by the world as a violation.
  Result<void> send(TimePoint now, NodeIndex from, NodeIndex to, const proto::Message& message);

  std::uint64_t sent() const { return sent_; }

 private:
  Result<void> check_wire(NodeIndex from, NodeIndex to, const proto::Message& message);
  TimePoint delivery_time(TimePoint now, NodeIndex from, NodeIndex to);

  std::size_t nodes_;
  bool check_wire_;
  EventQueue& queue_;
  SimRng& rng_;
  NetworkSettings settings_;
  std::vector<std::uint8_t> reach_;       // [from * nodes + to]: 1 when from reaches to
  std::vector<TimePoint> last_delivery_;  // [from * nodes + to]: keeps each pair in order
  std::uint64_t sequence_ = 0;
  std::uint64_t sent_ = 0;
};

}  // namespace tandem::sim
