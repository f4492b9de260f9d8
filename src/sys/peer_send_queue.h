// PeerSendQueue: the frames waiting to go to one peer, with a bound.
//
// Holds signed frames in order. It is bounded by kPeerQueueFramesMax frames and
// kPeerQueueBytesMax bytes: pushing onto a full queue drops the OLDEST frames first, since
// the cluster protocol is periodic (a newer heartbeat supersedes an older one) and a
// peer that cannot keep up must not make this node grow without limit. clear() discards
// everything: the transport calls it when a connection breaks, so that nothing queued
// for the old connection is ever delivered late over a new one. Pure: no sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace tandem::sys {

inline constexpr std::size_t kPeerQueueFramesMax = 1024;
inline constexpr std::size_t kPeerQueueBytesMax = std::size_t{4} << 20;  // 4 MiB

class PeerSendQueue {
 public:
  using Frame = std::vector<std::uint8_t>;

  PeerSendQueue(std::size_t frames_max = kPeerQueueFramesMax, std::size_t bytes_max = kPeerQueueBytesMax)
      : frames_max_(frames_max), bytes_max_(bytes_max) {}

  // Appends `frame`, first dropping the oldest frames as needed to stay within both
  // bounds; returns how many it dropped. A single frame larger than bytes_max is still
  // kept alone (frames are at most proto::kFrameSizeMax, well under the default bound).
  std::size_t push(Frame frame);

  // The oldest frame, removed. The queue must not be empty.
  Frame pop();

  // Discards every frame; returns how many.
  std::size_t clear();

  bool empty() const { return frames_.empty(); }
  std::size_t size() const { return frames_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t frames_max_;
  std::size_t bytes_max_;
  std::deque<Frame> frames_;
  std::size_t bytes_ = 0;  // invariant: the sum of frames_[i].size()
};

}  // namespace tandem::sys
