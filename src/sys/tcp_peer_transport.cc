#include "sys/tcp_peer_transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "base/check.h"
#include "proto/frame.h"
#include "sys/asio_timers.h"
#include "sys/inbound_stream.h"
#include "sys/peer_handshake.h"

namespace tandem::sys {
namespace {

using asio::ip::tcp;

std::string text(const tcp::endpoint& endpoint) {
  std::ostringstream out;
  out << endpoint;
  return out.str();
}

std::string node_text(NodeId node) { return "node " + std::to_string(node.value()); }

}  // namespace

// One outgoing connection attempt and its socket; handlers share it, so its buffers
// outlive any operation on it.
struct TcpPeerTransport::Outbound {
  explicit Outbound(asio::io_context& context) : socket(context) {}
  tcp::socket socket;
  std::array<std::uint8_t, kChallengeSize> challenge{};  // the acceptor's first and only bytes
  std::array<std::uint8_t, 1> probe{};                   // reads that only notice the peer closing
};

// Everything about one peer on the sending side.
struct TcpPeerTransport::OutboundLink {
  // kHandshaking: TCP is up, the challenge not yet checked; sends are queued, not written.
  enum class State { kIdle, kConnecting, kHandshaking, kConnected, kWaiting };

  OutboundLink(asio::io_context& context, NodeId peer_id, tcp::endpoint peer_endpoint)
      : peer(peer_id), endpoint(std::move(peer_endpoint)), timer(context) {}

  NodeId peer;
  tcp::endpoint endpoint;
  State state = State::kIdle;
  std::shared_ptr<Outbound> connection;                    // set while connecting or connected
  asio::steady_timer timer;                                // the connect timeout, or the wait before a retry
  std::chrono::milliseconds delay = kReconnectDelayStart;  // the next wait before a retry
  // Bumped by every attempt and every break: a handler of an older one does nothing.
  std::uint64_t generation = 0;
  std::uint64_t next_sequence = 1;  // per connection, from 1 (wire-protocol.md)
  ConnectionKey key;                // tags this connection's frames; set once challenged
  // Unsigned frames, tagged with `key` as they are written. Invariant: empty unless the
  // state is kHandshaking or kConnected.
  PeerSendQueue queue;
  bool is_writing = false;
  std::size_t failures = 0;            // attempts failed since the last connection
  std::size_t dropped_in_burst = 0;    // frames dropped by the queue bound since it drained
  std::size_t refused_while_down = 0;  // messages not sent since the connection was lost
};

// One accepted connection, challenged once and then read until it breaks.
struct TcpPeerTransport::Inbound {
  Inbound(asio::io_context& context, tcp::socket accepted, std::uint64_t number, InboundStream checks,
          std::vector<std::uint8_t> challenge_bytes)
      : socket(std::move(accepted)),
        hello_deadline(context),
        id(number),
        stream(std::move(checks)),
        challenge(std::move(challenge_bytes)) {}

  tcp::socket socket;
  asio::steady_timer hello_deadline;
  std::uint64_t id;  // also the order of acceptance
  InboundStream stream;
  std::string remote;
  std::vector<std::uint8_t> challenge;  // kept until written
  // Only one hello's worth until the peer has proven itself, then kReadChunkSize.
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(kHelloSize);
};

TcpPeerTransport::TcpPeerTransport(asio::io_context& context, TcpPeerTransportConfig config, Deliver deliver,
                                   const Logger& log)
    : context_(context),
      config_(std::move(config)),
      deliver_(std::move(deliver)),
      log_(log.prefixed("peer mesh: ")),
      acceptor_(context),
      accept_retry_(context),
      unproven_summary_(context) {
  TANDEM_CHECK(deliver_);
  for (const auto& [peer, endpoint] : config_.peers) {
    TANDEM_CHECK(peer != config_.self);
    links_.emplace(peer, std::make_unique<OutboundLink>(context_, peer, endpoint));
  }
}

TcpPeerTransport::~TcpPeerTransport() {
  alive_.reset();
  asio::error_code ignored;
  acceptor_.close(ignored);
  for (auto& [peer, link] : links_) {
    if (link->connection) link->connection->socket.close(ignored);
  }
  for (auto& [id, connection] : inbound_) {
    connection->socket.close(ignored);
    connection->hello_deadline.cancel();
  }
}

Result<void> TcpPeerTransport::start() {
  TANDEM_CHECK(!is_started_);
  asio::error_code error;
  const auto& endpoint = config_.listen;
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    acceptor_.close(error);
    return fail("listen on " + text(endpoint), error.message());
  }
  is_started_ = true;
  accept_next();
  for (auto& [peer, link] : links_) connect(*link);
  return success();
}

