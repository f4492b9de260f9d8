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

LinkMonitor::LinkMonitor(asio::io_context& context, std::vector<InterfaceName> watched, Changed changed,
                         const Logger& log, Failed failed)
    : watched_(std::move(watched)),
      changed_(std::move(changed)),
      events_(
          context, "link", "every link", RTMGRP_LINK, [this](const nlmsghdr& message) { on_link_message(message); },
          [this] { return resynchronise(); }, log, std::move(failed)) {}

LinkMonitor::~LinkMonitor() = default;

Result<void> LinkMonitor::start(int receive_buffer_bytes) {
  if (auto opened = events_.open(receive_buffer_bytes); !opened) return opened;
  // Subscribed before the dump: a change after it is seen as an event, not lost between.
  auto links = current_links();
  if (!links) return fail(links.error());
  known_ = std::move(*links);
  events_.listen();
  return success();
}

Result<std::map<InterfaceName, LinkState>> LinkMonitor::current_links() const {
  std::map<InterfaceName, LinkState> links;
  for (const auto& interface : watched_) links[interface] = LinkState::kDown;
  auto listed = dump_table(RTM_GETLINK, sizeof(ifinfomsg), "link monitor", "links", [&](const nlmsghdr& message) {
    auto link = parse_link(message);
    if (!link) return;
    auto found = links.find(InterfaceName(link->first));
    if (found != links.end()) found->second = link->second;
  });
  if (!listed) return fail(listed.error());
  return links;
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

Result<void> LinkMonitor::resynchronise() {
  auto links = current_links();
  if (!links) return fail(links.error());
  for (const auto& [interface, state] : *links) update(interface, state);
  return success();
}

}  // namespace tandem::sys
