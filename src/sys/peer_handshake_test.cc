#include "sys/peer_handshake.h"

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

bool fails_with(const Error& error, const std::string& words) {
  return error.message().find(words) != std::string::npos;
}

TEST(PeerHandshake, ChallengeHasTheDocumentedLayoutAndReadsBack) {
  const Challenge challenge{NodeId(0x01020304), nonce_of(0xAB)};
  const auto bytes = encode_challenge(key_of(1), challenge);
  ASSERT_EQ(bytes.size(), 74u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "TNDH");
  EXPECT_EQ(bytes[4], 1);  // handshake version
  EXPECT_EQ(bytes[5], 1);  // kind: challenge
  EXPECT_EQ(bytes[6], 0x01);
  EXPECT_EQ(bytes[9], 0x04);
  EXPECT_EQ(bytes[10], 0xAB);
  auto parsed = parse_challenge(key_of(1), bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(*parsed, challenge);
}

TEST(PeerHandshake, RefusesAChallengeTaggedWithAnotherKey) {
  const auto bytes = encode_challenge(key_of(9), Challenge{NodeId(2), nonce_of(3)});
  auto parsed = parse_challenge(key_of(1), bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(fails_with(parsed.error(), "authentication tag")) << parsed.error();
}

TEST(PeerHandshake, RefusesATamperedChallenge) {
  auto bytes = encode_challenge(key_of(1), Challenge{NodeId(2), nonce_of(3)});
  bytes[20] ^= 0x01;  // in the nonce
  EXPECT_FALSE(parse_challenge(key_of(1), bytes).ok());
}

TEST(PeerHandshake, HelloHasTheDocumentedLayoutAndNamesItsConnector) {
  const auto key = connection_key(key_of(1), NodeId(2), nonce_of(3));
  const auto bytes = encode_hello(key, NodeId(1), NodeId(2));
  ASSERT_EQ(bytes.size(), 46u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "TNDH");
  EXPECT_EQ(bytes[5], 2);   // kind: hello
  EXPECT_EQ(bytes[9], 1);   // connector
  EXPECT_EQ(bytes[13], 2);  // acceptor
  auto connector = parse_hello(key, NodeId(2), bytes);
  ASSERT_TRUE(connector.ok()) << connector.error();
  EXPECT_EQ(*connector, NodeId(1));
}

TEST(PeerHandshake, RefusesAHelloMadeForAnotherNonce) {
  const auto recorded = encode_hello(connection_key(key_of(1), NodeId(2), nonce_of(3)), NodeId(1), NodeId(2));
  auto connector = parse_hello(connection_key(key_of(1), NodeId(2), nonce_of(4)), NodeId(2), recorded);
  ASSERT_FALSE(connector.ok());
  EXPECT_TRUE(fails_with(connector.error(), "authentication tag")) << connector.error();
}

TEST(PeerHandshake, RefusesAHelloMeantForAnotherNode) {
  const auto key = connection_key(key_of(1), NodeId(2), nonce_of(3));
  auto connector = parse_hello(key, NodeId(2), encode_hello(key, NodeId(1), NodeId(3)));
  ASSERT_FALSE(connector.ok());
  EXPECT_TRUE(fails_with(connector.error(), "meant for node 3")) << connector.error();
}

TEST(PeerHandshake, ConnectionKeysDependOnNonceAcceptorAndClusterKey) {
  const auto key = connection_key(key_of(1), NodeId(2), nonce_of(3));
  EXPECT_NE(key, connection_key(key_of(1), NodeId(2), nonce_of(4)));
  EXPECT_NE(key, connection_key(key_of(1), NodeId(5), nonce_of(3)));
  EXPECT_NE(key, connection_key(key_of(7), NodeId(2), nonce_of(3)));
  EXPECT_NE(key.key, key_of(1));
}

// The challenge's tag is public; the connection key, made from the same fields, must not
// be it.
TEST(PeerHandshake, ConnectionKeyIsNotTheChallengesPublicTag) {
  const auto challenge = encode_challenge(key_of(1), Challenge{NodeId(2), nonce_of(3)});
  const auto key = connection_key(key_of(1), NodeId(2), nonce_of(3));
  EXPECT_FALSE(std::equal(key.key.bytes.begin(), key.key.bytes.end(), challenge.end() - 32));
}

TEST(PeerHandshake, ChecksThePrefixAtTheFirstWrongByte) {
  const std::vector<std::uint8_t> garbage = {'G'};
  EXPECT_FALSE(check_handshake_prefix(garbage, HandshakeKind::kHello).ok());
  const std::vector<std::uint8_t> so_far = {'T', 'N', 'D'};
  EXPECT_TRUE(check_handshake_prefix(so_far, HandshakeKind::kHello).ok());
  const std::vector<std::uint8_t> other_version = {'T', 'N', 'D', 'H', 9};
  auto version = check_handshake_prefix(other_version, HandshakeKind::kHello);
  ASSERT_FALSE(version.ok());
  EXPECT_TRUE(fails_with(version.error(), "handshake version 9")) << version.error();
  const std::vector<std::uint8_t> challenge_kind = {'T', 'N', 'D', 'H', 1, 1};
  EXPECT_FALSE(check_handshake_prefix(challenge_kind, HandshakeKind::kHello).ok());
}

TEST(PeerHandshake, NamesAFrameSentWithoutTheHandshake) {
  const std::vector<std::uint8_t> frame_start = {'T', 'N', 'D', 'M', 1, 2};
  auto prefix = check_handshake_prefix(frame_start, HandshakeKind::kHello);
  ASSERT_FALSE(prefix.ok());
  EXPECT_TRUE(fails_with(prefix.error(), "frame came before the handshake")) << prefix.error();
}

TEST(PeerHandshake, SignsFramesWithTheConnectionKey) {
  const auto key = connection_key(key_of(1), NodeId(2), nonce_of(3));
  auto frame = proto::encode(proto::Envelope{NodeId(1), NodeId(2), 1, 0, proto::testing::sample_heartbeat(), {}});
  sign_frame(frame, key);
  auto view = proto::parse_frame(frame);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(is_tag_valid(key.key, view->authenticated, view->tag));
  EXPECT_FALSE(is_tag_valid(key_of(1), view->authenticated, view->tag));
}

TEST(PeerHandshake, FreshNoncesDiffer) { EXPECT_NE(fresh_nonce(), fresh_nonce()); }

}  // namespace
}  // namespace tandem::sys