tcp::endpoint TcpPeerTransport::listen_endpoint() const {
  asio::error_code error;
  auto endpoint = acceptor_.local_endpoint(error);
  return error ? config_.listen : endpoint;
}

void TcpPeerTransport::set_peer_endpoint(NodeId peer, const tcp::endpoint& endpoint) {
  TANDEM_CHECK(peer != config_.self);
  config_.peers[peer] = endpoint;
  auto [found, is_new] = links_.try_emplace(peer, nullptr);
  if (is_new) found->second = std::make_unique<OutboundLink>(context_, peer, endpoint);
  OutboundLink& link = *found->second;
  link.endpoint = endpoint;
  if (!is_started_) return;
  if (link.state == OutboundLink::State::kConnected || link.state == OutboundLink::State::kHandshaking) {
    break_link(link, "moved to " + text(endpoint));
  }
  link.timer.cancel();
  link.delay = kReconnectDelayStart;
  connect(link);
}

bool TcpPeerTransport::is_connected(NodeId peer) const {
  auto found = links_.find(peer);
  return found != links_.end() && found->second->state == OutboundLink::State::kConnected;
}

TcpPeerTransport::OutboundLink* TcpPeerTransport::live_link(NodeId peer, std::uint64_t generation) {
  auto found = links_.find(peer);
  if (found == links_.end() || found->second->generation != generation) return nullptr;
  return found->second.get();
}

// --- Sending: one outgoing connection per peer ---

void TcpPeerTransport::connect(OutboundLink& link) {
  TANDEM_CHECK(link.queue.empty());  // nothing may outlive the connection it was sent on
  asio::error_code ignored;
  if (link.connection) link.connection->socket.close(ignored);
  const std::uint64_t generation = ++link.generation;
  auto connection = std::make_shared<Outbound>(context_);
  link.connection = connection;
  link.state = OutboundLink::State::kConnecting;
  std::weak_ptr<char> alive = alive_;
  const NodeId peer = link.peer;
  connection->socket.async_connect(link.endpoint,
                                   [this, alive, peer, generation, connection](const asio::error_code& error) {
                                     if (alive.expired()) return;
                                     if (OutboundLink* current = live_link(peer, generation))
                                       on_connected(*current, error);
                                   });
  arm_timeout(link, kConnectTimeout, "connection attempt timed out");
}

// Breaks the link if it is still in its present state (connecting or handshaking) after
// `duration`.
void TcpPeerTransport::arm_timeout(OutboundLink& link, std::chrono::milliseconds duration, const std::string& reason) {
  std::weak_ptr<char> alive = alive_;
  const NodeId peer = link.peer;
  const std::uint64_t generation = link.generation;
  const OutboundLink::State state = link.state;
  link.timer.expires_after(duration);
  link.timer.async_wait([this, alive, peer, generation, state, reason](const asio::error_code& error) {
    if (error || alive.expired()) return;
    OutboundLink* current = live_link(peer, generation);
    if (current && current->state == state) break_link(*current, reason);
  });
}

