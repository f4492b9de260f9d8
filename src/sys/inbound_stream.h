// InboundStream: the checks on the bytes one incoming connection carries, without the socket.
//
// The connection must first prove itself with a hello (peer_handshake.h) tagged with the
// key of this connection, derived from the cluster key and the nonce this node sent in
// its challenge. Until it has, the stream takes at most the rest of one hello
// (read_limit(), which the caller honours when it reads the socket) and checks each byte
// of the hello's prefix as it comes, so garbage breaks the stream at its first wrong byte.
// The hello names the connection's peer, which must be a configured peer, and this node
// as its receiver. A hello recorded on another connection does not verify: a whole
// connection replayed as a new one is refused.
//
// Then it cuts the stream into frames and, for each, in this order: verifies its tag with
// the connection key (constant time) before reading anything else from it, so a frame
// recorded on another connection is refused even after a fresh hello; requires the sender
// to be the hello's peer and the receiver to be this node or the broadcast id; requires
// the sequence to be strictly greater than the previous frame's on this connection (a
// replayed frame is refused); then decodes the payload. A frame of an unknown message
// type (a newer minor version) is skipped and reported, the stream being intact. Anything
// else wrong — a forged, replayed, misrouted, malformed or oversize hello or frame —
// breaks the stream for good: the connection must be dropped.
// Pure: no sockets, clocks or logs (the caller enforces the deadline for the hello).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "base/error.h"
#include "model/ids.h"
#include "proto/frame_splitter.h"
#include "proto/message.h"
#include "sys/cluster_key.h"
#include "sys/peer_handshake.h"

namespace tandem::sys {

class InboundStream {
 public:
  struct Received {
    NodeId from;
    proto::Message message;
  };

  // What one chunk of the stream produced. Messages before a breaking frame are still
  // authentic and are delivered.
  struct Batch {
    std::vector<Received> messages;  // checked and decoded, in stream order
    std::vector<Error> skipped;      // frames of unknown type, skipped (log them)
    std::optional<Error> broken;     // set: drop the connection
  };

  // The stream of a connection this node challenged with `nonce`.
  InboundStream(const ClusterKey& cluster_key, NodeId self, std::set<NodeId> peers, const Nonce& nonce)
      : key_(connection_key(cluster_key, self, nonce)), self_(self), peers_(std::move(peers)) {}

  // Takes the next chunk of bytes read from the connection. After a batch with `broken`
  // set, every later call reports the same error again.
  Batch feed(std::span<const std::uint8_t> chunk);

  // The peer this connection speaks for, once its hello verified.
  std::optional<NodeId> peer() const { return peer_; }
  bool is_proven() const { return peer_.has_value(); }

  // The most bytes the next feed() should get: the rest of the hello until it is proven
  // (so an unproven connection makes this node hold at most kHelloSize bytes), then any.
  std::size_t read_limit() const;

 private:
  // Takes the hello's bytes from the start of `chunk`, checking them; returns how many.
  Result<std::size_t> take_hello(std::span<const std::uint8_t> chunk);
  // Checks and decodes one whole frame into `batch`; an error breaks the stream.
  Result<void> accept_frame(std::span<const std::uint8_t> frame, Batch& batch);

  ConnectionKey key_;
  NodeId self_;
  std::set<NodeId> peers_;
  std::vector<std::uint8_t> hello_;  // the hello's bytes so far; at most kHelloSize
  proto::FrameSplitter splitter_;
  std::optional<NodeId> peer_;
  std::uint64_t last_sequence_ = 0;  // of the last accepted frame; sequences start at 1
  std::optional<Error> broken_;
};

}  // namespace tandem::sys
