#include "sys/sock_diag_tcp_connections.h"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

constexpr std::uint8_t kTickleTtl = 64;
constexpr std::uint16_t kTickleWindow = 1234;  // as CTDB's; any window will do
constexpr std::uint8_t kTcpFlagAck = 0x10;
constexpr std::size_t kTcpHeaderSize = 20;

// One socket of a dump: enough to name it again (SOCK_DESTROY) and to report it.
struct DiagSocket {
  std::uint8_t family = AF_INET;
  inet_diag_sockid id{};
  TcpConnection connection;
};

IpAddress address_from_diag(std::uint8_t family, const std::uint32_t (&words)[4]) {
  IpAddress::Bytes bytes{};
  std::memcpy(bytes.data(), words, 16);
  if (family == AF_INET) return IpAddress::v4(ntohl(words[0]));
  const bool is_v4_mapped = std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
                            bytes[10] == 0xff && bytes[11] == 0xff;
  if (is_v4_mapped) return IpAddress::v4(ntohl(words[3]));
  return IpAddress::v6(bytes);
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void put_address(std::vector<std::uint8_t>& out, const IpAddress& address) {
  const std::size_t size = address.is_v4() ? 4 : 16;
  out.insert(out.end(), address.bytes().begin(), address.bytes().begin() + static_cast<std::ptrdiff_t>(size));
}

// The TCP header, checksum 0 (filled in by the caller).
std::vector<std::uint8_t> tcp_ack_header(const TcpConnection& connection) {
  std::vector<std::uint8_t> tcp;
  put_u16(tcp, connection.server.port);
  put_u16(tcp, connection.client.port);
  tcp.insert(tcp.end(), 8, 0);  // sequence and acknowledgement numbers: 0
  tcp.push_back(static_cast<std::uint8_t>((kTcpHeaderSize / 4) << 4));
  tcp.push_back(kTcpFlagAck);
  put_u16(tcp, kTickleWindow);
  put_u16(tcp, 0);  // checksum
  put_u16(tcp, 0);  // urgent pointer
  return tcp;
}

// The TCP checksum over the pseudo-header (RFC 793, RFC 8200 section 8.1) and `tcp`.
std::uint16_t tcp_checksum(const TcpConnection& connection, const std::vector<std::uint8_t>& tcp) {
  std::vector<std::uint8_t> pseudo;
  put_address(pseudo, connection.server.address);
  put_address(pseudo, connection.client.address);
  if (connection.server.address.is_v4()) {
    pseudo.push_back(0);
    pseudo.push_back(IPPROTO_TCP);
    put_u16(pseudo, static_cast<std::uint16_t>(tcp.size()));
  } else {
    put_u16(pseudo, 0);
    put_u16(pseudo, static_cast<std::uint16_t>(tcp.size()));
    pseudo.insert(pseudo.end(), 3, 0);
    pseudo.push_back(IPPROTO_TCP);
  }
  pseudo.insert(pseudo.end(), tcp.begin(), tcp.end());
  return internet_checksum(pseudo.data(), pseudo.size());
}

Result<std::vector<DiagSocket>> dump_established(std::uint8_t family) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.request.sdiag_family = family;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = 1U << TCP_ESTABLISHED;
  auto socket = NetlinkSocket::open(0, false, NETLINK_SOCK_DIAG);
  if (!socket) return fail(socket.error());
  std::vector<DiagSocket> found;
  auto answer = socket->exchange(message.header, [&found](const nlmsghdr& entry) {
    if (entry.nlmsg_type != SOCK_DIAG_BY_FAMILY || entry.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return;
    const auto* diag = static_cast<const inet_diag_msg*>(mnl_nlmsg_get_payload(&entry));
    DiagSocket socket_found;
    socket_found.family = diag->idiag_family;
    socket_found.id = diag->id;
    socket_found.connection.server = {address_from_diag(diag->idiag_family, diag->id.idiag_src),
                                      ntohs(diag->id.idiag_sport)};
    socket_found.connection.client = {address_from_diag(diag->idiag_family, diag->id.idiag_dst),
                                      ntohs(diag->id.idiag_dport)};
    found.push_back(socket_found);
  });
  if (!answer) return fail(answer.error());
  if (*answer != 0) return fail("sock_diag", "the kernel refused the dump: " + error_text(*answer));
  return found;
}

// Both families' established sockets whose local address is one of `addresses`.
Result<std::vector<DiagSocket>> sockets_on(const std::vector<IpAddress>& addresses) {
  const std::set<IpAddress> wanted(addresses.begin(), addresses.end());
  std::vector<DiagSocket> on;
  if (wanted.empty()) return on;
  for (const std::uint8_t family : {std::uint8_t{AF_INET}, std::uint8_t{AF_INET6}}) {
    auto dumped = dump_established(family);
    if (!dumped) return fail(dumped.error());
    for (const auto& socket : *dumped) {
      if (wanted.contains(socket.connection.server.address)) on.push_back(socket);
    }
  }
  return on;
}

// SOCK_DESTROY of one socket of a dump: 0 or the errno the kernel refused with.
Result<int> destroy(NetlinkSocket& netlink, const DiagSocket& socket) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DESTROY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  message.request.sdiag_family = socket.family;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0U;
  message.request.id = socket.id;
  return netlink.exchange(message.header, {});
}

}  // namespace