void TcpPeerTransport::on_connected(OutboundLink& link, const asio::error_code& error) {
  if (error) {
    break_link(link, "cannot connect: " + error.message());
    return;
  }
  asio::error_code ignored;
  link.connection->socket.set_option(tcp::no_delay(true), ignored);
  // Heartbeats keep data in flight, so a peer that lost power (no RST ever comes) shows as
  // unacknowledged data: without a limit Linux retransmits for minutes, the connection
  // stays "up" and the peer, rebooted, cannot rejoin until it breaks (10 s seen in the lab).
  using UserTimeout = asio::detail::socket_option::integer<IPPROTO_TCP, TCP_USER_TIMEOUT>;
  link.connection->socket.set_option(UserTimeout(static_cast<int>(kPeerUserTimeout.count())), ignored);
  link.state = OutboundLink::State::kHandshaking;
  link.next_sequence = 1;
  arm_timeout(link, config_.handshake_timeout,
              "no challenge within " + std::to_string(config_.handshake_timeout.count()) +
                  " ms (is it a node without the connection handshake?)");
  read_challenge(link);
}

void TcpPeerTransport::read_challenge(OutboundLink& link) {
  std::weak_ptr<char> alive = alive_;
  auto connection = link.connection;
  const NodeId peer = link.peer;
  const std::uint64_t generation = link.generation;
  asio::async_read(connection->socket, asio::buffer(connection->challenge),
                   [this, alive, peer, generation, connection](const asio::error_code& error, std::size_t) {
                     if (alive.expired()) return;
                     OutboundLink* current = live_link(peer, generation);
                     if (!current) return;
                     if (error) {
                       break_link(*current, error == asio::error::eof
                                                ? std::string("closed by the peer before its challenge")
                                                : "cannot read the challenge: " + error.message());
                       return;
                     }
                     on_challenge(*current);
                   });
}

// Checks the challenge; only then does anything get written on the connection: the hello
// first, then what was queued meanwhile, all tagged with this connection's key.
void TcpPeerTransport::on_challenge(OutboundLink& link) {
  auto challenge = parse_challenge(config_.key, link.connection->challenge);
  if (!challenge) {
    break_link(link, "refused its " + challenge.error().message());
    return;
  }
  if (challenge->acceptor != link.peer) {
    break_link(link, "the node listening there is node " + std::to_string(challenge->acceptor.value()) +
                         ", not the one dialled");
    return;
  }
  link.timer.cancel();
  ++counters_.connects;
  link.key = connection_key(config_.key, link.peer, challenge->nonce);
  link.state = OutboundLink::State::kConnected;
  link.delay = kReconnectDelayStart;
  log_.info("connected to " + node_text(link.peer) + " at " + text(link.endpoint) +
            (link.failures > 0 ? " after " + std::to_string(link.failures) + " failed attempts" : "") +
            (link.refused_while_down > 0
                 ? "; " + std::to_string(link.refused_while_down) + " messages were dropped meanwhile"
                 : ""));
  link.failures = 0;
  link.refused_while_down = 0;
  watch_for_close(link);
  write_bytes(link, std::make_shared<std::vector<std::uint8_t>>(encode_hello(link.key, config_.self, link.peer)));
}

// After its challenge the peer never writes on our outgoing connection: a read completes
// only when it closes the connection (or breaks the protocol), which tells us at once to
// reconnect.
void TcpPeerTransport::watch_for_close(OutboundLink& link) {
  std::weak_ptr<char> alive = alive_;
  auto connection = link.connection;
  const NodeId peer = link.peer;
  const std::uint64_t generation = link.generation;
  connection->socket.async_read_some(asio::buffer(connection->probe), [this, alive, peer, generation, connection](
                                                                          const asio::error_code& error, std::size_t) {
    if (alive.expired()) return;
    OutboundLink* current = live_link(peer, generation);
    if (!current) return;
    break_link(*current, error == asio::error::eof ? std::string("closed by the peer")
                         : error                   ? "read failed: " + error.message()
                                                   : std::string("the peer wrote after its challenge"));
  });
}

