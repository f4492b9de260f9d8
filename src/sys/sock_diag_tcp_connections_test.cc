// SockDiagTcpConnections against a real kernel, inside a network namespace each test
// creates: listing and ending connections with sock_diag, and tickle ACKs that reset a
// client whose server socket is gone; and the tickle packet's layout.
#include "sys/sock_diag_tcp_connections.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"
#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

// How long a test waits for the kernel to deliver what it must (a bound, not a measure).
constexpr int kDeliveryMs = 2000;

IpAddress address(const char* text) { return IpAddress::parse(text).value(); }
TcpConnection connection(const char* text) { return TcpConnection::parse(text).value(); }

sockaddr_storage socket_address(const IpAddress& ip, std::uint16_t port, socklen_t& size) {
  sockaddr_storage storage{};
  if (ip.is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, ip.bytes().data(), 4);
    size = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    std::memcpy(&v6->sin6_addr, ip.bytes().data(), 16);
    size = sizeof(sockaddr_in6);
  }
  return storage;
}

std::uint16_t local_port(const UniqueFd& fd) {
  sockaddr_storage storage{};
  socklen_t size = sizeof storage;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&storage), &size);
  return ntohs(storage.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&storage)->sin_port
                                            : reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
}

// One established connection from `client_ip` to `server_ip` inside the namespace, with
// both ends' sockets held here.
struct Pair {
  UniqueFd listener;
  UniqueFd client;
  UniqueFd server;
  TcpConnection seen_from_server;
};

