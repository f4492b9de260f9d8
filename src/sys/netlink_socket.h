// NetlinkSocket: one netlink socket (NETLINK_ROUTE unless told otherwise, e.g.
// NETLINK_SOCK_DIAG), for request/acknowledge and dump exchanges.
//
// Messages are built and parsed with libmnl; the socket itself is a UniqueFd so that it has
// exactly one owner. A socket opened with multicast groups is for NetlinkEvents' event
// stream and must never be used for exchange() (its notifications would interleave with the
// answers). exchange() never blocks longer than kNetlinkReplyTimeout.
#pragma once

#include <libmnl/libmnl.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace tandem::sys {

// The kernel answers a route netlink request at once; waiting longer means something is
// badly wrong, and the caller must get an error rather than hang the event loop.
inline constexpr std::chrono::milliseconds kNetlinkReplyTimeout{2000};

class NetlinkSocket {
 public:
  // Called with every data message of an answer (each entry of a dump).
  using OnMessage = std::function<void(const nlmsghdr& message)>;

  // `groups`: RTMGRP_* bits to subscribe to (0 for none). `is_non_blocking` for sockets
  // read by an event loop. `protocol`: NETLINK_ROUTE, NETLINK_SOCK_DIAG, ...
  static Result<NetlinkSocket> open(std::uint32_t groups, bool is_non_blocking, int protocol = NETLINK_ROUTE);

  // Sends `request` (its sequence number is set here) and reads the answer up to the
  // acknowledgement or the end of the dump, calling `on_message` for each data message.
  // Returns what the kernel answered: 0 when it acknowledged the request or finished the
  // dump, else the errno it refused with (EEXIST, ENODEV, ...). A local failure (send,
  // receive, no answer within kNetlinkReplyTimeout) is an Error.
  Result<int> exchange(nlmsghdr& request, const OnMessage& on_message);

  int fd() const { return fd_.get(); }
  // Gives the fd to another owner (an Asio descriptor).
  [[nodiscard]] int release() { return fd_.release(); }

 private:
  NetlinkSocket(UniqueFd fd, std::uint32_t port_id) : fd_(std::move(fd)), port_id_(port_id) {}

  UniqueFd fd_;
  std::uint32_t port_id_ = 0;
  std::uint32_t next_sequence_ = 1;
};

// A whole table for every address family, on a socket of its own: a `type` dump request
// (RTM_GETLINK, RTM_GETADDR, ...) with a family header of `header_size` bytes left zero
// (AF_UNSPEC), `on_message` called for each entry. A failure is an Error at `place`,
// "cannot list NOUN: why".
Result<void> dump_table(std::uint16_t type, std::size_t header_size, const std::string& place, const std::string& noun,
                        const NetlinkSocket::OnMessage& on_message);

// Runs `on_message` on every message in a buffer the kernel sent (for event streams, where
// there is no request to match). Returns false if the buffer is malformed.
bool for_each_netlink_message(const void* buffer, std::size_t size, const NetlinkSocket::OnMessage& on_message);

// strerror(error) as a std::string (thread-safe).
std::string error_text(int error);

}  // namespace tandem::sys
