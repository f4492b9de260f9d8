#include "sys/inbound_stream.h"

#include <gtest/gtest.h>

#include <string>

#include "proto/frame.h"
#include "proto/limits.h"
#include "proto/test_messages.h"
#include "sys/mesh_test_support.h"

namespace tandem::sys {
namespace {

using mesh_testing::key_of;
using mesh_testing::nonce_of;

using proto::testing::sample_heartbeat;

// The nonce node 2 challenged the connection under test with; another connection's is 6.
const Nonce kNonce = nonce_of(5);

ConnectionKey key_for(const Nonce& nonce = kNonce, const ClusterKey& cluster_key = key_of(1)) {
  return connection_key(cluster_key, NodeId(2), nonce);
}

std::vector<std::uint8_t> hello_from(NodeId connector, const ConnectionKey& key = key_for(),
                                     NodeId acceptor = NodeId(2)) {
  return encode_hello(key, connector, acceptor);
}

std::vector<std::uint8_t> signed_frame(NodeId sender, std::uint64_t sequence, const ConnectionKey& key = key_for(),
                                       NodeId receiver = NodeId(2)) {
  auto frame = proto::encode(proto::Envelope{sender, receiver, sequence, 0, sample_heartbeat(), {}});
  sign_frame(frame, key);
  return frame;
}

std::vector<std::uint8_t> joined(std::vector<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> bytes;
  for (const auto& part : parts) bytes.insert(bytes.end(), part.begin(), part.end());
  return bytes;
}

// Node 2 receiving from peers 1 and 3, on a connection it challenged with kNonce.
InboundStream stream() { return InboundStream(key_of(1), NodeId(2), {NodeId(1), NodeId(3)}, kNonce); }

// The same, after node 1's valid hello.
InboundStream stream_from_node_1() {
  auto inbound = stream();
  auto batch = inbound.feed(hello_from(NodeId(1)));
  EXPECT_FALSE(batch.broken) << *batch.broken;
  EXPECT_EQ(inbound.peer(), NodeId(1));
  return inbound;
}

bool broken_with(const InboundStream::Batch& batch, const std::string& words) {
  return batch.broken && batch.broken->message().find(words) != std::string::npos;
}

TEST(InboundStream, DeliversAuthenticFramesOfOnePeerInOrder) {
  auto inbound = stream();
  auto batch = inbound.feed(joined(
      {hello_from(NodeId(1)), signed_frame(NodeId(1), 1), signed_frame(NodeId(1), 2, key_for(), proto::kBroadcast)}));
  ASSERT_FALSE(batch.broken) << *batch.broken;
  ASSERT_EQ(batch.messages.size(), 2u);
  EXPECT_EQ(batch.messages[0].from, NodeId(1));
  EXPECT_EQ(batch.messages[1].message, proto::Message(sample_heartbeat()));
  EXPECT_EQ(inbound.peer(), NodeId(1));
}

TEST(InboundStream, RefusesAHelloTaggedWithAnotherClusterKey) {
  auto inbound = stream();
  auto batch = inbound.feed(hello_from(NodeId(1), key_for(kNonce, key_of(9))));
  EXPECT_TRUE(broken_with(batch, "authentication tag")) << *batch.broken;
  EXPECT_FALSE(inbound.peer());
}

TEST(InboundStream, RefusesAFrameSignedWithAnotherKey) {
  auto inbound = stream_from_node_1();
  auto batch = inbound.feed(signed_frame(NodeId(1), 1, key_for(kNonce, key_of(9))));
  EXPECT_TRUE(batch.messages.empty());
  EXPECT_TRUE(broken_with(batch, "authentication tag")) << *batch.broken;
}

TEST(InboundStream, RefusesAFrameTaggedWithTheClusterKeyItself) {
  auto inbound = stream_from_node_1();
  auto frame = proto::encode(proto::Envelope{NodeId(1), NodeId(2), 1, 0, sample_heartbeat(), {}});
  proto::write_tag(frame, compute_tag(key_of(1), std::span(frame).first(frame.size() - proto::kTagSize)));
  EXPECT_TRUE(broken_with(inbound.feed(frame), "authentication tag"));
}

TEST(InboundStream, RefusesATamperedFrame) {
  auto frame = signed_frame(NodeId(1), 1);
  frame[proto::kHeaderSize + 3] ^= 0x40;
  auto inbound = stream_from_node_1();
  EXPECT_TRUE(broken_with(inbound.feed(frame), "authentication tag"));
}

TEST(InboundStream, RefusesAReplayedFrameAndStaysBroken) {
  auto inbound = stream_from_node_1();
  const auto frame = signed_frame(NodeId(1), 5);
  EXPECT_EQ(inbound.feed(frame).messages.size(), 1u);
  EXPECT_TRUE(broken_with(inbound.feed(frame), "replayed"));
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(1), 6)), "replayed"));
}

