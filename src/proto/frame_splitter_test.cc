#include "proto/frame_splitter.h"

#include <gtest/gtest.h>

#include "proto/limits.h"
#include "proto/test_messages.h"

namespace tandem::proto {
namespace {

using testing::envelope_of;
using Frame = FrameSplitter::Frame;

std::vector<Frame> feed_all(FrameSplitter& splitter, std::span<const std::uint8_t> chunk) {
  auto frames = splitter.feed(chunk);
  EXPECT_TRUE(frames.ok()) << frames.error();
  return frames.ok() ? *frames : std::vector<Frame>{};
}

TEST(FrameSplitter, YieldsAFrameSplitAtEveryByteBoundary) {
  const auto frame = encode(envelope_of(testing::sample_takeover_order()));
  for (std::size_t cut = 0; cut <= frame.size(); ++cut) {
    FrameSplitter splitter;
    const std::span<const std::uint8_t> bytes(frame);
    auto first = feed_all(splitter, bytes.first(cut));
    auto second = feed_all(splitter, bytes.subspan(cut));
    first.insert(first.end(), second.begin(), second.end());
    ASSERT_EQ(first.size(), 1u) << cut;
    EXPECT_EQ(first[0], frame) << cut;
    EXPECT_EQ(splitter.buffered_size(), 0u);
  }
}

TEST(FrameSplitter, YieldsAFrameFedOneByteAtATime) {
  const auto frame = encode(envelope_of(testing::sample_state_report()));
  FrameSplitter splitter;
  std::vector<Frame> frames;
  for (std::uint8_t byte : frame) {
    auto more = feed_all(splitter, std::span<const std::uint8_t>(&byte, 1));
    frames.insert(frames.end(), more.begin(), more.end());
  }
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], frame);
}

TEST(FrameSplitter, YieldsTwoFramesFromOneChunkInOrder) {
  const auto first = encode(envelope_of(testing::sample_heartbeat()));
  const auto second = encode(envelope_of(testing::sample_takeover_ack()));
  std::vector<std::uint8_t> chunk = first;
  chunk.insert(chunk.end(), second.begin(), second.end());
  chunk.insert(chunk.end(), first.begin(), first.begin() + 10);  // the start of a third
  FrameSplitter splitter;
  const auto frames = feed_all(splitter, chunk);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], first);
  EXPECT_EQ(frames[1], second);
  EXPECT_EQ(splitter.buffered_size(), 10u);
}

TEST(FrameSplitter, BreaksOnABadMagicAndStaysBroken) {
  auto frame = encode(envelope_of(testing::sample_heartbeat()));
  frame[1] = 'X';
  FrameSplitter splitter;
  auto result = splitter.feed(frame);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message(), "frame: bad magic: not a Tandem frame");
  EXPECT_TRUE(splitter.is_broken());
  const auto good = encode(envelope_of(testing::sample_heartbeat()));
  EXPECT_FALSE(splitter.feed(good).ok());
}

TEST(FrameSplitter, BreaksOnAnOversizeLengthBeforeBufferingThePayload) {
  auto frame = encode(envelope_of(testing::sample_heartbeat()));
  frame[26] = 0x7F;
  FrameSplitter splitter;
  auto result = splitter.feed(std::span<const std::uint8_t>(frame).first(kHeaderSize));
  ASSERT_FALSE(result.ok());
  const std::uint32_t length = 0x7Fu << 24 | std::uint32_t{frame[27]} << 16 | std::uint32_t{frame[28]} << 8 | frame[29];
  EXPECT_EQ(result.error().message(), "frame: payload length " + std::to_string(length) + " exceeds 1048576");
  EXPECT_EQ(splitter.buffered_size(), 0u);
}

TEST(FrameSplitter, WaitsForAWholeHeaderBeforeJudgingIt) {
  FrameSplitter splitter;
  const std::vector<std::uint8_t> start = {'T', 'N', 'D'};
  EXPECT_TRUE(feed_all(splitter, start).empty());
  EXPECT_FALSE(splitter.is_broken());
  EXPECT_EQ(splitter.buffered_size(), 3u);
}

}  // namespace
}  // namespace tandem::proto
