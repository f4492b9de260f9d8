// TcpPeerTransport: the TCP mesh between nodes, on an Asio event loop the caller owns.
//
// Each node opens one outgoing connection to every peer and sends only on it; it accepts
// the peers' connections and only reads from them, but for one challenge it writes first.
// The handshake (peer_handshake.h, docs/design/wire-protocol.md) binds each connection to
// a fresh nonce: the acceptor sends a challenge {its node, a random nonce} tagged with the
// cluster key; the connector checks it (the node it dialled, the cluster key) and only then
// sends its hello and its frames, all tagged with a key derived from the cluster key and
// the nonce, so bytes recorded on one connection are refused on any other. Every incoming
// byte passes InboundStream's checks (hello, tag, sender identity, strictly increasing
// per-connection sequence, receiver, decoding); a connection carrying garbage, a forged,
// replayed, misrouted, malformed or oversize hello or frame is logged and dropped at once,
// while every other connection keeps being served. A connection must prove itself with a
// valid hello within TcpPeerTransportConfig::handshake_timeout or it is dropped (logged);
// until it has, this node reads at most one hello's bytes from it (kHelloSize), at most
// kUnprovenInboundMax such connections are held (a new one evicts the oldest), and at most
// kInboundConnectionsMax connections in all. Accepting and logging before a hello are
// rate-limited (UnprovenGate): past the limits a connection is closed before any challenge
// and accepting pauses briefly, and log lines about unproven connections give way to one
// summary line per interval. A failed or broken outgoing connection (or
// handshake) is retried after a delay that doubles from kReconnectDelayStart up to
// kReconnectDelayMax and restarts from kReconnectDelayStart once a handshake completes.
//
// Delivery guarantees, on which the cluster protocol's safety argument relies:
//  - a message is only ever queued onto a live connection: send() to a peer whose TCP
//    connection is not established drops the message (logged once per outage). Messages
//    sent while the connection waits for its challenge are queued on it and written after
//    the hello; nothing is written on a connection before its challenge has been checked;
//  - WHEN A CONNECTION BREAKS, EVERYTHING STILL QUEUED FOR THAT PEER IS DISCARDED: no frame
//    meant for an old connection is ever delivered late over a new one (frames are tagged
//    for one connection only when they are written);
//  - the queue per peer is bounded (PeerSendQueue: kPeerQueueFramesMax frames,
//    kPeerQueueBytesMax bytes); when full, the oldest frames are dropped, logged once per
//    burst.
// So messages may be lost, never delayed past the connection they were sent on.
//
// Single-threaded: every call and callback runs on the io_context's thread. Callbacks are
// only made from Asio handlers, never from inside send(). The delivery callback must not
// destroy the transport. Sending to this node itself is a bug (TANDEM_CHECK): the state
// machine handles its own messages.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "io/interfaces.h"
#include "model/ids.h"
#include "proto/message.h"
#include "sys/cluster_key.h"
#include "sys/logger.h"
#include "sys/mesh_counters.h"
#include "sys/peer_send_queue.h"
#include "sys/unproven_gate.h"

namespace tandem::sys {

inline constexpr std::chrono::milliseconds kReconnectDelayStart{50};
inline constexpr std::chrono::milliseconds kReconnectDelayMax{2000};
// An outgoing connection whose sent data stays unacknowledged this long is broken
// (TCP_USER_TIMEOUT), so a peer that lost power is dropped and can rejoin when it returns.
inline constexpr std::chrono::milliseconds kPeerUserTimeout{1000};
// A connection attempt that has not completed by then is abandoned and retried.
inline constexpr std::chrono::milliseconds kConnectTimeout{2000};
// How long a new connection may take to complete its handshake (the default of
// TcpPeerTransportConfig::handshake_timeout).
inline constexpr std::chrono::milliseconds kHandshakeTimeout{2000};
// Incoming connections held at once; more are closed at once (logged).
inline constexpr std::size_t kInboundConnectionsMax = 256;
// Incoming connections held at once that have not yet sent a valid hello; a new one past
// this evicts the oldest (logged), so a flood of silent connections cannot lock peers out.
inline constexpr std::size_t kUnprovenInboundMax = 32;
// Bytes read from a socket per read.
inline constexpr std::size_t kReadChunkSize = 64 * 1024;

struct TcpPeerTransportConfig {
  NodeId self;
  asio::ip::tcp::endpoint listen;                   // port 0: the system picks one
  std::map<NodeId, asio::ip::tcp::endpoint> peers;  // every node but self
  ClusterKey key;
  // The acceptor's wait for a valid hello and the connector's wait for the challenge.
  std::chrono::milliseconds handshake_timeout = kHandshakeTimeout;
};

class TcpPeerTransport final : public io::PeerTransport {
 public:
  using Deliver = std::function<void(NodeId from, proto::Message message)>;

