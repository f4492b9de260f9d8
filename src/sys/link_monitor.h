// LinkMonitor: the carrier state of the node's public interfaces, as the kernel pushes it.
//
// Subscribes to RTNLGRP_LINK on a netlink socket read by the io_context, and calls back
// when a watched interface goes up or down. Up means administratively up and with carrier
// (IFF_UP and IFF_LOWER_UP or IFF_RUNNING): a pulled cable or a switch port going down
// clears IFF_LOWER_UP. It never polls, and never changes any interface; it reports only
// the interfaces it watches, each change once. Single-threaded (the io_context's thread);
// the callback must not destroy the monitor. Acts in the network namespace of the thread
// that calls start().
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

struct nlmsghdr;

namespace tandem::sys {

class LinkMonitor {
 public:
  using Changed = std::function<void(InterfaceName interface, LinkState state)>;
  using Log = std::function<void(const std::string& line)>;

  LinkMonitor(asio::io_context& context, std::vector<InterfaceName> watched, Changed changed,
              Log log);
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  // Subscribes to link events, then learns the current states (reported by current_links,
  // not by the callback): from then on every change is reported.
  Result<void> start();

  // Every watched interface's state now, from one RTM_GETLINK dump; an interface that does
  // not exist is down.
  Result<std::map<InterfaceName, LinkState>> current_links() const;

 private:
  void read_next();
  void on_readable();
  void on_link_message(const nlmsghdr& message);
  void update(const InterfaceName& interface, LinkState state);
  void resynchronise();
  void log(const std::string& line) const;

  std::vector<InterfaceName> watched_;
  Changed changed_;
  Log log_;
  asio::posix::stream_descriptor descriptor_;
  std::map<InterfaceName, LinkState> known_;  // last state reported, per watched interface
  // Handlers hold a weak_ptr to this and do nothing once the monitor is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
