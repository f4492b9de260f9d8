// FrameSplitter: cuts the byte stream of one TCP connection into whole frames.
//
// Bytes arrive in chunks of any size; frames come out whole, in order, each exactly as it
// was sent (to be checked and decoded with parse_frame()/decode()). It holds at most one
// incomplete frame, so at most kFrameSizeMax bytes. A header with a bad magic, another
// major version or an oversize length breaks the stream for good: feed() returns the error
// from then on, and the connection should be dropped. Pure: it never reads a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"

namespace tandem::proto {

class FrameSplitter {
 public:
  using Frame = std::vector<std::uint8_t>;

  // Takes the next chunk of the stream; returns the frames it completes (maybe none).
  Result<std::vector<Frame>> feed(std::span<const std::uint8_t> chunk);

  // Bytes of the incomplete frame held (the next feed() continues it).
  std::size_t buffered_size() const { return partial_.size(); }
  bool is_broken() const { return broken_.has_value(); }

 private:
  // Moves bytes from `chunk` into partial_ up to `target` bytes; returns how many it took.
  std::size_t fill(std::span<const std::uint8_t> chunk, std::size_t target);

  Frame partial_;
  std::size_t expected_size_ = 0;  // 0 until partial_ holds a whole header
  std::optional<Error> broken_;
};

}  // namespace tandem::proto
