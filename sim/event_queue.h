// EventQueue: the world's agenda, ordered by (real time, insertion sequence).
//
// The sequence number breaks ties, so two events at the same instant always run in the
// order they were scheduled and a seed always replays the same trace. Events live in a slab
// and the heap holds only small index entries, so heap moves never copy a message.
#pragma once

#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "base/time.h"
#include "sim/sim_event.h"

namespace tandem::sim {

class EventQueue {
 public:
  void push(TimePoint at, SimEvent event);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  TimePoint next_time() const { return heap_.top().at; }  // not empty
  // Removes and returns the earliest event (not empty).
  std::pair<TimePoint, SimEvent> pop();

 private:
  struct Entry {
    TimePoint at;
    std::uint64_t sequence = 0;
    std::uint32_t slot = 0;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.at != b.at ? a.at > b.at : a.sequence > b.sequence;
    }
  };

  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  std::vector<SimEvent> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace tandem::sim