// A whole connection recorded earlier (challenged with another nonce) and replayed.
TEST(InboundStream, RefusesAConnectionRecordedOnAnotherConnection) {
  const auto other = key_for(nonce_of(6));
  const auto recorded =
      joined({hello_from(NodeId(1), other), signed_frame(NodeId(1), 1, other), signed_frame(NodeId(1), 2, other)});
  auto inbound = stream();
  auto batch = inbound.feed(recorded);
  EXPECT_TRUE(broken_with(batch, "authentication tag")) << *batch.broken;
  EXPECT_TRUE(batch.messages.empty());
  EXPECT_FALSE(inbound.peer());
}

// Every frame proves the nonce, not only the hello: frames recorded on another connection
// are refused even after this connection's own hello.
TEST(InboundStream, RefusesFramesSplicedAfterAValidHello) {
  auto inbound = stream_from_node_1();
  auto batch = inbound.feed(signed_frame(NodeId(1), 1, key_for(nonce_of(6))));
  EXPECT_TRUE(broken_with(batch, "authentication tag")) << *batch.broken;
  EXPECT_TRUE(batch.messages.empty());
}

TEST(InboundStream, RefusesGarbageBeforeTheHelloAtItsFirstByte) {
  auto inbound = stream();
  const std::vector<std::uint8_t> garbage = {'G'};
  EXPECT_TRUE(broken_with(inbound.feed(garbage), "bad magic"));
}

TEST(InboundStream, RefusesAFrameSentWithoutTheHandshake) {
  auto inbound = stream();
  const auto frame = signed_frame(NodeId(1), 1);
  EXPECT_TRUE(broken_with(inbound.feed(std::span(frame).first(4)), "frame came before the handshake"));
}

TEST(InboundStream, RefusesAHelloMeantForAnotherNode) {
  auto inbound = stream();
  EXPECT_TRUE(broken_with(inbound.feed(hello_from(NodeId(1), key_for(), NodeId(3))), "meant for node 3"));
}

TEST(InboundStream, TakesAtMostOneHelloBeforeTheConnectionIsProven) {
  auto inbound = stream();
  EXPECT_EQ(inbound.read_limit(), kHelloSize);
  const auto hello = hello_from(NodeId(1));
  const std::span<const std::uint8_t> bytes(hello);
  EXPECT_FALSE(inbound.feed(bytes.first(10)).broken);
  EXPECT_EQ(inbound.read_limit(), kHelloSize - 10);
  EXPECT_FALSE(inbound.is_proven());
  EXPECT_FALSE(inbound.feed(bytes.subspan(10)).broken);
  EXPECT_TRUE(inbound.is_proven());
  EXPECT_GT(inbound.read_limit(), proto::kFrameSizeMax);
}

TEST(InboundStream, RefusesAConnectionWhoseFramesNameDifferentSenders) {
  auto inbound = stream_from_node_1();
  EXPECT_EQ(inbound.feed(signed_frame(NodeId(1), 1)).messages.size(), 1u);
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(3), 2)), "speaks for node 1"));
}

TEST(InboundStream, RefusesASenderThatIsNotAPeer) {
  auto inbound = stream();
  EXPECT_TRUE(broken_with(inbound.feed(hello_from(NodeId(7))), "not a configured peer"));
}

TEST(InboundStream, RefusesAFrameMeantForAnotherNode) {
  auto inbound = stream_from_node_1();
  EXPECT_TRUE(broken_with(inbound.feed(signed_frame(NodeId(1), 1, key_for(), NodeId(3))), "meant for node 3"));
}

TEST(InboundStream, RefusesABadMagic) {
  auto frame = signed_frame(NodeId(1), 1);
  frame[0] = 'X';
  auto inbound = stream_from_node_1();
  EXPECT_TRUE(inbound.feed(frame).broken);
}

TEST(InboundStream, SkipsAnAuthenticFrameOfUnknownTypeAndGoesOn) {
  auto unknown = signed_frame(NodeId(1), 1);
  unknown[6] = 0x12;  // message type 0x1234: from a newer minor version
  unknown[7] = 0x34;
  sign_frame(unknown, key_for());
  auto inbound = stream_from_node_1();
  auto batch = inbound.feed(unknown);
  EXPECT_FALSE(batch.broken);
  EXPECT_EQ(batch.skipped.size(), 1u);
  EXPECT_EQ(inbound.feed(signed_frame(NodeId(1), 2)).messages.size(), 1u);
}

TEST(InboundStream, AcceptsAHelloAndAFrameCutIntoPieces) {
  auto inbound = stream();
  const auto stream_bytes = joined({hello_from(NodeId(1)), signed_frame(NodeId(1), 1)});
  const std::span<const std::uint8_t> bytes(stream_bytes);
  EXPECT_TRUE(inbound.feed(bytes.first(7)).messages.empty());
  EXPECT_TRUE(inbound.feed(bytes.subspan(7, 60)).messages.empty());
  EXPECT_EQ(inbound.feed(bytes.subspan(67)).messages.size(), 1u);
}

}  // namespace
}  // namespace tandem::sys
