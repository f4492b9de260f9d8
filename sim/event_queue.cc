#include "sim/event_queue.h"

namespace tandem::sim {

void EventQueue::push(TimePoint at, SimEvent event) {
  std::uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.push_back(std::move(event));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot] = std::move(event);
  }
  heap_.push(Entry{at, next_sequence_++, slot});
}

std::pair<TimePoint, SimEvent> EventQueue::pop() {
  const Entry entry = heap_.top();
  heap_.pop();
  free_slots_.push_back(entry.slot);
  return {entry.at, std::move(slots_[entry.slot])};
}

}  // namespace tandem::sim
