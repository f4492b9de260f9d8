// Trace: one line per world event (real time, node, kind, details), kept in a ring of the
// last lines, or streamed whole (--trace).
//
// Records keep numbers and a short detail and are formatted only when printed: the hot path
// (tens of thousands of heartbeats per simulated second) must not build strings.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "base/time.h"

namespace tandem::sim {

struct TraceRecord {
  TimePoint at;
  std::int64_t node = -1;          // -1: the world itself
  const char* kind = "";           // a string literal
  std::int64_t peer = -1;          // the other node of a message, if any
  std::uint16_t message_type = 0;  // 0: not a message
  std::uint64_t epoch = 0;
  std::string detail;
};

std::string format(const TraceRecord& record);

class Trace {
 public:
  // Keeps the last `capacity` records; with `live`, also prints every record at once.
  Trace(std::size_t capacity, std::ostream* live);

  void add(TraceRecord record);
  // Routine traffic (heartbeats): printed live, but kept out of the ring, so that the last
  // lines shown after a violation are the ones that tell what happened.
  void add_chatter(const TraceRecord& record);
  // The kept records, oldest first, formatted.
  std::vector<std::string> tail() const;

 private:
  std::vector<TraceRecord> ring_;
  std::size_t capacity_;
  std::size_t next_ = 0;
  bool wrapped_ = false;
  std::ostream* live_;
};

}  // namespace tandem::sim
