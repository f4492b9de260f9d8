#include "model/tcp_connection.h"

#include "base/text.h"

namespace tandem {
namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  const auto port = parse_unsigned(text);
  if (!port || *port == 0 || *port > 65535 || (text.size() > 1 && text.front() == '0')) {
    return fail("", "bad port '" + std::string(text) + "' in '" + std::string(whole) + "' (1-65535)");
  }
  return static_cast<std::uint16_t>(*port);
}

}  // namespace

Result<TcpEndpoint> TcpEndpoint::parse(std::string_view text) {
  std::string_view address_text;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) {
      return fail("", "'" + std::string(text) + "' is not [IPV6]:PORT");
    }
    address_text = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
      return fail("", "'" + std::string(text) + "' is not ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)");
    }
    address_text = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto address = IpAddress::parse(address_text);
  if (!address) return fail(address.error());
  if (text.front() == '[' && address->is_v4()) {
    return fail("", "'" + std::string(text) + "': brackets are for IPv6 addresses only");
  }
  auto port = parse_port(port_text, text);
  if (!port) return fail(port.error());
  return TcpEndpoint{*address, *port};
}

std::string TcpEndpoint::to_string() const {
  const auto port_text = std::to_string(port);
  if (address.is_v4()) return address.to_string() + ":" + port_text;
  return "[" + address.to_string() + "]:" + port_text;
}

Result<TcpConnection> TcpConnection::parse(std::string_view text) {
  const auto fields = split_fields(text);
  if (fields.size() != 2) {
    return fail("", "'" + std::string(text) + "' is not SERVER:PORT CLIENT:PORT");
  }
  return parse(fields[0], fields[1]);
}

Result<TcpConnection> TcpConnection::parse(std::string_view server_text, std::string_view client_text) {
  auto server = TcpEndpoint::parse(server_text);
  if (!server) return fail(server.error());
  auto client = TcpEndpoint::parse(client_text);
  if (!client) return fail(client.error());
  if (server->address.family() != client->address.family()) {
    return fail("", "'" + std::string(server_text) + "' and '" + std::string(client_text) +
                        "' are of different address families");
  }
  return TcpConnection{*server, *client};
}

std::string TcpConnection::to_string() const { return server.to_string() + " " + client.to_string(); }

std::ostream& operator<<(std::ostream& out, const TcpEndpoint& endpoint) { return out << endpoint.to_string(); }
std::ostream& operator<<(std::ostream& out, const TcpConnection& connection) { return out << connection.to_string(); }

}  // namespace tandem