std::uint16_t internet_checksum(const std::uint8_t* bytes, std::size_t size, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < size; i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (size % 2 == 1) sum += static_cast<std::uint32_t>(bytes[size - 1] << 8);
  while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::vector<std::uint8_t> tickle_packet(const TcpConnection& connection) {
  auto tcp = tcp_ack_header(connection);
  const std::uint16_t checksum = tcp_checksum(connection, tcp);
  tcp[16] = static_cast<std::uint8_t>(checksum >> 8);
  tcp[17] = static_cast<std::uint8_t>(checksum & 0xff);
  std::vector<std::uint8_t> packet;
  if (connection.server.address.is_v4()) {
    packet.push_back(0x45);  // version 4, header 5 words
    packet.push_back(0);
    put_u16(packet, static_cast<std::uint16_t>(20 + tcp.size()));
    packet.insert(packet.end(), 4, 0);  // identification, flags and fragment offset
    packet.push_back(kTickleTtl);
    packet.push_back(IPPROTO_TCP);
    put_u16(packet, 0);  // header checksum: the kernel's
  } else {
    packet.push_back(0x60);  // version 6, traffic class and flow label 0
    packet.insert(packet.end(), 3, 0);
    put_u16(packet, static_cast<std::uint16_t>(tcp.size()));
    packet.push_back(IPPROTO_TCP);
    packet.push_back(kTickleTtl);
  }
  put_address(packet, connection.server.address);
  put_address(packet, connection.client.address);
  packet.insert(packet.end(), tcp.begin(), tcp.end());
  return packet;
}

SockDiagTcpConnections::SockDiagTcpConnections(const Logger& log) : log_(log) {}

Result<std::vector<TcpConnection>> SockDiagTcpConnections::list(const std::vector<IpAddress>& addresses) {
  auto sockets = sockets_on(addresses);
  if (!sockets) return fail("tcp connections", "cannot list: " + sockets.error().message());
  std::vector<TcpConnection> connections;
  connections.reserve(sockets->size());
  for (const auto& socket : *sockets) connections.push_back(socket.connection);
  std::sort(connections.begin(), connections.end());
  connections.erase(std::unique(connections.begin(), connections.end()), connections.end());
  return connections;
}

std::size_t SockDiagTcpConnections::reset(const std::vector<IpAddress>& addresses) {
  auto sockets = sockets_on(addresses);
  if (!sockets) {
    log_.warning("cannot list the connections to end: " + sockets.error().message());
    return 0;
  }
  if (sockets->empty()) return 0;
  auto netlink = NetlinkSocket::open(0, false, NETLINK_SOCK_DIAG);
  if (!netlink) {
    log_.warning("cannot end connections: " + netlink.error().message());
    return 0;
  }
  std::size_t ended = 0;
  for (const auto& socket : *sockets) {
    auto answer = destroy(*netlink, socket);
    if (answer && *answer == 0) {
      ++ended;
      continue;
    }
    if (answer && *answer == ENOENT) continue;  // it closed meanwhile
    const std::string why = answer ? error_text(*answer) : answer.error().message();
    log_.warning("cannot end connection " + socket.connection.to_string() + ": " + why +
                 (answer && *answer == EOPNOTSUPP ? " (kernel without CONFIG_INET_DIAG_DESTROY)" : ""));
  }
  return ended;
}

void SockDiagTcpConnections::send_tickles(const std::vector<TcpConnection>& connections) {
  for (const auto& connection : connections) {
    auto sent = send_tickle(connection);
    if (!sent) log_.warning("cannot send a tickle ACK for " + connection.to_string() + ": " + sent.error().message());
  }
}

Result<void> SockDiagTcpConnections::send_tickle(const TcpConnection& connection) {
  const bool is_v4 = connection.server.address.is_v4();
  UniqueFd& raw = is_v4 ? raw_v4_ : raw_v6_;
  if (!raw.is_valid()) {
    // IPPROTO_RAW: the packet carries its own IP header (IPv6 too, since Linux 4.5), and
    // the socket receives nothing.
    raw.reset(::socket(is_v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
    if (!raw.is_valid()) return fail("tickle", "cannot open a raw socket: " + error_text(errno));
  }
  const auto packet = tickle_packet(connection);
  sockaddr_storage to{};
  socklen_t to_size = 0;
  if (is_v4) {
    auto* to4 = reinterpret_cast<sockaddr_in*>(&to);
    to4->sin_family = AF_INET;
    std::memcpy(&to4->sin_addr, connection.client.address.bytes().data(), 4);
    to_size = sizeof(sockaddr_in);
  } else {
    auto* to6 = reinterpret_cast<sockaddr_in6*>(&to);
    to6->sin6_family = AF_INET6;
    std::memcpy(&to6->sin6_addr, connection.client.address.bytes().data(), 16);
    to_size = sizeof(sockaddr_in6);
  }
  if (::sendto(raw.get(), packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to), to_size) < 0) {
    return fail("tickle", "cannot send: " + error_text(errno));
  }
  return success();
}

}  // namespace tandem::sys
