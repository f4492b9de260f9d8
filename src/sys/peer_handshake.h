// The connection handshake of the peer mesh: the acceptor's challenge, the connector's
// hello, and the per-connection key that tags every frame after them.
//
// Frames alone carry sequences that restart on each connection, so a recorded connection
// could be replayed whole as a new one. The handshake binds each connection to a fresh
// nonce chosen by the acceptor (docs/design/wire-protocol.md, "Connection handshake"):
//   acceptor  -> connector: Challenge {acceptor, nonce}, tagged with the cluster key;
//   connector -> acceptor:  Hello {connector, acceptor}, tagged with the connection key;
//   connector -> acceptor:  frames, tagged with the connection key;
// where the connection key is HMAC-SHA-512/256(cluster key, "TNDH" 1 3 acceptor nonce).
// Only a holder of the cluster key who saw this connection's nonce can make the hello or
// any frame verify, so bytes recorded on another connection never do (not even after a
// fresh hello: each frame, not only the first, proves the nonce).
//
// Every message here starts with "TNDH", a handshake version and a kind byte, so no tag
// input of one kind can be mistaken for another, nor for a frame ("TNDM"); and since the
// connection key is the tag of a kind-3 input, it is never equal to a challenge's public
// tag (kind 1). Pure but for fresh_nonce(): no sockets, clocks or logs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "model/ids.h"
#include "sys/cluster_key.h"

namespace tandem::sys {

inline constexpr std::uint8_t kHandshakeMagic[4] = {'T', 'N', 'D', 'H'};
inline constexpr std::uint8_t kHandshakeVersion = 1;
inline constexpr std::size_t kNonceSize = 32;
// magic 4, version 1, kind 1: the bytes that say what a handshake message is.
inline constexpr std::size_t kHandshakePrefixSize = 6;
// prefix, acceptor u32, nonce, tag.
inline constexpr std::size_t kChallengeSize = kHandshakePrefixSize + 4 + kNonceSize + 32;
// prefix, connector u32, acceptor u32, tag: all a connection may make the acceptor hold
// before it has proven that it knows the cluster key and this connection's nonce.
inline constexpr std::size_t kHelloSize = kHandshakePrefixSize + 4 + 4 + 32;

enum class HandshakeKind : std::uint8_t { kChallenge = 1, kHello = 2, kConnectionKey = 3 };

using Nonce = std::array<std::uint8_t, kNonceSize>;

// The key that tags the hello and every frame of one connection. A distinct type, so
// that a frame can never be tagged with the cluster key itself by mistake.
struct ConnectionKey {
  ClusterKey key;
  friend bool operator==(const ConnectionKey&, const ConnectionKey&) = default;
};

struct Challenge {
  NodeId acceptor;
  Nonce nonce{};
  friend bool operator==(const Challenge&, const Challenge&) = default;
};

// A nonce from the system's cryptographic generator (libsodium randombytes_buf).
Nonce fresh_nonce();

// The key of the connection that `acceptor` accepted and challenged with `nonce`.
ConnectionKey connection_key(const ClusterKey& cluster_key, NodeId acceptor, const Nonce& nonce);

// The challenge's bytes (kChallengeSize), tagged with the cluster key.
std::vector<std::uint8_t> encode_challenge(const ClusterKey& cluster_key, const Challenge& challenge);

// Checks a whole challenge (prefix, size, tag with the cluster key) and returns it.
Result<Challenge> parse_challenge(const ClusterKey& cluster_key, std::span<const std::uint8_t> bytes);

// The hello's bytes (kHelloSize), tagged with the connection key.
std::vector<std::uint8_t> encode_hello(const ConnectionKey& key, NodeId connector, NodeId acceptor);

// Checks the first bytes of a message that should be of `kind` (fewer than the prefix
// are checked as far as they go), so that garbage is refused at its first wrong byte.
Result<void> check_handshake_prefix(std::span<const std::uint8_t> start, HandshakeKind kind);

// Checks a whole hello (prefix, size, tag with the connection key, receiver `self`) and
// returns the connector it names. Whether that node is a peer is the caller's question.
Result<NodeId> parse_hello(const ConnectionKey& key, NodeId self, std::span<const std::uint8_t> bytes);

// Writes the tag of an encoded frame (proto::encode) with the connection key.
void sign_frame(std::span<std::uint8_t> frame, const ConnectionKey& key);

}  // namespace tandem::sys
