// TcpPeerTransport on loopback: real sockets on ports the system picks, the loop driven
// until the expected outcome (bounded by kLimit), never slept.
#include "sys/tcp_peer_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "proto/frame.h"
#include "proto/limits.h"
#include "proto/test_messages.h"
#include "sys/inbound_stream.h"
#include "sys/peer_handshake.h"
#include "sys/mesh_test_support.h"

namespace tandem::sys {
namespace {

using mesh_testing::key_of;

using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kLimit = 900ms;

proto::Message heartbeat(std::uint64_t sent_seq) {
  auto message = proto::testing::sample_heartbeat();
  message.sent_seq = sent_seq;
  return message;
}

tcp::endpoint loopback(std::uint16_t port = 0) { return tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port); }

// One node's transport and what it delivered and logged.
struct TestNode {
  std::vector<std::pair<NodeId, proto::Message>> received;
  std::vector<std::string> logs;
  std::unique_ptr<TcpPeerTransport> transport;

  bool logged(const std::string& words) const {
    for (const auto& line : logs) {
      if (line.find(words) != std::string::npos) return true;
    }
    return false;
  }
};

// A socket that is not a transport: a test writes whatever bytes it wants, and everything
// the other end sends is kept. On destruction it closes and lets its read finish.
class RawConnection {
 public:
  using OnBytes = std::function<void(std::span<const std::uint8_t>)>;

  RawConnection(asio::io_context& context, tcp::socket socket, OnBytes on_bytes = {})
      : context_(context), socket_(std::move(socket)), on_bytes_(std::move(on_bytes)) {
    read_next();
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() {
    asio::error_code ignored;
    socket_.close(ignored);
    context_.poll();  // runs the read's handler while `this` lives
    if (context_.stopped()) context_.restart();
  }

  void write(std::span<const std::uint8_t> bytes) {
    asio::error_code error;
    asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), error);
    EXPECT_FALSE(error) << error.message();
  }
  const std::vector<std::uint8_t>& received() const { return received_; }
  bool is_closed() const { return is_closed_; }

 private:
  void read_next() {
    socket_.async_read_some(asio::buffer(chunk_), [this](const asio::error_code& error, std::size_t size) {
      if (error) {
        is_closed_ = true;
        return;
      }
      received_.insert(received_.end(), chunk_.begin(), chunk_.begin() + static_cast<std::ptrdiff_t>(size));
      if (on_bytes_) on_bytes_(std::span(chunk_.data(), size));
      read_next();
    });
  }

  asio::io_context& context_;
  tcp::socket socket_;
  OnBytes on_bytes_;
  std::array<std::uint8_t, 4096> chunk_{};
  std::vector<std::uint8_t> received_;
  bool is_closed_ = false;
};

class TcpPeerTransportTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestNode> make_node(std::uint32_t id, std::map<NodeId, tcp::endpoint> peers,
                                      ClusterKey key = key_of(1), tcp::endpoint listen = loopback(),
                                      std::chrono::milliseconds handshake_timeout = kHandshakeTimeout) {
    auto node = std::make_unique<TestNode>();
    auto* raw = node.get();
    node->transport = std::make_unique<TcpPeerTransport>(
        context_, TcpPeerTransportConfig{NodeId(id), listen, std::move(peers), key, handshake_timeout},
        [raw](NodeId from, proto::Message message) { raw->received.emplace_back(from, std::move(message)); },
        Logger([raw](LogLevel, std::string_view line) { raw->logs.push_back(std::string(line)); }));
    auto started = node->transport->start();
    EXPECT_TRUE(started.ok()) << started.error();
    return node;
  }

  // Node 1 and node 2, each connected to the other. Node 2 also knows a node 3 that a
  // test's raw client may speak for (nothing listens for it).
  void make_pair() {
    a_ = make_node(1, {});
    b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}, {NodeId(3), loopback(1)}});
    a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
    ASSERT_TRUE(
        run_until([&] { return a_->transport->is_connected(NodeId(2)) && b_->transport->is_connected(NodeId(1)); }));
  }

  // Runs the loop one handler at a time until `done` or kLimit; returns done().
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kLimit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      context_.run_one_for(10ms);
      if (context_.stopped()) context_.restart();
    }
    return done();
  }

  std::unique_ptr<RawConnection> raw_client(const tcp::endpoint& to) {
    tcp::socket socket(context_);
    asio::error_code error;
    socket.connect(to, error);
    EXPECT_FALSE(error) << error.message();
    return std::make_unique<RawConnection>(context_, std::move(socket));
  }

  // The challenge the transport sent on `raw`, checked with the cluster key.
  std::optional<Challenge> challenge_on(const RawConnection& raw) {
    if (!run_until([&] { return raw.received().size() >= kChallengeSize; })) return std::nullopt;
    auto challenge = parse_challenge(key_of(1), std::span(raw.received()).first(kChallengeSize));
    EXPECT_TRUE(challenge.ok()) << challenge.error();
    if (!challenge) return std::nullopt;
    return *challenge;
  }

  // Answers the challenge on `raw` as `connector` would, with the cluster key; returns
  // the key of the connection.
  ConnectionKey handshake(RawConnection& raw, NodeId connector = NodeId(1)) {
    auto challenge = challenge_on(raw);
    EXPECT_TRUE(challenge);
    if (!challenge) return {};
    const auto key = connection_key(key_of(1), challenge->acceptor, challenge->nonce);
    raw.write(encode_hello(key, connector, challenge->acceptor));
    return key;
  }

  // Runs the loop until the other end closes `raw`; returns whether it did.
  bool closed_by_peer(const RawConnection& raw) {
    return run_until([&] { return raw.is_closed(); });
  }

  // Node 1 -> node 2 works, at once or once node 1 has reconnected (a test's raw client
  // speaking for node 1 supersedes node 1's own connection).
  void expect_a_reaches_b() {
    const std::size_t before = b_->received.size();
    auto next_send = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_until([&] {
      if (std::chrono::steady_clock::now() >= next_send) {
        if (a_->transport->is_connected(NodeId(2))) a_->transport->send(NodeId(2), heartbeat(77));
        next_send += 20ms;
      }
      return b_->received.size() > before;
    }));
    EXPECT_EQ(b_->received.back().first, NodeId(1));
    EXPECT_EQ(b_->received.back().second, heartbeat(77));
  }

  static std::vector<std::uint8_t> encode_signed_for(const proto::Envelope& envelope, const ConnectionKey& key) {
    auto frame = proto::encode(envelope);
    sign_frame(frame, key);
    return frame;
  }

  // A frame of node 1 to node 2, tagged for the connection of `key`.
  static std::vector<std::uint8_t> frame_from_a(std::uint64_t sequence, const ConnectionKey& key) {
    return encode_signed_for(proto::Envelope{NodeId(1), NodeId(2), sequence, 0, heartbeat(sequence), {}}, key);
  }

  asio::io_context context_;
  std::unique_ptr<TestNode> a_;
  std::unique_ptr<TestNode> b_;
};

TEST_F(TcpPeerTransportTest, ExchangesHeartbeatsBothWays) {
  make_pair();
  a_->transport->send(NodeId(2), heartbeat(1));
  b_->transport->send(NodeId(1), heartbeat(2));
  ASSERT_TRUE(run_until([&] { return !a_->received.empty() && !b_->received.empty(); }));
  EXPECT_EQ(b_->received.at(0), std::make_pair(NodeId(1), heartbeat(1)));
  EXPECT_EQ(a_->received.at(0), std::make_pair(NodeId(2), heartbeat(2)));
}

TEST_F(TcpPeerTransportTest, DeliversMessagesExactlyAndInOrder) {
  make_pair();
  const std::vector<proto::Message> sent = {proto::testing::sample_state_report(),
                                            proto::testing::sample_takeover_order(),
                                            proto::testing::sample_takeover_ack(), heartbeat(3)};
  for (const auto& message : sent) a_->transport->send(NodeId(2), message);
  ASSERT_TRUE(run_until([&] { return b_->received.size() == sent.size(); }));
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(b_->received[i].first, NodeId(1));
    EXPECT_EQ(b_->received[i].second, sent[i]) << "message " << i;
  }
}

TEST_F(TcpPeerTransportTest, DropsWhatIsSentBeforeTheConnectionIsUp) {
  a_ = make_node(1, {});
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}});
  a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  a_->transport->send(NodeId(2), heartbeat(1));  // the connection is still being made
  EXPECT_TRUE(a_->logged("not connected"));
  ASSERT_TRUE(run_until([&] { return a_->transport->is_connected(NodeId(2)); }));
  a_->transport->send(NodeId(2), heartbeat(2));
  ASSERT_TRUE(run_until([&] { return !b_->received.empty(); }));
  EXPECT_EQ(b_->received.at(0).second, heartbeat(2));  // never the early one, late
}

