#include "tests/integration/sent_packets.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>

#include "base/unique_fd.h"
#include "lab/netns.h"

namespace tandem::integration {
namespace {

constexpr std::size_t kFrameMax = 2048;

std::optional<IpAddress> source_of(const std::uint8_t* packet, std::size_t size, std::uint16_t protocol) {
  if (protocol == ETH_P_IP && size >= 20) {
    return IpAddress::v4(std::uint32_t{packet[12]} << 24 | std::uint32_t{packet[13]} << 16 |
                         std::uint32_t{packet[14]} << 8 | packet[15]);
  }
  if (protocol == ETH_P_IPV6 && size >= 40) {
    IpAddress::Bytes bytes{};
    std::memcpy(bytes.data(), packet + 8, 16);
    return IpAddress::v6(bytes);
  }
  return std::nullopt;
}

Result<UniqueFd> open_capture(const std::string& interface) {
  // SOCK_DGRAM: the kernel strips the link header and reports the protocol.
  UniqueFd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL)));
  if (!fd.is_valid()) return fail("packet socket", std::strerror(errno));
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ALL);
  address.sll_ifindex = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (address.sll_ifindex == 0) return fail(interface, "no such interface");
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return fail(interface, std::string("cannot bind a packet socket: ") + std::strerror(errno));
  }
  return fd;
}

void drain(int fd, const std::string& interface, SentCounts& counts) {
  std::array<std::uint8_t, kFrameMax> frame{};
  for (;;) {
    sockaddr_ll from{};
    socklen_t length = sizeof from;
    const ssize_t size = ::recvfrom(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&from), &length);
    if (size < 0) return;
    if (from.sll_pkttype != PACKET_OUTGOING) continue;
    if (auto source = source_of(frame.data(), static_cast<std::size_t>(size), ntohs(from.sll_protocol))) {
      ++counts[{interface, *source}];
    }
  }
}

}  // namespace

Result<SentCounts> count_sent_packets(const std::string& netns, const std::vector<std::string>& interfaces,
                                      std::chrono::milliseconds duration) {
  SentCounts counts;
  std::optional<Error> error;
  auto ran = lab::run_in_netns(netns, [&] {
    std::vector<UniqueFd> sockets;
    std::vector<pollfd> polled;
    for (const auto& interface : interfaces) {
      auto opened = open_capture(interface);
      if (!opened) {
        error = opened.error();
        return;
      }
      polled.push_back(pollfd{opened->get(), POLLIN, 0});
      sockets.push_back(std::move(*opened));
    }
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (::poll(polled.data(), polled.size(), static_cast<int>(std::max<long>(1, left.count()))) < 0 &&
          errno != EINTR) {
        error = Error{"poll", std::strerror(errno)};
        return;
      }
      for (std::size_t i = 0; i < polled.size(); ++i) {
        if ((polled[i].revents & POLLIN) != 0) drain(polled[i].fd, interfaces[i], counts);
      }
    }
  });
  if (!ran) return fail(ran.error());
  if (error) return fail(*error);
  return counts;
}

}  // namespace tandem::integration
