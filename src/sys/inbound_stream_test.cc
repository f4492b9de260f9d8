#include "sys/inbound_stream.h"

#include <gtest/gtest.h>

#include <string>

#include "proto/frame.h"
#include "proto/limits.h"
#include "proto/test_messages.h"

namespace tandem::sys {
namespace {

using proto::testing::sample_heartbeat;

ClusterKey key_of(std::uint8_t fill) {
  ClusterKey key;
  key.bytes.fill(fill);
  return key;
}

std::vector<std::uint8_t> signed_frame(NodeId sender, std::uint64_t sequence,
                                       const ClusterKey& key = key_of(1),
                                       NodeId receiver = NodeId(2)) {
  return encode_signed(proto::Envelope{sender, receiver, sequence, 0, sample_heartbeat(), {}}, key);
}

// Node 2 receiving from peers 1 and 3.
InboundStream stream() { return InboundStream(key_of(1), NodeId(2), {NodeId(1), NodeId(3)}); }

bool broken_with(const InboundStream::Batch& batch, const std::string& words) {
  return batch.broken && batch.broken->message().find(words) != std::string::npos;
}

TEST(InboundStream, DeliversAuthenticFramesOfOnePeerInOrder) {
  auto inbound = stream();
  auto first = signed_frame(NodeId(1), 1);
  auto second = signed_frame(NodeId(1), 2, key_of(1), proto::kBroadcast);
  first.insert(first.end(), second.begin(), second.end());
  auto batch = inbound.feed(first);
  ASSERT_FALSE(batch.broken) << *batch.broken;
  ASSERT_EQ(batch.messages.size(), 2u);
  EXPECT_EQ(batch.messages[0].from, NodeId(1));
  EXPECT_EQ(batch.messages[1].message, proto::Message(sample_heartbeat()));
  EXPECT_EQ(inbound.peer(), NodeId(1));
}

TEST(InboundStream, RefusesAFrameSignedWithAnotherKey) {
  auto inbound = stream();
  auto batch = inbound.feed(signed_frame(NodeId(1), 1, key_of(9)));
  EXPECT_TRUE(batch.messages.empty());
  EXPECT_TRUE(broken_with(batch, "authentication tag")) << *batch.broken;
  EXPECT_FALSE(inbound.peer());
}

TEST(InboundStream, RefusesATamperedFrame) {
  auto frame = signed_frame(NodeId(1), 1);
  frame[proto::kHeaderSize + 3] ^= 0x40;
  auto inbound = stream();
  EXPECT_TRUE(broken_with(inbound.feed(frame), "authentication tag"));
}

TEST(InboundStream, RefusesAReplayedFrameAndStaysBroken) {
  auto inbound = stream();
  const auto frame = signed_frame(NodeId(1), 5);
  EXPECT_EQ(inbound.feed(frame).messages.size(), 1u);
  EXPECT_TRUE(broken_with(inbound.feed(frame), "replayed"));
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(1), 6)), "replayed"));
}

TEST(InboundStream, RefusesAConnectionWhoseFramesNameDifferentSenders) {
  auto inbound = stream();
  EXPECT_EQ(inbound.feed(signed_frame(NodeId(1), 1)).messages.size(), 1u);
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(3), 2)), "speaks for node 1"));
}

TEST(InboundStream, RefusesASenderThatIsNotAPeer) {
  auto inbound = stream();
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(7), 1)), "not a configured peer"));
}

TEST(InboundStream, RefusesAFrameMeantForAnotherNode) {
  auto inbound = stream();
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(1), 1, key_of(1), NodeId(3))),
                          "meant for node 3"));
}

TEST(InboundStream, RefusesABadMagic) {
  auto frame = signed_frame(NodeId(1), 1);
  frame[0] = 'X';
  auto inbound = stream();
  EXPECT_TRUE(inbound.feed(frame).broken);
}

TEST(InboundStream, SkipsAnAuthenticFrameOfUnknownTypeAndGoesOn) {
  auto unknown = signed_frame(NodeId(1), 1);
  unknown[6] = 0x12;  // message type 0x1234: from a newer minor version
  unknown[7] = 0x34;
  const std::span<const std::uint8_t> authenticated(unknown.data(), unknown.size() - proto::kTagSize);
  proto::write_tag(unknown, compute_tag(key_of(1), authenticated));
  auto inbound = stream();
  auto batch = inbound.feed(unknown);
  EXPECT_FALSE(batch.broken);
  EXPECT_EQ(batch.skipped.size(), 1u);
  EXPECT_EQ(inbound.feed(signed_frame(NodeId(1), 2)).messages.size(), 1u);
}

TEST(InboundStream, AcceptsAFrameCutIntoPieces) {
  auto inbound = stream();
  const auto frame = signed_frame(NodeId(1), 1);
  const std::span<const std::uint8_t> bytes(frame);
  EXPECT_TRUE(inbound.feed(bytes.first(7)).messages.empty());
  EXPECT_TRUE(inbound.feed(bytes.subspan(7, 40)).messages.empty());
  EXPECT_EQ(inbound.feed(bytes.subspan(47)).messages.size(), 1u);
}

}  // namespace
}  // namespace tandem::sys
