#include "sys/peer_send_queue.h"

#include <utility>

#include "base/check.h"

namespace tandem::sys {

std::size_t PeerSendQueue::push(Frame frame) {
  std::size_t dropped = 0;
  while (!frames_.empty() && (frames_.size() + 1 > frames_max_ || bytes_ + frame.size() > bytes_max_)) {
    bytes_ -= frames_.front().size();
    frames_.pop_front();
    ++dropped;
  }
  bytes_ += frame.size();
  frames_.push_back(std::move(frame));
  return dropped;
}

PeerSendQueue::Frame PeerSendQueue::pop() {
  TANDEM_CHECK(!frames_.empty());
  Frame frame = std::move(frames_.front());
  frames_.pop_front();
  bytes_ -= frame.size();
  return frame;
}

std::size_t PeerSendQueue::clear() {
  const std::size_t count = frames_.size();
  frames_.clear();
  bytes_ = 0;
  return count;
}

}  // namespace tandem::sys
