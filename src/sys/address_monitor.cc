#include "sys/address_monitor.h"

#include <net/if.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <utility>

#include "sys/netlink_socket.h"

namespace tandem::sys {

AddressMonitor::AddressMonitor(asio::io_context& context, std::vector<InterfaceName> watched, Changed changed,
                               const Logger& log, NetlinkEvents::Failed failed)
    : watched_(std::move(watched)),
      changed_(std::move(changed)),
      events_(
          context, "address", "every address", RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
          [this](const nlmsghdr& message) { on_message(message); },
          [this] {
            // Events were lost: whatever they said, the owner reads every address again.
            if (changed_) changed_();
            return success();
          },
          log, std::move(failed), [this] { on_burst_end(); }) {}

Result<void> AddressMonitor::start(int receive_buffer_bytes) {
  if (auto opened = events_.open(receive_buffer_bytes); !opened) return opened;
  events_.listen();
  return success();
}

void AddressMonitor::on_message(const nlmsghdr& message) {
  if (message.nlmsg_type != RTM_NEWADDR && message.nlmsg_type != RTM_DELADDR) return;
  if (message.nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) return;
  const auto* address = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&message));
  char name[IF_NAMESIZE] = {};
  // An interface already gone has no name: its addresses went with it, which the link
  // monitor reports as the link down.
  if (::if_indextoname(address->ifa_index, name) == nullptr) return;
  const InterfaceName interface(name);
  if (std::find(watched_.begin(), watched_.end(), interface) != watched_.end()) has_news_ = true;
}

void AddressMonitor::on_burst_end() {
  if (!has_news_) return;
  has_news_ = false;
  if (changed_) changed_();
}

}  // namespace tandem::sys
