#include "sys/netlink_events.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <utility>

#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

// One read of events; a burst larger than this is read in several.
constexpr std::size_t kEventBufferSize = std::size_t{32} * 1024;

}  // namespace

NetlinkEvents::NetlinkEvents(asio::io_context& context, std::string what, std::string whole, std::uint32_t groups,
                             OnMessage on_message, Resynchronise resynchronise, const Logger& log, Failed failed,
                             OnBurstEnd on_burst_end)
    : what_(std::move(what)),
      whole_(std::move(whole)),
      groups_(groups),
      on_message_(std::move(on_message)),
      resynchronise_(std::move(resynchronise)),
      log_(log.prefixed(what_ + " monitor: ")),
      failed_(std::move(failed)),
      on_burst_end_(std::move(on_burst_end)),
      descriptor_(context) {}

NetlinkEvents::~NetlinkEvents() {
  asio::error_code ignored;
  descriptor_.close(ignored);
}

Result<void> NetlinkEvents::open(int receive_buffer_bytes) {
  receive_buffer_bytes_ = receive_buffer_bytes;
  return open_socket();
}

Result<void> NetlinkEvents::open_socket() {
  asio::error_code ignored;
  descriptor_.close(ignored);
  auto socket = NetlinkSocket::open(groups_, true);
  if (!socket) return fail(socket.error());
  if (receive_buffer_bytes_ > 0 &&
      ::setsockopt(socket->fd(), SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes_, sizeof receive_buffer_bytes_) != 0) {
    return fail(what_ + " monitor", "cannot size the netlink socket's queue: " + error_text(errno));
  }
  asio::error_code error;
  descriptor_.assign(socket->release(), error);
  if (error) return fail(what_ + " monitor", "cannot watch the netlink socket: " + error.message());
  return success();
}

void NetlinkEvents::read_next() {
  std::weak_ptr<char> alive = alive_;
  descriptor_.async_wait(asio::posix::descriptor_base::wait_read, [this, alive](const asio::error_code& error) {
    if (alive.expired() || error == asio::error::operation_aborted) return;
    if (error) return recover("cannot wait for " + what_ + " events: " + error.message());
    if (on_readable()) read_next();
  });
}

bool NetlinkEvents::on_readable() {
  std::vector<char> buffer(kEventBufferSize);
  for (;;) {
    ssize_t size = ::recv(descriptor_.native_handle(), buffer.data(), buffer.size(), 0);
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ENOBUFS) {
        // The kernel dropped events it could not queue. What is still queued is older than
        // the state read next, and would undo it: drop it, then read the whole state again.
        log_.warning(what_ + " events were lost; reading " + whole_ + " again");
        discard_queued_events(buffer);
        if (auto read = resynchronise_(); !read) {
          recover("cannot read " + whole_ + ": " + read.error().message());
          return false;
        }
        continue;
      }
      recover("cannot read " + what_ + " events: " + error_text(errno));
      return false;
    }
    recoveries_in_a_row_ = 0;
    if (!for_each_netlink_message(buffer.data(), static_cast<std::size_t>(size), on_message_)) {
      log_.warning("malformed " + what_ + " event ignored");
    }
  }
  if (on_burst_end_) on_burst_end_();
  return true;
}

void NetlinkEvents::discard_queued_events(std::vector<char>& buffer) {
  while (::recv(descriptor_.native_handle(), buffer.data(), buffer.size(), 0) > 0 || errno == EINTR) {
  }
}

// A new socket, subscribed before the state is read again, so nothing falls between; a
// failure to recover, or too many in a row, is the owner's to act on.
void NetlinkEvents::recover(const std::string& cause) {
  if (has_failed_) return;
  log_.warning(cause + "; opening a new " + what_ + " socket and reading " + whole_ + " again");
  Result<void> recovered =
      ++recoveries_in_a_row_ > kRecoveriesMax
          ? fail(what_ + " monitor", cause + " (" + std::to_string(kRecoveriesMax) + " recoveries in a row failed)")
          : open_socket();
  if (recovered) recovered = resynchronise_();
  if (recovered) return read_next();
  has_failed_ = true;
  asio::error_code ignored;
  descriptor_.close(ignored);
  if (failed_) return failed_(recovered.error());
  log_.error(what_ + " changes can no longer be seen: " + recovered.error().message());
}

}  // namespace tandem::sys
