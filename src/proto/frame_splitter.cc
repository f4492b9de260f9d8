#include "proto/frame_splitter.h"

#include <algorithm>

#include "proto/frame.h"
#include "proto/limits.h"

namespace tandem::proto {

std::size_t FrameSplitter::fill(std::span<const std::uint8_t> chunk, std::size_t target) {
  const std::size_t count = std::min(chunk.size(), target - partial_.size());
  partial_.insert(partial_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(count));
  return count;
}

Result<std::vector<FrameSplitter::Frame>> FrameSplitter::feed(std::span<const std::uint8_t> chunk) {
  if (broken_) return fail(*broken_);
  std::vector<Frame> frames;
  while (!chunk.empty()) {
    if (expected_size_ == 0) {
      chunk = chunk.subspan(fill(chunk, kHeaderSize));
      if (partial_.size() < kHeaderSize) break;
      auto size = frame_size(partial_);
      if (!size) {
        broken_ = size.error();
        partial_ = Frame();
        return fail(*broken_);
      }
      expected_size_ = *size;
      partial_.reserve(expected_size_);
    }
    chunk = chunk.subspan(fill(chunk, expected_size_));
    if (partial_.size() == expected_size_) {
      frames.push_back(std::move(partial_));
      partial_ = Frame();
      expected_size_ = 0;
    }
  }
  return frames;
}

}  // namespace tandem::proto