// Closes the connection, DISCARDS everything queued for it (never delivered late over a
// later connection), and schedules the next attempt after the current delay.
void TcpPeerTransport::break_link(OutboundLink& link, const std::string& reason) {
  const bool was_connected = link.state == OutboundLink::State::kConnected;
  ++link.generation;
  asio::error_code ignored;
  if (link.connection) link.connection->socket.close(ignored);
  link.connection.reset();
  link.is_writing = false;
  link.dropped_in_burst = 0;
  const std::size_t discarded = link.queue.clear();
  if (was_connected || link.failures == 0) {
    log_.warning(node_text(link.peer) + " at " + text(link.endpoint) + ": " + reason +
                 (discarded > 0 ? "; discarded " + std::to_string(discarded) + " queued frames" : "") +
                 "; retrying every " + std::to_string(link.delay.count()) + " ms or more");
  }
  ++link.failures;
  link.state = OutboundLink::State::kWaiting;
  link.timer.expires_after(link.delay);
  link.delay = std::min(link.delay * 2, kReconnectDelayMax);
  std::weak_ptr<char> alive = alive_;
  const NodeId peer = link.peer;
  const std::uint64_t generation = link.generation;
  link.timer.async_wait([this, alive, peer, generation](const asio::error_code& error) {
    if (error || alive.expired()) return;
    if (OutboundLink* current = live_link(peer, generation)) connect(*current);
  });
}

void TcpPeerTransport::send(NodeId to, const proto::Message& message) {
  TANDEM_CHECK(to != config_.self);  // the state machine handles its own messages
  auto found = links_.find(to);
  if (found == links_.end()) {
    log_.warning("cannot send to " + node_text(to) + ": not a configured peer");
    return;
  }
  OutboundLink& link = *found->second;
  if (link.state != OutboundLink::State::kConnected && link.state != OutboundLink::State::kHandshaking) {
    if (link.refused_while_down++ == 0) {
      log_.info(node_text(to) + " is not connected: dropping messages to it until it is");
    }
    return;
  }
  // Tagged when written: the connection key is not known before the challenge.
  const proto::Envelope envelope{config_.self, to, link.next_sequence++, 0, message, {}};
  const std::size_t dropped = link.queue.push(proto::encode(envelope));
  if (dropped > 0 && link.dropped_in_burst == 0) {
    log_.warning("send queue to " + node_text(to) + " is full (" + std::to_string(kPeerQueueFramesMax) + " frames or " +
                 std::to_string(kPeerQueueBytesMax) + " bytes): dropping the oldest");
  }
  link.dropped_in_burst += dropped;
  write_next(link);
}

void TcpPeerTransport::write_next(OutboundLink& link) {
  if (link.is_writing || link.state != OutboundLink::State::kConnected) return;
  if (link.queue.empty()) {
    if (link.dropped_in_burst > 0) {
      log_.info("send queue to " + node_text(link.peer) + " drained; " + std::to_string(link.dropped_in_burst) +
                " frames were dropped");
      link.dropped_in_burst = 0;
    }
    return;
  }
  auto frame = std::make_shared<PeerSendQueue::Frame>(link.queue.pop());
  sign_frame(*frame, link.key);
  write_bytes(link, frame);
}

// Writes `bytes` (the hello or one frame), then the next queued frame.
void TcpPeerTransport::write_bytes(OutboundLink& link, const std::shared_ptr<std::vector<std::uint8_t>>& bytes) {
  TANDEM_CHECK(!link.is_writing);
  link.is_writing = true;
  std::weak_ptr<char> alive = alive_;
  auto connection = link.connection;
  const NodeId peer = link.peer;
  const std::uint64_t generation = link.generation;
  asio::async_write(connection->socket, asio::buffer(*bytes),
                    [this, alive, peer, generation, connection, bytes](const asio::error_code& error, std::size_t) {
                      if (alive.expired()) return;
                      OutboundLink* current = live_link(peer, generation);
                      if (!current) return;
                      current->is_writing = false;
                      if (error) {
                        break_link(*current, "write failed: " + error.message());
                        return;
                      }
                      write_next(*current);
                    });
}

