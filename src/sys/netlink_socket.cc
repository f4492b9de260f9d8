#include "sys/netlink_socket.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/check.h"

namespace tandem::sys {
namespace {

// Large enough for any single route netlink message batch the kernel sends (it fills at
// most one page-sized skb per read for dumps; 32 KiB leaves ample room).
constexpr std::size_t kReceiveBufferSize = std::size_t{32} * 1024;

int on_data(const nlmsghdr* message, void* data) {
  const auto& on_message = *static_cast<const NetlinkSocket::OnMessage*>(data);
  if (on_message) on_message(*message);
  return MNL_CB_OK;
}

}  // namespace

std::string error_text(int error) {
  char buffer[256];
  // GNU strerror_r returns the text (possibly not in `buffer`).
  return ::strerror_r(error, buffer, sizeof buffer);
}

Result<NetlinkSocket> NetlinkSocket::open(std::uint32_t groups, bool is_non_blocking, int protocol) {
  int type = SOCK_RAW | SOCK_CLOEXEC | (is_non_blocking ? SOCK_NONBLOCK : 0);
  UniqueFd fd(::socket(AF_NETLINK, type, protocol));
  if (!fd.is_valid()) return fail("netlink", "cannot open a socket: " + error_text(errno));
  sockaddr_nl address{};
  address.nl_family = AF_NETLINK;
  address.nl_groups = groups;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return fail("netlink", "cannot bind a socket: " + error_text(errno));
  }
  socklen_t length = sizeof address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return fail("netlink", "cannot read the socket's port: " + error_text(errno));
  }
  timeval timeout{};
  timeout.tv_sec = kNetlinkReplyTimeout.count() / 1000;
  timeout.tv_usec = (kNetlinkReplyTimeout.count() % 1000) * 1000;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return NetlinkSocket(std::move(fd), address.nl_pid);
}

Result<int> NetlinkSocket::exchange(nlmsghdr& request, const OnMessage& on_message) {
  request.nlmsg_seq = next_sequence_++;
  if (::send(fd_.get(), &request, request.nlmsg_len, 0) < 0) {
    return fail("netlink", "cannot send a request: " + error_text(errno));
  }
  std::vector<char> buffer(kReceiveBufferSize);
  for (;;) {
    ssize_t size = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return fail("netlink",
                    "no answer from the kernel within " + std::to_string(kNetlinkReplyTimeout.count()) + " ms");
      }
      return fail("netlink", "cannot read an answer: " + error_text(errno));
    }
    errno = 0;
    int outcome = mnl_cb_run(buffer.data(), static_cast<std::size_t>(size), request.nlmsg_seq, port_id_, on_data,
                             const_cast<OnMessage*>(&on_message));
    if (outcome == MNL_CB_ERROR) {
      int error = errno;
      // ESRCH/EPROTO mean the answer did not match the request: a bug or a stray message.
      if (error == 0) error = EPROTO;
      return error;
    }
    if (outcome == MNL_CB_STOP) return 0;
  }
}

Result<void> dump_table(std::uint16_t type, std::size_t header_size, const std::string& place, const std::string& noun,
                        const NetlinkSocket::OnMessage& on_message) {
  constexpr std::size_t kFamilyHeaderMax = 64;  // the largest is rtmsg's 12 bytes
  TANDEM_CHECK(header_size <= kFamilyHeaderMax);
  alignas(nlmsghdr) char buffer[sizeof(nlmsghdr) + kFamilyHeaderMax] = {};
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = type;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  mnl_nlmsg_put_extra_header(request, header_size);  // zeroed: AF_UNSPEC, every family
  auto socket = NetlinkSocket::open(0, false);
  if (!socket) return fail(place, "cannot list " + noun + ": " + socket.error().message());
  auto answer = socket->exchange(*request, on_message);
  if (!answer) return fail(place, "cannot list " + noun + ": " + answer.error().message());
  if (*answer != 0) return fail(place, "cannot list " + noun + ": " + error_text(*answer));
  return success();
}

bool for_each_netlink_message(const void* buffer, std::size_t size, const NetlinkSocket::OnMessage& on_message) {
  return mnl_cb_run(buffer, size, 0, 0, on_data, const_cast<NetlinkSocket::OnMessage*>(&on_message)) != MNL_CB_ERROR;
}

}  // namespace tandem::sys
