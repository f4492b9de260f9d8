// AddressMonitor: tells its owner when the addresses on the node's public interfaces may
// have changed, whoever changed them (this daemon, an administrator, NetworkManager).
//
// Subscribes to RTMGRP_IPV4_IFADDR and RTMGRP_IPV6_IFADDR on a netlink socket read by the
// io_context (NetlinkEvents: never deaf silently; lost events or a new socket count as a
// change). It calls `changed` once per burst of RTM_NEWADDR/RTM_DELADDR events about the
// watched interfaces, with no detail: the owner reads what the kernel holds now (one
// RTM_GETADDR dump) and compares it with what it believes. Reading the whole state, not
// replaying events, is what makes the daemon's own adds and removes harmless: by the time
// the owner reads, every one of them has been carried out (docs/design/cluster.md). It
// never changes any address. Single-threaded; `changed` must not destroy the monitor.
#pragma once

#include <asio.hpp>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "model/ids.h"
#include "sys/netlink_events.h"

struct nlmsghdr;

namespace tandem::sys {

class AddressMonitor {
 public:
  using Changed = std::function<void()>;

  AddressMonitor(asio::io_context& context, std::vector<InterfaceName> watched, Changed changed, const Logger& log,
                 NetlinkEvents::Failed failed = nullptr);
  AddressMonitor(const AddressMonitor&) = delete;
  AddressMonitor& operator=(const AddressMonitor&) = delete;

  // Subscribes; from then on every change on a watched interface is reported.
  Result<void> start(int receive_buffer_bytes = 0);

 private:
  void on_message(const nlmsghdr& message);
  void on_burst_end();

  std::vector<InterfaceName> watched_;
  Changed changed_;
  bool has_news_ = false;  // an event about a watched interface in this burst
  NetlinkEvents events_;
};

}  // namespace tandem::sys
