// LinkMonitor: the carrier state of the node's public interfaces, as the kernel pushes it.
//
// Subscribes to RTNLGRP_LINK on a netlink socket read by the io_context, and calls back
// when a watched interface goes up or down. Up means administratively up and with carrier
// (IFF_UP and IFF_LOWER_UP or IFF_RUNNING): a pulled cable or a switch port going down
// clears IFF_LOWER_UP. It never polls, and never changes any interface; it reports only
// the interfaces it watches, each change once. Single-threaded (the io_context's thread);
// the callback must not destroy the monitor. Acts in the network namespace of the thread
// that calls start().
//
// It never goes deaf silently (NetlinkEvents): when the kernel drops events (ENOBUFS) it
// reads every link again; when its socket fails it opens a new one and reads every link
// again, saying so in the log; and when it cannot (kRecoveriesMax failures in a row), it
// calls `failed`, after which it reports nothing: the owner must stop, since link changes
// would go unseen.
#pragma once

#include <asio.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "model/cluster_view.h"
#include "model/ids.h"
#include "sys/logger.h"
#include "sys/netlink_events.h"

struct nlmsghdr;

namespace tandem::sys {

class LinkMonitor {
 public:
  using Changed = std::function<void(InterfaceName interface, LinkState state)>;
  using Failed = std::function<void(const Error& error)>;

  // Socket failures in a row (without one good read between) before `failed` is called.
  static constexpr int kRecoveriesMax = NetlinkEvents::kRecoveriesMax;

  LinkMonitor(asio::io_context& context, std::vector<InterfaceName> watched, Changed changed, const Logger& log,
              Failed failed = nullptr);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  // Subscribes to link events, then learns the current states (reported by current_links,
  // not by the callback): from then on every change is reported. receive_buffer_bytes
  // sizes the socket's queue of unread events (0: the kernel's default); an overflow loses
  // events, which the monitor makes up for by reading every link again.
  Result<void> start(int receive_buffer_bytes = 0);

  // Every watched interface's state now, from one RTM_GETLINK dump; an interface that does
  // not exist is down.
  Result<std::map<InterfaceName, LinkState>> current_links() const;

 private:
  void on_link_message(const nlmsghdr& message);
  void update(const InterfaceName& interface, LinkState state);
  Result<void> resynchronise();

  std::vector<InterfaceName> watched_;
  Changed changed_;
  std::map<InterfaceName, LinkState> known_;  // last state reported, per watched interface
  NetlinkEvents events_;
};

}  // namespace tandem::sys
