#include "proto/frame.h"

#include <gtest/gtest.h>

#include "proto/field_writer.h"
#include "proto/limits.h"
#include "proto/test_messages.h"

namespace tandem::proto {
namespace {

using testing::envelope_of;

std::string decode_error(const std::vector<std::uint8_t>& bytes) {
  auto decoded = decode(bytes);
  return decoded.ok() ? "ok" : decoded.error().message();
}

std::vector<std::uint8_t> vote_frame() { return encode(envelope_of(Vote{8, NodeId(1)})); }

TEST(Frame, LaysOutTheHeaderByteByByte) {
  const auto bytes = vote_frame();
  const std::vector<std::uint8_t> header(bytes.begin(), bytes.begin() + kHeaderSize);
  const std::vector<std::uint8_t> expected = {
      'T', 'N', 'D', 'M', 1, 7,         // magic, version 1.7
      0,   8,   0,   0,                 // type Vote, flags
      0,   0,   0,   1,   0, 0, 0, 2,   // sender 1, receiver 2
      0,   0,   0,   0,   0, 0, 0, 99,  // sequence
      0,   0,   0,   24,                // payload: two fields of 6 + 8 and 6 + 4 bytes
  };
  EXPECT_EQ(header, expected);
  EXPECT_EQ(bytes.size(), kHeaderSize + 24 + kTagSize);
}

TEST(Frame, RoundTripsAnEnvelopeOfEveryMessageType) {
  for (const auto& message : testing::sample_messages()) {
    auto envelope = envelope_of(message);
    envelope.flags = 0x8001;
    envelope.tag[0] = 0xAB;
    auto decoded = decode(encode(envelope));
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(*decoded, envelope) << message_name(message_type(message));
  }
}

TEST(Frame, RoundTripsABroadcast) {
  auto envelope = envelope_of(testing::sample_heartbeat());
  envelope.receiver = kBroadcast;
  auto decoded = decode(encode(envelope));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->receiver, kBroadcast);
}

TEST(Frame, ExposesTheBytesTheTagCoversAndTheTag) {
  auto bytes = vote_frame();
  AuthTag tag{};
  tag.fill(0x5A);
  write_tag(bytes, tag);
  auto view = parse_frame(bytes);
  ASSERT_TRUE(view.ok()) << view.error();
  EXPECT_EQ(view->authenticated.size(), bytes.size() - kTagSize);
  EXPECT_EQ(view->authenticated.data(), bytes.data());
  EXPECT_TRUE(std::equal(view->tag.begin(), view->tag.end(), tag.begin(), tag.end()));
  EXPECT_EQ(decode(bytes)->tag, tag);
}

TEST(Frame, RefusesEveryTruncationOfAValidFrame) {
  for (const auto& message : testing::sample_messages()) {
    const auto bytes = encode(envelope_of(message));
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      const std::span<const std::uint8_t> prefix(bytes.data(), length);
      EXPECT_FALSE(decode(prefix).ok()) << length;
    }
  }
}

TEST(Frame, RefusesBytesAfterTheFrame) {
  auto bytes = vote_frame();
  bytes.push_back(0);
  EXPECT_EQ(decode_error(bytes), "frame: is 87 bytes but its header says 86");
}

TEST(Frame, RefusesABadMagic) {
  auto bytes = vote_frame();
  bytes[0] = 'X';
  EXPECT_EQ(decode_error(bytes), "frame: bad magic: not a Tandem frame");
}

TEST(Frame, RefusesAnotherMajorVersion) {
  auto bytes = vote_frame();
  bytes[4] = 2;
  bytes[5] = 3;
  EXPECT_EQ(decode_error(bytes), "frame: protocol version 2.3 is not supported (this node speaks 1.7)");
}

TEST(Frame, AcceptsAnOlderMinorVersion) {
  auto bytes = vote_frame();
  bytes[5] = 0;  // a 1.0 peer: same layout, fewer types and fields
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->message, Message(Vote{8, NodeId(1)}));
}

TEST(Frame, AcceptsThePreviousMinorVersion) {
  auto bytes = vote_frame();
  bytes[5] = 3;  // a 1.3 peer: TakeoverAck failures without a cause (see payload_test.cc)
  auto decoded = decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded->message, Message(Vote{8, NodeId(1)}));
}

TEST(Frame, AcceptsANewerMinorVersion) {
  auto bytes = vote_frame();
  bytes[5] = 9;
  auto view = parse_frame(bytes);
  ASSERT_TRUE(view.ok()) << view.error();
  EXPECT_EQ(view->version_minor, 9);
  EXPECT_TRUE(decode(bytes).ok());
}

TEST(Frame, RefusesAnUnknownMessageTypeButStillParsesTheFrame) {
  auto bytes = vote_frame();
  bytes[7] = 200;
  EXPECT_EQ(decode_error(bytes), "frame: unknown message type 200");
  auto view = parse_frame(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(is_known_message_type(view->type));
}

TEST(Frame, RefusesAPayloadOverTheLimit) {
  auto bytes = vote_frame();
  // 5000000 = 0x004C4B40
  bytes[26] = 0x00;
  bytes[27] = 0x4C;
  bytes[28] = 0x4B;
  bytes[29] = 0x40;
  EXPECT_EQ(decode_error(bytes), "frame: payload length 5000000 exceeds 1048576");
}

TEST(Frame, RefusesALengthThatDisagreesWithTheBuffer) {
  auto bytes = vote_frame();
  bytes[29] = 23;
  EXPECT_EQ(decode_error(bytes), "frame: is 86 bytes but its header says 85");
}

TEST(Frame, RefusesABroadcastSender) {
  auto bytes = vote_frame();
  for (std::size_t i = 10; i < 14; ++i) bytes[i] = 0xFF;
  EXPECT_EQ(decode_error(bytes), "frame: the sender is the broadcast id");
}

TEST(Frame, RefusesAPayloadThatDoesNotMatchItsType) {
  auto bytes = vote_frame();
  bytes[7] = static_cast<std::uint8_t>(MessageType::kHeartbeat);
  EXPECT_EQ(decode_error(bytes), "Heartbeat.sent_seq: required field is missing");
}

TEST(Frame, AcceptsTheLargestPayloadAndNoMore) {
  Writer payload;
  FieldWriter fields(payload);
  fields.u64(1, 8);
  fields.node(2, NodeId(1));
  fields.text(99, std::string(kPayloadSizeMax - payload.size() - 6, 'x'));  // padding field
  auto bytes = vote_frame();
  bytes.resize(kHeaderSize);
  bytes[26] = 0x00;
  bytes[27] = 0x10;
  bytes[28] = 0x00;
  bytes[29] = 0x00;
  bytes.insert(bytes.end(), payload.data().begin(), payload.data().end());
  bytes.resize(bytes.size() + kTagSize);
  ASSERT_EQ(bytes.size(), kFrameSizeMax);
  EXPECT_TRUE(decode(bytes).ok()) << decode_error(bytes);
  bytes[29] = 0x01;
  bytes.push_back(0);
  EXPECT_EQ(decode_error(bytes), "frame: payload length 1048577 exceeds 1048576");
}

}  // namespace
}  // namespace tandem::proto