// --- Receiving: the peers' connections to this node ---

void TcpPeerTransport::accept_next() {
  std::weak_ptr<char> alive = alive_;
  acceptor_.async_accept([this, alive](const asio::error_code& error, tcp::socket socket) {
    if (alive.expired() || error == asio::error::operation_aborted) return;
    if (!error) {
      const Duration pause = on_accepted(std::move(socket));
      if (pause == Duration::zero()) {
        accept_next();
        return;
      }
      // Over the rate of unproven connections: the kernel's backlog holds the rest.
      accept_retry_.expires_after(pause);
      accept_retry_.async_wait([this, alive](const asio::error_code& wait_error) {
        if (!wait_error && !alive.expired()) accept_next();
      });
      return;
    }
    // Out of descriptors, say: wait a little rather than spin.
    log_.warning("accept failed: " + error.message());
    accept_retry_.expires_after(kReconnectDelayStart);
    accept_retry_.async_wait([this, alive](const asio::error_code& wait_error) {
      if (!wait_error && !alive.expired()) accept_next();
    });
  });
}

Duration TcpPeerTransport::on_accepted(tcp::socket socket) {
  asio::error_code error;
  const TimePoint now = steady_now();
  if (!unproven_gate_.admit(now)) {
    socket.close(error);  // before any nonce, challenge or log line
    arm_unproven_summary();
    return std::max<Duration>(unproven_gate_.wait_for_token(now), std::chrono::milliseconds(1));
  }
  const auto remote = socket.remote_endpoint(error);
  const std::string remote_text = error ? std::string("an unknown address") : text(remote);
  evict_oldest_unproven();
  if (inbound_.size() >= kInboundConnectionsMax) {
    log_unproven("refused a connection from " + remote_text + ": already " + std::to_string(kInboundConnectionsMax) +
                 " incoming connections");
    socket.close(error);
    return Duration::zero();
  }
  std::set<NodeId> peers;
  for (const auto& [peer, endpoint] : config_.peers) peers.insert(peer);
  const Nonce nonce = fresh_nonce();
  auto connection = std::make_shared<Inbound>(context_, std::move(socket), next_inbound_id_++,
                                              InboundStream(config_.key, config_.self, std::move(peers), nonce),
                                              encode_challenge(config_.key, Challenge{config_.self, nonce}));
  connection->remote = remote_text;
  inbound_.emplace(connection->id, connection);
  send_challenge(connection);
  arm_hello_deadline(connection);
  read_next(connection);
  return Duration::zero();
}

void TcpPeerTransport::log_unproven(const std::string& line) {
  if (unproven_gate_.may_log(steady_now())) log_.warning(line);
  arm_unproven_summary();
}

void TcpPeerTransport::arm_unproven_summary() {
  const auto due = unproven_gate_.summary_due();
  if (!due || is_summary_armed_) return;
  is_summary_armed_ = true;
  std::weak_ptr<char> alive = alive_;
  unproven_summary_.expires_after(std::max<Duration>(*due - steady_now(), Duration::zero()));
  unproven_summary_.async_wait([this, alive](const asio::error_code& error) {
    if (error || alive.expired()) return;
    is_summary_armed_ = false;
    if (auto line = unproven_gate_.summary(steady_now())) log_.warning(*line);
    arm_unproven_summary();
  });
}

// Makes room for one more connection that has not proven itself, by dropping the oldest.
void TcpPeerTransport::evict_oldest_unproven() {
  std::size_t unproven = 0;
  std::optional<std::uint64_t> oldest;
  for (const auto& [id, connection] : inbound_) {
    if (connection->stream.is_proven()) continue;
    ++unproven;
    if (!oldest) oldest = id;  // the map is ordered by id, the order of acceptance
  }
  if (unproven < kUnprovenInboundMax) return;
  close_inbound(*oldest,
                "already " + std::to_string(kUnprovenInboundMax) + " connections without a hello; dropping the oldest");
}

