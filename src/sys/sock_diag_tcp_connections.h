// SockDiagTcpConnections: the kernel's TCP connections on this node's public addresses, read
// and ended with sock_diag (netlink NETLINK_SOCK_DIAG, inet_diag_req_v2), and tickle ACKs
// sent from a raw socket. The io::TcpConnections of the daemon.
//
// Listing asks the kernel directly (no `ss`, no /proc parsing), once per address family.
// An IPv4 client of a listener bound to [::] is an AF_INET6 socket with IPv4-mapped
// addresses (::ffff:a.b.c.d): it is reported as the IPv4 connection it is.
//
// reset() ends connections with SOCK_DESTROY (the kernel sends the client a reset and
// closes the socket: the application sees ECONNABORTED). It needs CONFIG_INET_DIAG_DESTROY
// and CAP_NET_ADMIN. A kernel that refuses (EOPNOTSUPP) leaves the connections open: the
// refusal is logged, and once the address has moved the new holder's tickle ACKs reset the
// clients (the old node no longer answers for the address).
//
// Tickle ACKs (as CTDB sends them): a TCP ACK, sequence and acknowledgement numbers 0, from
// the connection's server end to its client end, on a raw socket. The client's stack sees
// an out-of-window segment and answers with an ACK that carries its real numbers; the
// kernel of the node that now holds the address has no such socket and answers that with
// a reset, so the client resets at once instead of after its retransmission timeouts. The
// packets are only sent: this class never changes any other kernel state.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "io/interfaces.h"
#include "model/tcp_connection.h"
#include "sys/logger.h"

namespace tandem::sys {

// The IP packet of a tickle ACK from `connection.server` to `connection.client`: an IPv4
// header (its checksum left 0: the kernel fills it in) or an IPv6 header, then a TCP
// header (flag ACK, numbers 0) with its checksum. Sent whole on an IPPROTO_RAW socket.
std::vector<std::uint8_t> tickle_packet(const TcpConnection& connection);

// The Internet checksum (RFC 1071) of `bytes`, starting from the partial sum `sum`.
std::uint16_t internet_checksum(const std::uint8_t* bytes, std::size_t size, std::uint32_t sum = 0);

class SockDiagTcpConnections final : public io::TcpConnections {
 public:
  explicit SockDiagTcpConnections(const Logger& log);

  Result<std::vector<TcpConnection>> list(const std::vector<IpAddress>& addresses) override;
  std::size_t reset(const std::vector<IpAddress>& addresses) override;
  void send_tickles(const std::vector<TcpConnection>& connections) override;

 private:
  Result<void> send_tickle(const TcpConnection& connection);

  Logger log_;
  // Opened at the first tickle and kept (one per family), as the announcement socket is.
  UniqueFd raw_v4_;
  UniqueFd raw_v6_;
};

}  // namespace tandem::sys
