#include "sys/link_monitor.h"

#include <net/if.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

// One read of link events; a burst larger than this is read in several.
constexpr std::size_t kEventBufferSize = 32 * 1024;
constexpr std::size_t kRequestBufferSize = 128;

LinkState state_of(const ifinfomsg& link) {
  // glibc's IFF_UP and the kernel's IFF_LOWER_UP are different enum types.
  constexpr auto kUp = static_cast<unsigned>(IFF_UP);
  constexpr auto kCarrier = static_cast<unsigned>(IFF_LOWER_UP) | static_cast<unsigned>(IFF_RUNNING);
  bool is_up = (link.ifi_flags & kUp) != 0;
  bool has_carrier = (link.ifi_flags & kCarrier) != 0;
  return is_up && has_carrier ? LinkState::kUp : LinkState::kDown;
}

int on_link_attribute(const nlattr* attribute, void* data) {
  if (mnl_attr_get_type(attribute) == IFLA_IFNAME && mnl_attr_validate(attribute, MNL_TYPE_STRING) >= 0) {
    *static_cast<std::optional<std::string>*>(data) = mnl_attr_get_str(attribute);
  }
  return MNL_CB_OK;
}

// The name and state of an RTM_NEWLINK/RTM_DELLINK message (a deleted link is down).
std::optional<std::pair<std::string, LinkState>> parse_link(const nlmsghdr& message) {
  if (message.nlmsg_type != RTM_NEWLINK && message.nlmsg_type != RTM_DELLINK) return std::nullopt;
  const auto* link = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(&message));
  std::optional<std::string> name;
  if (mnl_attr_parse(&message, sizeof *link, on_link_attribute, &name) != MNL_CB_OK || !name) {
    return std::nullopt;
  }
  LinkState state = message.nlmsg_type == RTM_DELLINK ? LinkState::kDown : state_of(*link);
  return std::make_pair(std::move(*name), state);
}

}  // namespace

LinkMonitor::LinkMonitor(asio::io_context& context, std::vector<InterfaceName> watched,
                         Changed changed, Logger log, Failed failed)
    : watched_(std::move(watched)),
      changed_(std::move(changed)),
      log_(log.prefixed("link monitor: ")),
      failed_(std::move(failed)),
      descriptor_(context) {}

LinkMonitor::~LinkMonitor() {
  asio::error_code ignored;
  descriptor_.close(ignored);
}

Result<void> LinkMonitor::start(int receive_buffer_bytes) {
  receive_buffer_bytes_ = receive_buffer_bytes;
  if (auto opened = open_socket(); !opened) return opened;
  // Subscribed before the dump: a change after it is seen as an event, not lost between.
  auto links = current_links();
  if (!links) return fail(links.error());
  known_ = std::move(*links);
  read_next();
  return success();
}

Result<void> LinkMonitor::open_socket() {
  asio::error_code ignored;
  descriptor_.close(ignored);
  auto socket = NetlinkSocket::open(RTMGRP_LINK, true);
  if (!socket) return fail(socket.error());
  if (receive_buffer_bytes_ > 0 &&
      ::setsockopt(socket->fd(), SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes_, sizeof receive_buffer_bytes_) != 0) {
    return fail("link monitor", "cannot size the netlink socket's queue: " + error_text(errno));
  }
  asio::error_code error;
  descriptor_.assign(socket->release(), error);
  if (error) return fail("link monitor", "cannot watch the netlink socket: " + error.message());
  return success();
}

Result<std::map<InterfaceName, LinkState>> LinkMonitor::current_links() const {
  std::map<InterfaceName, LinkState> links;
  for (const auto& interface : watched_) links[interface] = LinkState::kDown;
  alignas(nlmsghdr) char buffer[kRequestBufferSize];
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = RTM_GETLINK;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  auto* header = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifinfomsg)));
  header->ifi_family = AF_UNSPEC;
  auto socket = NetlinkSocket::open(0, false);
  if (!socket) return fail(socket.error());
  auto answer = socket->exchange(*request, [&](const nlmsghdr& message) {
    auto link = parse_link(message);
    if (!link) return;
    auto found = links.find(InterfaceName(link->first));
    if (found != links.end()) found->second = link->second;
  });
  if (!answer) return fail(answer.error());
  if (*answer != 0) return fail("link monitor", "cannot list links: " + error_text(*answer));
  return links;
}

void LinkMonitor::read_next() {
  std::weak_ptr<char> alive = alive_;
  descriptor_.async_wait(asio::posix::descriptor_base::wait_read,
                         [this, alive](const asio::error_code& error) {
                           if (alive.expired() || error == asio::error::operation_aborted) return;
                           if (error) return recover("cannot wait for link events: " + error.message());
                           if (on_readable()) read_next();
                         });
}

bool LinkMonitor::on_readable() {
  std::vector<char> buffer(kEventBufferSize);
  for (;;) {
    ssize_t size = ::recv(descriptor_.native_handle(), buffer.data(), buffer.size(), 0);
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == ENOBUFS) {
        // The kernel dropped events it could not queue. What is still queued is older than
        // the state read next, and would undo it: drop it, then read the whole state again.
        log_.warning("link events were lost; reading every link again");
        discard_queued_events(buffer);
        if (auto read = resynchronise(); !read) {
          recover("cannot read links: " + read.error().message());
          return false;
        }
        continue;
      }
      recover("cannot read link events: " + error_text(errno));
      return false;
    }
    recoveries_in_a_row_ = 0;
    if (!for_each_netlink_message(buffer.data(), static_cast<std::size_t>(size),
                                  [this](const nlmsghdr& message) { on_link_message(message); })) {
      log_.warning("malformed link event ignored");
    }
  }
}

void LinkMonitor::on_link_message(const nlmsghdr& message) {
  auto link = parse_link(message);
  if (link) update(InterfaceName(link->first), link->second);
}

void LinkMonitor::update(const InterfaceName& interface, LinkState state) {
  auto found = known_.find(interface);
  if (found == known_.end() || found->second == state) return;  // not watched, or no change
  found->second = state;
  if (changed_) changed_(interface, state);
}

void LinkMonitor::discard_queued_events(std::vector<char>& buffer) {
  while (::recv(descriptor_.native_handle(), buffer.data(), buffer.size(), 0) > 0 || errno == EINTR) {
  }
}

Result<void> LinkMonitor::resynchronise() {
  auto links = current_links();
  if (!links) return fail(links.error());
  for (const auto& [interface, state] : *links) update(interface, state);
  return success();
}

// A new socket, subscribed before the links are read again, so nothing falls between; a
// failure to recover, or too many in a row, is the owner's to act on.
void LinkMonitor::recover(const std::string& cause) {
  if (has_failed_) return;
  log_.warning(cause + "; opening a new link socket and reading every link again");
  Result<void> recovered = ++recoveries_in_a_row_ > kRecoveriesMax
                               ? fail("link monitor", cause + " (" + std::to_string(kRecoveriesMax) +
                                                          " recoveries in a row failed)")
                               : open_socket();
  if (recovered) recovered = resynchronise();
  if (recovered) return read_next();
  has_failed_ = true;
  asio::error_code ignored;
  descriptor_.close(ignored);
  if (failed_) return failed_(recovered.error());
  log_.error("link changes can no longer be seen: " + recovered.error().message());
}

}  // namespace tandem::sys
