// TcpEndpoint and TcpConnection: one end and both ends of a TCP connection, as plain values.
//
// A node records the established connections to the public IPs it holds (the "tickle
// list", as CTDB calls it) so that the node that takes an IP over can make each client
// reset its connection at once (src/cluster/tickle_lists.h). The text form is CTDB's:
// "ADDRESS:PORT", IPv6 in brackets ("[2001:db8::1]:3260"), and a connection is its server
// end then its client end, separated by a space ("192.0.2.10:3260 198.51.100.7:51234").
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "base/result.h"
#include "model/ip_address.h"

namespace tandem {

struct TcpEndpoint {
  IpAddress address;
  std::uint16_t port = 0;

  // "192.0.2.10:3260" or "[2001:db8::1]:3260"; port 1-65535, decimal without leading zeros.
  static Result<TcpEndpoint> parse(std::string_view text);
  std::string to_string() const;

  friend auto operator<=>(const TcpEndpoint&, const TcpEndpoint&) = default;
  friend bool operator==(const TcpEndpoint&, const TcpEndpoint&) = default;
};

// `server` is the end on a public IP of the cluster; `client` the other end. Both ends
// have the same address family (checked by parse; the kernel never reports otherwise).
struct TcpConnection {
  TcpEndpoint server;
  TcpEndpoint client;

  // Two endpoints separated by spaces or tabs: "SERVER:PORT CLIENT:PORT".
  static Result<TcpConnection> parse(std::string_view text);
  // Two endpoint texts, as given on a command line.
  static Result<TcpConnection> parse(std::string_view server_text, std::string_view client_text);
  std::string to_string() const;

  friend auto operator<=>(const TcpConnection&, const TcpConnection&) = default;
  friend bool operator==(const TcpConnection&, const TcpConnection&) = default;
};

std::ostream& operator<<(std::ostream& out, const TcpEndpoint& endpoint);
std::ostream& operator<<(std::ostream& out, const TcpConnection& connection);

}  // namespace tandem
