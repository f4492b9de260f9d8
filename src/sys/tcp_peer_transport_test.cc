// TcpPeerTransport on loopback: real sockets on ports the system picks, the loop driven
// until the expected outcome (bounded by kLimit), never slept.
#include "sys/tcp_peer_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "proto/frame.h"
#include "proto/limits.h"
#include "proto/test_messages.h"

namespace tandem::sys {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kLimit = 900ms;

ClusterKey key_of(std::uint8_t fill) {
  ClusterKey key;
  key.bytes.fill(fill);
  return key;
}

proto::Message heartbeat(std::uint64_t sent_seq) {
  auto message = proto::testing::sample_heartbeat();
  message.sent_seq = sent_seq;
  return message;
}

tcp::endpoint loopback(std::uint16_t port = 0) {
  return tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
}

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

class TcpPeerTransportTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestNode> make_node(std::uint32_t id, std::map<NodeId, tcp::endpoint> peers,
                                      ClusterKey key = key_of(1), tcp::endpoint listen = loopback()) {
    auto node = std::make_unique<TestNode>();
    auto* raw = node.get();
    node->transport = std::make_unique<TcpPeerTransport>(
        context_, TcpPeerTransportConfig{NodeId(id), listen, std::move(peers), key},
        [raw](NodeId from, proto::Message message) { raw->received.emplace_back(from, std::move(message)); },
        [raw](const std::string& line) { raw->logs.push_back(line); });
    auto started = node->transport->start();
    EXPECT_TRUE(started.ok()) << started.error();
    return node;
  }

  // Node 1 and node 2, each connected to the other.
  void make_pair() {
    a_ = make_node(1, {});
    b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()}});
    a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
    ASSERT_TRUE(run_until([&] {
      return a_->transport->is_connected(NodeId(2)) && b_->transport->is_connected(NodeId(1));
    }));
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

  // A client that is not a transport: it writes whatever bytes a test wants.
  tcp::socket raw_client(const tcp::endpoint& to) {
    tcp::socket socket(context_);
    asio::error_code error;
    socket.connect(to, error);
    EXPECT_FALSE(error) << error.message();
    return socket;
  }

  void write(tcp::socket& socket, const std::vector<std::uint8_t>& bytes) {
    asio::error_code error;
    asio::write(socket, asio::buffer(bytes), error);
    EXPECT_FALSE(error) << error.message();
  }

  // Runs the loop until the other end closes `socket`; returns whether it did.
  bool closed_by_peer(tcp::socket& socket) {
    bool is_closed = false;
    std::array<std::uint8_t, 64> buffer{};
    socket.async_read_some(asio::buffer(buffer), [&](const asio::error_code& error, std::size_t) {
      is_closed = error == asio::error::eof || error == asio::error::connection_reset;
    });
    const bool done = run_until([&] { return is_closed; });
    asio::error_code ignored;
    socket.close(ignored);
    context_.poll();  // runs the read's handler if it was still pending, while `buffer` lives
    if (context_.stopped()) context_.restart();
    return done;
  }

  // Node 1 -> node 2 still works.
  void expect_a_reaches_b() {
    const std::size_t before = b_->received.size();
    a_->transport->send(NodeId(2), heartbeat(77));
    ASSERT_TRUE(run_until([&] { return b_->received.size() > before; }));
    EXPECT_EQ(b_->received.back().first, NodeId(1));
    EXPECT_EQ(b_->received.back().second, heartbeat(77));
  }

  std::vector<std::uint8_t> frame_from_a(std::uint64_t sequence, ClusterKey key = key_of(1)) {
    return encode_signed(proto::Envelope{NodeId(1), NodeId(2), sequence, 0, heartbeat(sequence), {}},
                         key);
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
  const std::vector<proto::Message> sent = {
      proto::testing::sample_state_report(), proto::testing::sample_takeover_order(),
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
  b_ = make_node(2, {{NodeId(1), a_->transport->listen_endpoint()},
                     {NodeId(3), c->transport->listen_endpoint()}});
  a_->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  c->transport->set_peer_endpoint(NodeId(2), b_->transport->listen_endpoint());
  ASSERT_TRUE(run_until([&] {
    return a_->transport->is_connected(NodeId(2)) && c->transport->is_connected(NodeId(2));
  }));
  c->transport->send(NodeId(2), heartbeat(5));
  ASSERT_TRUE(run_until([&] { return b_->logged("authentication tag"); }));
  expect_a_reaches_b();
  for (const auto& [from, message] : b_->received) EXPECT_NE(from, NodeId(3));
}

TEST_F(TcpPeerTransportTest, RefusesATamperedFrame) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  auto frame = frame_from_a(1);
  frame[proto::kHeaderSize + 2] ^= 0x01;
  write(raw, frame);
  EXPECT_TRUE(closed_by_peer(raw));
  EXPECT_TRUE(b_->logged("authentication tag"));
  EXPECT_TRUE(b_->received.empty());
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, RefusesAReplayedFrame) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  const auto frame = frame_from_a(1);
  write(raw, frame);
  write(raw, frame);
  EXPECT_TRUE(closed_by_peer(raw));
  EXPECT_TRUE(b_->logged("replayed"));
  ASSERT_EQ(b_->received.size(), 1u);  // the first copy only
  expect_a_reaches_b();
}

TEST_F(TcpPeerTransportTest, DropsOnlyTheConnectionWithABadMagic) {
  make_pair();
  auto raw = raw_client(b_->transport->listen_endpoint());
  auto frame = frame_from_a(1);
  frame[0] = 'X';
  write(raw, frame);
  EXPECT_TRUE(closed_by_peer(raw));
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
