#include "lab/probe_listener.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace tandem::lab {
namespace {

constexpr int kBacklog = 1024;
constexpr int kStopCheckMs = 100;

std::string errno_text() { return std::strerror(errno); }

Result<UniqueFd> listen_on(int family, std::uint16_t port) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));  // accept never blocks
  if (!fd.is_valid()) return fail("listener", "cannot make a socket: " + errno_text());
  int yes = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  }
  std::string where = (family == AF_INET ? "0.0.0.0:" : "[::]:") + std::to_string(port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
    return fail("listener", "cannot bind " + where + ": " + errno_text());
  }
  if (::listen(fd.get(), kBacklog) != 0) return fail("listener", "cannot listen on " + where + ": " + errno_text());
  return fd;
}

std::uint16_t bound_port(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

bool holds(const ifaddrs& entry, const sockaddr* local) {
  if (entry.ifa_addr == nullptr || entry.ifa_addr->sa_family != local->sa_family) return false;
  if (local->sa_family == AF_INET) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in*>(entry.ifa_addr)->sin_addr,
                       &reinterpret_cast<const sockaddr_in*>(local)->sin_addr, sizeof(in_addr)) == 0;
  }
  return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(entry.ifa_addr)->sin6_addr,
                     &reinterpret_cast<const sockaddr_in6*>(local)->sin6_addr, sizeof(in6_addr)) == 0;
}

}  // namespace

std::string interface_holding(const void* address) {
  const auto* local = static_cast<const sockaddr*>(address);
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "?";
  std::string name = "?";
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (holds(*entry, local)) {
      name = entry->ifa_name;
      break;
    }
  }
  ::freeifaddrs(list);
  return name;
}

Result<ProbeListener> ProbeListener::open(std::string node_name, std::uint16_t port) {
  auto v4 = listen_on(AF_INET, port);
  if (!v4) return fail(v4.error());
  std::uint16_t chosen = bound_port(v4->get());
  auto v6 = listen_on(AF_INET6, chosen);  // no IPv6 in the namespace: IPv4 only
  return ProbeListener(std::move(node_name), std::move(*v4), v6 ? std::move(*v6) : UniqueFd(), chosen);
}

Result<void> ProbeListener::serve(const std::atomic<bool>& stop) const {
  std::array<pollfd, 2> fds{pollfd{v4_.get(), POLLIN, 0}, pollfd{v6_.get(), POLLIN, 0}};
  while (!stop.load()) {
    int ready = ::poll(fds.data(), fds.size(), kStopCheckMs);
    if (ready < 0 && errno != EINTR) return fail("listener", "poll: " + errno_text());
    for (auto& fd : fds) {
      if (fd.fd >= 0 && (fd.revents & POLLIN) != 0) answer(fd.fd);
    }
  }
  return success();
}

void ProbeListener::answer(int listening_fd) const {
  UniqueFd connection(::accept4(listening_fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (!connection.is_valid()) return;  // the client gave up first: nothing to answer
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (::getsockname(connection.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0) return;
  std::string line = node_name_ + " " + interface_holding(&local) + "\n";
  // A fresh socket's buffer takes a short line at once; a client that has gone is no error.
  (void)::send(connection.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace tandem::lab
