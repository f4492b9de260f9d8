// NetlinkNetOps: io::NetOps on Linux — public addresses through route netlink, and their
// announcements (gratuitous ARP, unsolicited neighbour advertisements).
//
// add/remove/list are synchronous netlink exchanges (the kernel answers at once, bounded by
// kNetlinkReplyTimeout). announce() sends ONE announcement: when to repeat it, and when to
// stop, is the node machine's decision (src/cluster/announcement_schedule.h), so a released
// or moved address is never announced from here again. It must never touch an address or
// interface other than the ones it is asked about, and list_addresses() never reports
// interfaces outside `public_interfaces`. Single-threaded; the network namespace it acts on
// is the one of the thread that calls it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "io/interfaces.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "sys/logger.h"

namespace tandem::sys {

class NetlinkNetOps final : public io::NetOps {
 public:
  NetlinkNetOps(std::vector<InterfaceName> public_interfaces, const Logger& log);
  NetlinkNetOps(const NetlinkNetOps&) = delete;
  NetlinkNetOps& operator=(const NetlinkNetOps&) = delete;

  // Adding an address the interface already has succeeds. IPv6 addresses are added without
  // duplicate address detection (IFA_F_NODAD): a public IP moves from a node that may still
  // answer for it for a moment, and DAD would then leave it unusable ("dadfailed"); it
  // would also delay its use by a second. Before an IPv4 add it sets the interface's
  // promote_secondaries (see netlink_net_ops.cc), so that removing one public IP never
  // takes the others of its subnet with it.
  Result<void> add_address(const IpPrefix& prefix, const InterfaceName& interface) override;
  // Removing an address the interface does not have, or from an interface that does not
  // exist, succeeds: either way the interface does not hold it.
  Result<void> remove_address(const IpPrefix& prefix, const InterfaceName& interface) override;
  // IPv4: a gratuitous ARP request and reply; IPv6: an unsolicited neighbour advertisement
  // with the override flag. Sent once; failures are logged.
  void announce(const IpAddress& address, const InterfaceName& interface) override;
  // Addresses on the public interfaces, except IPv6 link-local ones (the kernel's own, never
  // a public IP). An interface that does not exist has none; a failure is logged and gives
  // an empty list.
  std::vector<proto::HeldAddress> list_addresses() override;
  // The same, with a failure as an Error (the address watch must not take "could not
  // read" for "the kernel holds nothing").
  Result<std::vector<proto::HeldAddress>> read_addresses() const;

 private:
  Result<void> change_address(bool is_add, const IpPrefix& prefix, const InterfaceName& interface);

  std::vector<InterfaceName> public_interfaces_;
  Logger log_;
  // Opened at the first IPv4 announcement and kept: see open_packet_socket().
  UniqueFd packet_socket_;
};

}  // namespace tandem::sys
