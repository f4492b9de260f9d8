// InboundStream: the checks on the bytes one incoming connection carries, without the socket.
//
// Cuts the stream into frames and, for each, in this order: verifies its tag with the
// cluster key (constant time) before reading anything else from it; requires the sender
// to be a configured peer, the same on every frame of the connection (the first
// authentic frame names the connection's peer), and the receiver to be this node or the
// broadcast id; requires the sequence to be strictly greater than the previous frame's on
// this connection (a replayed frame is refused); then decodes the payload. A frame of an
// unknown message type (a newer minor version) is skipped and reported, the stream being
// intact. Anything else wrong — a forged, replayed, misrouted, malformed or oversize
// frame — breaks the stream for good: the connection must be dropped.
//
// Limitation: sequences restart at 1 on each connection (wire-protocol.md), so a whole
// recorded connection replayed on a new connection is not detected here; the cluster
// protocol copes with duplicated messages (io::PeerTransport), and a per-connection
// challenge from the acceptor would close this gap in a later minor version.
// Pure: no sockets, clocks or logs.
#pragma once

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

  InboundStream(ClusterKey key, NodeId self, std::set<NodeId> peers)
      : key_(key), self_(self), peers_(std::move(peers)) {}

  // Takes the next chunk of bytes read from the connection. After a batch with `broken`
  // set, every later call reports the same error again.
  Batch feed(std::span<const std::uint8_t> chunk);

  // The peer this connection speaks for, once one authentic frame named it.
  std::optional<NodeId> peer() const { return peer_; }

 private:
  // Checks and decodes one whole frame into `batch`; an error breaks the stream.
  Result<void> accept_frame(std::span<const std::uint8_t> frame, Batch& batch);

  ClusterKey key_;
  NodeId self_;
  std::set<NodeId> peers_;
  proto::FrameSplitter splitter_;
  std::optional<NodeId> peer_;
  std::uint64_t last_sequence_ = 0;  // of the last accepted frame; sequences start at 1
  std::optional<Error> broken_;
};

}  // namespace tandem::sys