TEST_F(TcpPeerTransportTest, RefusesAPeerWithAnotherKeyAndKeepsServingTheOthers) {
  a_ = make_node(1, {});
  auto c = make_node(3, {}, key_of(9));
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}, {NodeId(3), c->transport->listen_endpoint()}});
  a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  c->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  // Node 3 refuses node 2's challenge, so it never counts as connected nor sends a frame.
  ASSERT_TRUE(run_until([&] { return a_->transport->is_connected(NodeId(2)) && c->logged("authentication tag"); }));
  EXPECT_FALSE(c->transport->is_connected(NodeId(2)));
  c->transport->send(NodeId(2), heartbeat(5));
  EXPECT_TRUE(c->logged("not connected"));
  expect_a_reaches_b();
  for (const auto& [from, message] : b_->received) EXPECT_NE(from, NodeId(3));
}

// The acceptor's side of another key: a hello made with it does not verify.
TEST_F(TcpPeerTransportTest, RefusesAHelloMadeWithAnotherKey) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  auto challenge = challenge_on(*raw);
  ASSERT_TRUE(challenge);
  raw->write(encode_hello(connection_key(key_of(9), NodeId(2), challenge->nonce), NodeId(1), NodeId(2)));
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("authentication tag"));
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, RefusesATamperedFrame) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  auto frame = frame_from_a(1, handshake(*raw));
  frame[proto::kHeaderSize + 2] ^= 0x01;
  raw->write(frame);
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("authentication tag"));
  EXPECT_TRUE(b_->received.empty());
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, RefusesAReplayedFrame) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  const auto frame = frame_from_a(1, handshake(*raw));
  raw->write(frame);
  raw->write(frame);
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("replayed"));
  ASSERT_EQ(b_->received.size(), 1u);  // the first copy only
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, DropsOnlyTheConnectionWithABadMagic) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  const auto key = handshake(*raw, NodeId(3));
  auto frame = encode_signed_for(proto::Envelope{NodeId(3), NodeId(2), 1, 0, heartbeat(1), {}}, key);
  frame[0] = 'X';
  raw->write(frame);
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("dropped the connection"));
  EXPECT_TRUE(a_->transport->is_connected(NodeId(2)));
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, DiscardsWhatIsQueuedWhenTheConnectionBreaks) {
  make_pair();
  for (std::uint64_t i = 1; i <= 5; ++i) a_->transport->send(NodeId(2), heartbeat(i));
  // Before the loop runs again, the connection is replaced: the frames still queued go.
  a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  EXPECT_TRUE(a_->logged("queued frames"));
  ASSERT_TRUE(run_until([&] { return a_->transport->is_connected(NodeId(2)); }));
  expect_a_reaches_b();
  // At most the first frame, already handed to the kernel, arrives: never 2..5, late.
  for (const auto& [from, message] : b_->received) {
    EXPECT_TRUE(message == heartbeat(1) || message == heartbeat(77));
  }
}

TEST_F(TcpPeerTransportTest, ReconnectsWhenThePeerListensAgain) {
  make_pair();
  const auto b_endpoint = b_->transport->listen_endpoint();
  b_.reset();
  ASSERT_TRUE(run_until([&] { return !a_->transport->is_connected(NodeId(2)); }));
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}}, key_of(1), b_endpoint);
  ASSERT_TRUE(run_until([&] { return a_->transport->is_connected(NodeId(2)); }));
  expect_a_reaches_b();
}

// --- The handshake: replays, silence, garbage ---

// Node 1 connects to node 2 through a recorder that forwards both ways and keeps every
// byte node 1 sends: a genuine connection, whose messages node 2 delivers. Those bytes,
// replayed whole on a new connection, are refused: they answer another challenge.
TEST_F(TcpPeerTransportTest, RefusesARecordedConnectionReplayedWhole) {
  a_ = make_node(1, {});
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}});
  tcp::acceptor recorder(context_, loopback());
  a_->transport->set_peer_endpoint(NodeId(2), recorder.local_endpoint());
  tcp::socket from_a(context_);
  bool is_accepted = false;
  recorder.async_accept(from_a, [&](const asio::error_code& error) { is_accepted = !error; });
  ASSERT_TRUE(run_until([&] { return is_accepted; }));
  auto to_b = raw_client(b_->transport->listen_endpoint());
  ASSERT_TRUE(run_until([&] { return to_b->received().size() >= kChallengeSize; }));
  asio::write(from_a, asio::buffer(to_b->received()));  // node 2's challenge, to node 1
  std::vector<std::uint8_t> recording;
  auto forward = [&](std::span<const std::uint8_t> bytes) {
    recording.insert(recording.end(), bytes.begin(), bytes.end());
    to_b->write(bytes);
  };
  auto node_1 = std::make_unique<RawConnection>(context_, std::move(from_a), forward);
  ASSERT_TRUE(run_until([&] { return a_->transport->is_connected(NodeId(2)); }));
  for (std::uint64_t i = 1; i <= 3; ++i) a_->transport->send(NodeId(2), heartbeat(i));
  ASSERT_TRUE(run_until([&] { return b_->received.size() == 3; }));
  node_1.reset();
  recorder.close();

  auto replay = raw_client(b_->transport->listen_endpoint());
  replay->write(recording);
  EXPECT_TRUE(closed_by_peer(*replay));
  EXPECT_TRUE(b_->logged("authentication tag"));
  EXPECT_EQ(b_->received.size(), 3u);  // nothing of the replay
  EXPECT_GT(recording.size(), kHelloSize + 3 * proto::kHeaderSize);
}

