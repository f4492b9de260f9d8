#include "sys/peer_send_queue.h"

#include <gtest/gtest.h>

namespace tandem::sys {
namespace {

PeerSendQueue::Frame frame(std::uint8_t marker, std::size_t size = 4) { return PeerSendQueue::Frame(size, marker); }

TEST(PeerSendQueue, KeepsFramesInOrder) {
  PeerSendQueue queue;
  EXPECT_EQ(queue.push(frame(1)), 0u);
  EXPECT_EQ(queue.push(frame(2)), 0u);
  EXPECT_EQ(queue.pop(), frame(1));
  EXPECT_EQ(queue.pop(), frame(2));
  EXPECT_TRUE(queue.empty());
}

TEST(PeerSendQueue, DropsTheOldestFramesBeyondTheFrameBound) {
  PeerSendQueue queue(3, 1000);
  for (std::uint8_t i = 1; i <= 3; ++i) EXPECT_EQ(queue.push(frame(i)), 0u);
  EXPECT_EQ(queue.push(frame(4)), 1u);
  EXPECT_EQ(queue.push(frame(5)), 1u);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.pop(), frame(3));
  EXPECT_EQ(queue.pop(), frame(4));
  EXPECT_EQ(queue.pop(), frame(5));
}

TEST(PeerSendQueue, DropsTheOldestFramesBeyondTheByteBound) {
  PeerSendQueue queue(100, 10);
  EXPECT_EQ(queue.push(frame(1, 4)), 0u);
  EXPECT_EQ(queue.push(frame(2, 4)), 0u);
  EXPECT_EQ(queue.push(frame(3, 6)), 1u);  // 4 + 4 + 6 > 10; 4 + 6 fits exactly
  EXPECT_EQ(queue.bytes(), 10u);
  EXPECT_EQ(queue.pop(), frame(2, 4));
  EXPECT_EQ(queue.push(frame(4, 11)), 1u);  // larger than the bound: kept alone
  EXPECT_EQ(queue.size(), 1u);
}

TEST(PeerSendQueue, ClearDiscardsEverything) {
  PeerSendQueue queue;
  (void)queue.push(frame(1));
  (void)queue.push(frame(2));
  EXPECT_EQ(queue.clear(), 2u);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.bytes(), 0u);
}

TEST(PeerSendQueue, DefaultBoundsAreTheNamedLimits) {
  PeerSendQueue queue;
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < kPeerQueueFramesMax + 10; ++i) dropped += queue.push(frame(0));
  EXPECT_EQ(queue.size(), kPeerQueueFramesMax);
  EXPECT_EQ(dropped, 10u);
}

}  // namespace
}  // namespace tandem::sys
