#include "sim/trace.h"

#include <cstdio>

#include "proto/message.h"

namespace tandem::sim {

std::string format(const TraceRecord& record) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(record.at.time_since_epoch()).count();
  char head[64];
  std::snprintf(head, sizeof head, "%lld.%06lld ", static_cast<long long>(micros / 1000000),
                static_cast<long long>(micros % 1000000));
  std::string line = head;
  line += record.node < 0 ? std::string("world") : "n" + std::to_string(record.node);
  line += ' ';
  line += record.kind;
  if (record.message_type != 0) {
    line += ' ';
    line += proto::message_name(static_cast<proto::MessageType>(record.message_type));
    line += " e=" + std::to_string(record.epoch);
  }
  if (record.peer >= 0) line += (record.message_type != 0 ? " n" : " peer n") + std::to_string(record.peer);
  if (!record.detail.empty()) line += ' ' + record.detail;
  return line;
}

Trace::Trace(std::size_t capacity, std::ostream* live) : capacity_(capacity == 0 ? 1 : capacity), live_(live) {
  ring_.reserve(capacity_);
}

void Trace::add(TraceRecord record) {
  if (live_ != nullptr) *live_ << format(record) << '\n';
  if (ring_.size() < capacity_) {
    ring_.push_back(std::move(record));
    return;
  }
  ring_[next_] = std::move(record);
  next_ = (next_ + 1) % capacity_;
  wrapped_ = true;
}

void Trace::add_chatter(const TraceRecord& record) {
  if (live_ != nullptr) *live_ << format(record) << '\n';
}

std::vector<std::string> Trace::tail() const {
  std::vector<std::string> lines;
  lines.reserve(ring_.size());
  const std::size_t start = wrapped_ ? next_ : 0;
  for (std::size_t i = 0; i < ring_.size(); ++i) lines.push_back(format(ring_[(start + i) % ring_.size()]));
  return lines;
}

}  // namespace tandem::sim