TEST_F(TcpPeerTransportTest, ClosesASilentConnectionAfterTheHandshakeTimeout) {
  a_ = make_node(1, {});
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}}, key_of(1), loopback(), 100ms);
  auto raw = raw_client(b_->transport->listen_endpoint());
  EXPECT_TRUE(challenge_on(*raw));
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("no valid hello within 100 ms"));
}

TEST_F(TcpPeerTransportTest, ClosesAConnectionThatStopsInTheMiddleOfItsHello) {
  a_ = make_node(1, {});
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}}, key_of(1), loopback(), 100ms);
  auto raw = raw_client(b_->transport->listen_endpoint());
  auto challenge = challenge_on(*raw);
  ASSERT_TRUE(challenge);
  const auto key = connection_key(key_of(1), NodeId(2), challenge->nonce);
  const auto hello = encode_hello(key, NodeId(1), NodeId(2));
  raw->write(std::span(hello).first(kHelloSize - 1));
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("no valid hello within 100 ms"));
  EXPECT_FALSE(b_->transport->is_connected(NodeId(1)));
}

// "At once": well within the default handshake timeout (2 s), since kLimit is shorter.
TEST_F(TcpPeerTransportTest, ClosesAConnectionThatSendsGarbageBeforeItsHelloAtOnce) {
  static_assert(kLimit < kHandshakeTimeout);
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  const std::string garbage = "GET / HTTP/1.0\r\n\r\n";
  raw->write(std::span(reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()));
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("bad magic"));
  EXPECT_TRUE(a_->transport->is_connected(NodeId(2)));
  expect_a_reaches_b();
}

// What a node without the handshake (or a recording of one) sends: frames straight away.
TEST_F(TcpPeerTransportTest, ClosesAConnectionThatSendsFramesWithoutTheHandshakeAtOnce) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  auto frame = proto::encode(proto::Envelope{NodeId(1), NodeId(2), 1, 0, heartbeat(1), {}});
  proto::write_tag(frame, compute_tag(key_of(1), std::span(frame).first(frame.size() - proto::kTagSize)));
  raw->write(frame);
  EXPECT_TRUE(closed_by_peer(*raw));
  EXPECT_TRUE(b_->logged("a frame came before the handshake"));
  EXPECT_TRUE(b_->received.empty());
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, DropsTheOldestConnectionsWithoutAHelloBeyondTheBound) {
  make_pair();
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (std::size_t i = 0; i <= kUnprovenInboundMax; ++i) {
    silent.push_back(raw_client(b_->transport->listen_endpoint()));
  }
  EXPECT_TRUE(closed_by_peer(*silent.front()));
  EXPECT_TRUE(b_->logged("connections without a hello; dropping the oldest"));
  for (std::size_t i = 1; i < silent.size(); ++i) EXPECT_FALSE(silent[i]->is_closed()) << i;
  EXPECT_TRUE(a_->transport->is_connected(NodeId(2)));  // a proven connection is not counted
  expect_a_reaches_b();
}