void TcpPeerTransport::send_challenge(const std::shared_ptr<Inbound>& connection) {
  std::weak_ptr<char> alive = alive_;
  asio::async_write(connection->socket, asio::buffer(connection->challenge),
                    [this, alive, connection](const asio::error_code& error, std::size_t) {
                      if (alive.expired() || !error) return;
                      close_inbound(connection->id, "cannot send the challenge: " + error.message());
                    });
}

void TcpPeerTransport::arm_hello_deadline(const std::shared_ptr<Inbound>& connection) {
  std::weak_ptr<char> alive = alive_;
  const std::uint64_t id = connection->id;
  const auto timeout = config_.handshake_timeout;
  connection->hello_deadline.expires_after(timeout);
  connection->hello_deadline.async_wait([this, alive, id, timeout](const asio::error_code& error) {
    if (error || alive.expired()) return;
    auto found = inbound_.find(id);
    if (found == inbound_.end() || found->second->stream.is_proven()) return;
    ++counters_.refused["handshake_timeout"];
    close_inbound(id, "no valid hello within " + std::to_string(timeout.count()) + " ms");
  });
}

void TcpPeerTransport::read_next(const std::shared_ptr<Inbound>& connection) {
  std::weak_ptr<char> alive = alive_;
  const std::size_t limit = std::min(connection->buffer.size(), connection->stream.read_limit());
  connection->socket.async_read_some(asio::buffer(connection->buffer.data(), limit),
                                     [this, alive, connection](const asio::error_code& error, std::size_t size) {
                                       if (alive.expired() || !inbound_.contains(connection->id)) return;
                                       if (error) {
                                         const bool is_proven = connection->stream.is_proven();
                                         close_inbound(connection->id,
                                                       error != asio::error::eof ? "read failed: " + error.message()
                                                       : is_proven               ? std::string()
                                                                   : std::string("closed before its hello"));
                                         return;
                                       }
                                       on_read(connection, size);
                                     });
}

void TcpPeerTransport::on_read(const std::shared_ptr<Inbound>& connection, std::size_t size) {
  const bool was_proven = connection->stream.is_proven();
  auto batch = connection->stream.feed(std::span(connection->buffer.data(), size));
  for (auto& received : batch.messages) deliver_(received.from, std::move(received.message));
  for (const auto& skipped : batch.skipped) log_.info("skipped " + skipped.message());
  if (!batch.skipped.empty()) counters_.refused["unknown_type"] += batch.skipped.size();
  if (batch.broken) {
    ++counters_.refused[std::string(refusal_cause(*batch.broken, was_proven))];
    close_inbound(connection->id, "refused " + batch.broken->message());
    return;
  }
  const std::optional<NodeId> peer = connection->stream.peer();
  if (peer && !was_proven) {
    ++counters_.accepts;
    connection->hello_deadline.cancel();
    connection->buffer.resize(kReadChunkSize);
    // A peer that reconnects leaves its old connection behind, maybe half-open: drop it.
    std::vector<std::uint64_t> superseded;
    for (const auto& [id, other] : inbound_) {
      if (id != connection->id && other->stream.peer() == peer) superseded.push_back(id);
    }
    for (auto id : superseded) close_inbound(id, "superseded by a newer connection");
  }
  read_next(connection);
}

void TcpPeerTransport::close_inbound(std::uint64_t id, const std::string& reason) {
  auto found = inbound_.find(id);
  if (found == inbound_.end()) return;
  const auto& connection = found->second;
  if (!reason.empty()) {
    const auto peer = connection->stream.peer();
    const std::string line = "dropped the connection from " + connection->remote +
                             (peer ? " (" + node_text(*peer) + ")" : "") + ": " + reason;
    if (connection->stream.is_proven()) {
      log_.warning(line);
    } else {
      log_unproven(line);
    }
  }
  asio::error_code ignored;
  connection->socket.close(ignored);
  connection->hello_deadline.cancel();
  inbound_.erase(found);
}

}  // namespace tandem::sys