  TcpPeerTransport(asio::io_context& context, TcpPeerTransportConfig config, Deliver deliver, const Logger& log);
  // Closes every socket; handlers still pending on the io_context become no-ops.
  ~TcpPeerTransport() override;
  TcpPeerTransport(const TcpPeerTransport&) = delete;
  TcpPeerTransport& operator=(const TcpPeerTransport&) = delete;

  // Listens on the configured endpoint and starts connecting to every peer.
  Result<void> start();

  // Where it listens (with the port the system chose); valid after start().
  asio::ip::tcp::endpoint listen_endpoint() const;

  // Connects to `peer` at `endpoint` from now on (a new peer, or one that moved),
  // dropping any current connection to it.
  void set_peer_endpoint(NodeId peer, const asio::ip::tcp::endpoint& endpoint);

  void send(NodeId to, const proto::Message& message) override;

  // Whether the outgoing connection to `peer` is established and its handshake done.
  bool is_connected(NodeId peer) const;

  // Connections made and refused since construction.
  const MeshCounters& counters() const { return counters_; }

 private:
  struct Outbound;
  struct OutboundLink;
  struct Inbound;

  void connect(OutboundLink& link);
  void arm_timeout(OutboundLink& link, std::chrono::milliseconds duration, const std::string& reason);
  void on_connected(OutboundLink& link, const asio::error_code& error);
  void read_challenge(OutboundLink& link);
  void on_challenge(OutboundLink& link);
  void watch_for_close(OutboundLink& link);
  void break_link(OutboundLink& link, const std::string& reason);
  void write_next(OutboundLink& link);
  void write_bytes(OutboundLink& link, const std::shared_ptr<std::vector<std::uint8_t>>& bytes);
  OutboundLink* live_link(NodeId peer, std::uint64_t generation);

  void accept_next();
  // How long to pause accepting afterwards (zero: go on at once).
  Duration on_accepted(asio::ip::tcp::socket socket);
  // Logs a line about a connection without a valid hello, within the gate's limits.
  void log_unproven(const std::string& line);
  void arm_unproven_summary();
  void evict_oldest_unproven();
  void send_challenge(const std::shared_ptr<Inbound>& connection);
  void arm_hello_deadline(const std::shared_ptr<Inbound>& connection);
  void read_next(const std::shared_ptr<Inbound>& connection);
  void on_read(const std::shared_ptr<Inbound>& connection, std::size_t size);
  void close_inbound(std::uint64_t id, const std::string& reason);

  asio::io_context& context_;
  TcpPeerTransportConfig config_;
  Deliver deliver_;
  Logger log_;
  MeshCounters counters_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  UnprovenGate unproven_gate_;           // what unproven connections may cost (unproven_gate.h)
  asio::steady_timer unproven_summary_;  // fires when the gate's summary line is due
  bool is_summary_armed_ = false;
  bool is_started_ = false;
  std::map<NodeId, std::unique_ptr<OutboundLink>> links_;
  std::map<std::uint64_t, std::shared_ptr<Inbound>> inbound_;
  std::uint64_t next_inbound_id_ = 1;
  // Handlers hold a weak_ptr to this and do nothing once the transport is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