// Node 2 played by the test: node 1 writes nothing before the challenge, keeps what it
// is given to send meanwhile, then writes its hello and those frames, tagged for this
// connection.
TEST_F(TcpPeerTransportTest, ConnectorWritesNothingBeforeTheChallengeThenItsHelloFirst) {
  tcp::acceptor fake_b(context_, loopback());
  a_ = make_node(1, {{NodeId(2), fake_b.local_endpoint()}});
  tcp::socket accepted(context_);
  bool is_accepted = false;
  fake_b.async_accept(accepted, [&](const asio::error_code& error) { is_accepted = !error; });
  ASSERT_TRUE(run_until([&] { return is_accepted; }));
  RawConnection to_a(context_, std::move(accepted));
  std::uint64_t sent = 0;
  const auto until = std::chrono::steady_clock::now() + 100ms;
  run_until([&] {
    a_->transport->send(NodeId(2), heartbeat(++sent));
    return !to_a.received().empty() || std::chrono::steady_clock::now() >= until;
  });
  EXPECT_TRUE(to_a.received().empty());  // nothing before the challenge
  EXPECT_FALSE(a_->transport->is_connected(NodeId(2)));

  const Nonce nonce = fresh_nonce();
  to_a.write(encode_challenge(key_of(1), Challenge{NodeId(2), nonce}));
  InboundStream as_node_2(key_of(1), NodeId(2), {NodeId(1)}, nonce);
  std::vector<proto::Message> delivered;
  std::size_t fed = 0;
  ASSERT_TRUE(run_until([&] {
    auto batch = as_node_2.feed(std::span(to_a.received()).subspan(fed));
    fed = to_a.received().size();
    EXPECT_FALSE(batch.broken) << *batch.broken;
    for (auto& received : batch.messages) delivered.push_back(std::move(received.message));
    return !delivered.empty() && delivered.back() == heartbeat(sent);
  }));
  EXPECT_EQ(as_node_2.peer(), NodeId(1));
  EXPECT_TRUE(a_->transport->is_connected(NodeId(2)));
  // Those queued while waiting for the challenge, in order, and none sent before that.
  const std::uint64_t first = sent - delivered.size() + 1;
  for (std::size_t i = 0; i < delivered.size(); ++i) EXPECT_EQ(delivered[i], heartbeat(first + i));
  EXPECT_TRUE(a_->logged("not connected"));  // while still connecting, sends are dropped
}

TEST_F(TcpPeerTransportTest, ConnectorRefusesAChallengeFromAnotherNode) {
  tcp::acceptor fake_b(context_, loopback());
  a_ = make_node(1, {{NodeId(2), fake_b.local_endpoint()}});
  tcp::socket accepted(context_);
  bool is_accepted = false;
  fake_b.async_accept(accepted, [&](const asio::error_code& error) { is_accepted = !error; });
  ASSERT_TRUE(run_until([&] { return is_accepted; }));
  RawConnection to_a(context_, std::move(accepted));
  to_a.write(encode_challenge(key_of(1), Challenge{NodeId(3), fresh_nonce()}));
  EXPECT_TRUE(closed_by_peer(to_a));
  EXPECT_TRUE(a_->logged("the node listening there is node 3"));
  EXPECT_TRUE(to_a.received().empty());
  EXPECT_FALSE(a_->transport->is_connected(NodeId(2)));
}

TEST_F(TcpPeerTransportTest, ConnectorGivesUpWhenNoChallengeComesAndRetries) {
  tcp::acceptor fake_b(context_, loopback());
  a_ = make_node(1, {{NodeId(2), fake_b.local_endpoint()}}, key_of(1), loopback(), 100ms);
  std::vector<std::unique_ptr<RawConnection>> attempts;
  std::function<void()> accept_next = [&] {
    fake_b.async_accept([&](const asio::error_code& error, tcp::socket socket) {
      if (error) return;
      attempts.push_back(std::make_unique<RawConnection>(context_, std::move(socket)));
      accept_next();
    });
  };
  accept_next();
  ASSERT_TRUE(run_until([&] { return attempts.size() >= 2; }));  // with a backoff between
  EXPECT_TRUE(attempts.front()->is_closed());
  EXPECT_TRUE(attempts.front()->received().empty());
  EXPECT_TRUE(a_->logged("no challenge within 100 ms"));
  fake_b.close();
  context_.poll();
  if (context_.stopped()) context_.restart();
}

TEST_F(TcpPeerTransportTest, WorksOverIpv6) {
  const tcp::endpoint any_v6(asio::ip::address_v6::loopback(), 0);
  tcp::acceptor probe(context_);
  asio::error_code error;
  probe.open(tcp::v6(), error);
  if (!error) probe.bind(any_v6, error);
  if (error) GTEST_SKIP() << "no IPv6 loopback: " << error.message();
  probe.close(error);
  a_ = make_node(1, {}, key_of(1), any_v6);
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}}, key_of(1), any_v6);
  a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  ASSERT_TRUE(run_until([&] { return a_->transport->is_connected(NodeId(2)); }));
  expect_a_reaches_b();
}

}  // namespace
}  // namespace tandem::sys
