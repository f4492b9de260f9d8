#include "sys/peer_handshake.h"

#include <sodium.h>

#include <algorithm>
#include <string>

#include "base/check.h"
#include "proto/frame.h"
#include "proto/limits.h"

namespace tandem::sys {
namespace {

constexpr std::size_t kTagBytes = std::tuple_size_v<proto::AuthTag>;

void put_prefix(std::vector<std::uint8_t>& out, HandshakeKind kind) {
  out.insert(out.end(), std::begin(kHandshakeMagic), std::end(kHandshakeMagic));
  out.push_back(kHandshakeVersion);
  out.push_back(static_cast<std::uint8_t>(kind));
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint32_t get_u32(std::span<const std::uint8_t> bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | bytes[i];
  return value;
}

// The challenge's authenticated bytes with `kind`: kChallenge for its tag,
// kConnectionKey for the key derived from it.
std::vector<std::uint8_t> challenge_body(HandshakeKind kind, const Challenge& challenge) {
  std::vector<std::uint8_t> body;
  body.reserve(kChallengeSize);
  put_prefix(body, kind);
  put_u32(body, challenge.acceptor.value());
  body.insert(body.end(), challenge.nonce.begin(), challenge.nonce.end());
  return body;
}

void append_tag(std::vector<std::uint8_t>& message, const ClusterKey& key) {
  const auto tag = compute_tag(key, message);
  message.insert(message.end(), tag.begin(), tag.end());
}

std::string kind_word(HandshakeKind kind) { return kind == HandshakeKind::kChallenge ? "challenge" : "hello"; }

}  // namespace

Nonce fresh_nonce() {
  static const bool is_ready = sodium_init() >= 0;
  TANDEM_CHECK(is_ready);
  Nonce nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

ConnectionKey connection_key(const ClusterKey& cluster_key, NodeId acceptor, const Nonce& nonce) {
  const auto body = challenge_body(HandshakeKind::kConnectionKey, Challenge{acceptor, nonce});
  ConnectionKey key;
  key.key.bytes = compute_tag(cluster_key, body);
  return key;
}

std::vector<std::uint8_t> encode_challenge(const ClusterKey& cluster_key, const Challenge& challenge) {
  auto message = challenge_body(HandshakeKind::kChallenge, challenge);
  append_tag(message, cluster_key);
  TANDEM_CHECK(message.size() == kChallengeSize);
  return message;
}

Result<void> check_handshake_prefix(std::span<const std::uint8_t> start, HandshakeKind kind) {
  const std::string place = kind_word(kind);
  const std::size_t magic_seen = std::min(start.size(), std::size(kHandshakeMagic));
  if (!std::equal(start.begin(), start.begin() + static_cast<std::ptrdiff_t>(magic_seen),
                  std::begin(kHandshakeMagic))) {
    const bool is_frame = magic_seen == std::size(proto::kMagic) &&
                          std::equal(start.begin(), start.begin() + 4, std::begin(proto::kMagic));
    return fail(place, is_frame ? "a frame came before the handshake (a node without it?)"
                                : "not a Tandem handshake (bad magic)");
  }
  if (start.size() > 4 && start[4] != kHandshakeVersion) {
    return fail(place, "handshake version " + std::to_string(start[4]) + ", this node speaks " +
                           std::to_string(kHandshakeVersion));
  }
  if (start.size() > 5 && start[5] != static_cast<std::uint8_t>(kind)) {
    return fail(place, "message kind " + std::to_string(start[5]) + ", expected " +
                           std::to_string(static_cast<int>(kind)) + " (" + place + ")");
  }
  return success();
}

Result<Challenge> parse_challenge(const ClusterKey& cluster_key, std::span<const std::uint8_t> bytes) {
  auto prefix = check_handshake_prefix(bytes, HandshakeKind::kChallenge);
  if (!prefix) return fail(prefix.error());
  if (bytes.size() != kChallengeSize) {
    return fail("challenge", std::to_string(bytes.size()) + " bytes, expected " + std::to_string(kChallengeSize));
  }
  const auto authenticated = bytes.first(kChallengeSize - kTagBytes);
  if (!is_tag_valid(cluster_key, authenticated, bytes.last(kTagBytes))) {
    return fail("challenge", "authentication tag does not verify (wrong cluster key or tampered)");
  }
  Challenge challenge;
  challenge.acceptor = NodeId(get_u32(bytes.subspan(kHandshakePrefixSize)));
  std::copy_n(bytes.begin() + kHandshakePrefixSize + 4, kNonceSize, challenge.nonce.begin());
  return challenge;
}

std::vector<std::uint8_t> encode_hello(const ConnectionKey& key, NodeId connector, NodeId acceptor) {
  std::vector<std::uint8_t> message;
  message.reserve(kHelloSize);
  put_prefix(message, HandshakeKind::kHello);
  put_u32(message, connector.value());
  put_u32(message, acceptor.value());
  append_tag(message, key.key);
  TANDEM_CHECK(message.size() == kHelloSize);
  return message;
}

Result<NodeId> parse_hello(const ConnectionKey& key, NodeId self, std::span<const std::uint8_t> bytes) {
  auto prefix = check_handshake_prefix(bytes, HandshakeKind::kHello);
  if (!prefix) return fail(prefix.error());
  if (bytes.size() != kHelloSize) {
    return fail("hello", std::to_string(bytes.size()) + " bytes, expected " + std::to_string(kHelloSize));
  }
  // Nothing of the hello is trusted until its tag verifies.
  if (!is_tag_valid(key.key, bytes.first(kHelloSize - kTagBytes), bytes.last(kTagBytes))) {
    return fail("hello",
                "authentication tag does not verify (wrong cluster key, or made for "
                "another connection: a replay)");
  }
  const NodeId connector(get_u32(bytes.subspan(kHandshakePrefixSize)));
  const NodeId receiver(get_u32(bytes.subspan(kHandshakePrefixSize + 4)));
  const std::string place = "hello from node " + std::to_string(connector.value());
  if (receiver != self) {
    return fail(place, "meant for node " + std::to_string(receiver.value()) + ", not this node");
  }
  return connector;
}

void sign_frame(std::span<std::uint8_t> frame, const ConnectionKey& key) {
  TANDEM_CHECK(frame.size() >= proto::kHeaderSize + proto::kTagSize);
  const auto authenticated = frame.first(frame.size() - proto::kTagSize);
  proto::write_tag(frame, compute_tag(key.key, authenticated));
}

}  // namespace tandem::sys