Pair connect_pair(const IpAddress& server_ip, const IpAddress& client_ip) {
  Pair pair;
  const int family = server_ip.is_v4() ? AF_INET : AF_INET6;
  socklen_t size = 0;
  pair.listener.reset(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  auto bind_to = socket_address(server_ip, 0, size);
  EXPECT_EQ(::bind(pair.listener.get(), reinterpret_cast<sockaddr*>(&bind_to), size), 0) << std::strerror(errno);
  EXPECT_EQ(::listen(pair.listener.get(), 4), 0);
  const std::uint16_t server_port = local_port(pair.listener);
  pair.client.reset(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  auto from = socket_address(client_ip, 0, size);
  EXPECT_EQ(::bind(pair.client.get(), reinterpret_cast<sockaddr*>(&from), size), 0) << std::strerror(errno);
  auto to = socket_address(server_ip, server_port, size);
  EXPECT_EQ(::connect(pair.client.get(), reinterpret_cast<sockaddr*>(&to), size), 0) << std::strerror(errno);
  pair.server.reset(::accept4(pair.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  EXPECT_TRUE(pair.server.is_valid()) << std::strerror(errno);
  pair.seen_from_server = TcpConnection{{server_ip, server_port}, {client_ip, local_port(pair.client)}};
  return pair;
}

// The errno a read on `fd` ends with once something arrives (0: data or end of stream),
// or EAGAIN when nothing came within kDeliveryMs (`wait_ms` 0: look once).
int read_outcome(const UniqueFd& fd, int wait_ms) {
  pollfd wait{fd.get(), POLLIN, 0};
  if (::poll(&wait, 1, wait_ms) == 0) return EAGAIN;
  char byte = 0;
  return ::recv(fd.get(), &byte, 1, MSG_DONTWAIT) < 0 ? errno : 0;
}

// Closes a socket without telling its peer (TCP_REPAIR: the close sends nothing), as the
// kernel of a node that lost power "closes" it: the client still believes it open.
void vanish(UniqueFd& fd) {
  int on = 1;
  ASSERT_EQ(::setsockopt(fd.get(), IPPROTO_TCP, TCP_REPAIR, &on, sizeof on), 0) << std::strerror(errno);
  fd.reset();
}

class SockDiagTcpConnectionsTest : public NetnsTest {
 protected:
  void SetUp() override {
    NetnsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(netns_.ip("link set lo up"));
    ASSERT_TRUE(netns_.ip("addr add 192.0.2.10/24 dev node0"));
    ASSERT_TRUE(netns_.ip("addr add 192.0.2.20/24 dev node0"));
    ASSERT_TRUE(netns_.ip("addr add 2001:db8::10/64 dev node0 nodad"));
    ASSERT_TRUE(netns_.ip("addr add 2001:db8::20/64 dev node0 nodad"));
  }
};

TEST_F(SockDiagTcpConnectionsTest, ListsTheEstablishedConnectionsOnTheGivenAddressesOnly) {
  in_namespace([] {
    SockDiagTcpConnections connections{Logger()};
    auto v4 = connect_pair(address("192.0.2.10"), address("192.0.2.20"));
    auto v6 = connect_pair(address("2001:db8::10"), address("2001:db8::20"));
    auto listed = connections.list({address("192.0.2.10"), address("2001:db8::10")});
    ASSERT_TRUE(listed.ok()) << listed.error();
    EXPECT_EQ(*listed, (std::vector<TcpConnection>{v4.seen_from_server, v6.seen_from_server}));
  });
}

TEST_F(SockDiagTcpConnectionsTest, ListsAnIpv4ClientOfAnIpv6ListenerAsIpv4) {
  in_namespace([] {
    SockDiagTcpConnections connections{Logger()};
    UniqueFd listener(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 any{};
    any.sin6_family = AF_INET6;
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
    ASSERT_EQ(::listen(listener.get(), 4), 0);
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    socklen_t size = 0;
    auto from = socket_address(address("192.0.2.20"), 0, size);
    ASSERT_EQ(::bind(client.get(), reinterpret_cast<sockaddr*>(&from), size), 0);
    auto to = socket_address(address("192.0.2.10"), local_port(listener), size);
    ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&to), size), 0);
    UniqueFd server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    auto listed = connections.list({address("192.0.2.10")});
    ASSERT_TRUE(listed.ok()) << listed.error();
    ASSERT_EQ(listed->size(), 1U);
    EXPECT_EQ(listed->front(), (TcpConnection{{address("192.0.2.10"), local_port(listener)},
                                              {address("192.0.2.20"), local_port(client)}}));
  });
}

TEST_F(SockDiagTcpConnectionsTest, ResetEndsTheConnectionsOnTheAddressAndTheClientSeesAReset) {
  in_namespace([] {
    SockDiagTcpConnections connections{Logger()};
    auto ended = connect_pair(address("192.0.2.10"), address("192.0.2.20"));
    auto kept = connect_pair(address("2001:db8::10"), address("2001:db8::20"));
    EXPECT_EQ(connections.reset({address("192.0.2.10")}), 1U);
    EXPECT_EQ(read_outcome(ended.client, kDeliveryMs), ECONNRESET);
    EXPECT_EQ(read_outcome(kept.client, 0), EAGAIN);
    auto listed = connections.list({address("192.0.2.10")});
    ASSERT_TRUE(listed.ok()) << listed.error();
    EXPECT_TRUE(listed->empty());
  });
}

TEST_F(SockDiagTcpConnectionsTest, TickleResetsAClientWhoseServerSocketIsGone) {
  for (const auto& [server_ip, client_ip] :
       {std::pair{"192.0.2.10", "192.0.2.20"}, std::pair{"2001:db8::10", "2001:db8::20"}}) {
    in_namespace([server = address(server_ip), client = address(client_ip)] {
      SockDiagTcpConnections connections{Logger()};
      auto pair = connect_pair(server, client);
      vanish(pair.server);
      EXPECT_EQ(read_outcome(pair.client, 0), EAGAIN) << "the client must not know yet";
      connections.send_tickles({pair.seen_from_server});
      EXPECT_EQ(read_outcome(pair.client, kDeliveryMs), ECONNRESET) << server;
    });
  }
}

TEST_F(SockDiagTcpConnectionsTest, TickleLeavesAConnectionWhoseServerSocketStillExists) {
  in_namespace([] {
    SockDiagTcpConnections connections{Logger()};
    auto pair = connect_pair(address("192.0.2.10"), address("192.0.2.20"));
    connections.send_tickles({pair.seen_from_server});
    ASSERT_EQ(::send(pair.server.get(), "x", 1, 0), 1);
    EXPECT_EQ(read_outcome(pair.client, kDeliveryMs), 0);
  });
}

TEST(TicklePacket, IsAnIpv4AckWithZeroNumbersAndAValidTcpChecksum) {
  const auto packet = tickle_packet(connection("192.0.2.10:3260 198.51.100.7:51234"));
  ASSERT_EQ(packet.size(), 40U);
  EXPECT_EQ(packet[0], 0x45);
  EXPECT_EQ(packet[9], IPPROTO_TCP);
  EXPECT_EQ(std::vector<std::uint8_t>(packet.begin() + 12, packet.begin() + 20),
            (std::vector<std::uint8_t>{192, 0, 2, 10, 198, 51, 100, 7}));
  const std::uint8_t* tcp = packet.data() + 20;
  EXPECT_EQ(tcp[0] << 8 | tcp[1], 3260);
  EXPECT_EQ(tcp[2] << 8 | tcp[3], 51234);
  EXPECT_EQ(std::vector<std::uint8_t>(tcp + 4, tcp + 12), std::vector<std::uint8_t>(8, 0));
  EXPECT_EQ(tcp[13], 0x10);  // ACK alone
  // The pseudo-header and segment sum to 0xffff when the checksum is right.
  std::vector<std::uint8_t> pseudo{192, 0, 2, 10, 198, 51, 100, 7, 0, IPPROTO_TCP, 0, 20};
  pseudo.insert(pseudo.end(), tcp, tcp + 20);
  EXPECT_EQ(internet_checksum(pseudo.data(), pseudo.size()), 0);
}

TEST(TicklePacket, IsAnIpv6HeaderThenTheTcpAck) {
  const auto packet = tickle_packet(connection("[2001:db8::10]:3260 [2001:db8::7]:51234"));
  ASSERT_EQ(packet.size(), 60U);
  EXPECT_EQ(packet[0] >> 4, 6);
  EXPECT_EQ(packet[4] << 8 | packet[5], 20);  // payload length
  EXPECT_EQ(packet[6], IPPROTO_TCP);
  EXPECT_EQ(packet[40 + 13], 0x10);
}

TEST(InternetChecksum, MatchesRfc1071Example) {
  const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(bytes, sizeof bytes), static_cast<std::uint16_t>(~0xddf2 & 0xffff));
}

}  // namespace
}  // namespace tandem::sys
