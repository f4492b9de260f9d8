// NetlinkNetOps: io::NetOps on Linux — public addresses through route netlink, and their
// announcements (gratuitous ARP, unsolicited neighbour advertisements).
//
// add/remove/list are synchronous netlink exchanges (the kernel answers at once, bounded by
// kNetlinkReplyTimeout). announce() sends the first announcement at once and repeats it on
// the io_context. It must never touch an address or interface other than the ones it is
// asked about, and list_addresses() never reports interfaces outside `public_interfaces`.
// Single-threaded: every call and timer runs on the io_context's thread; the network
// namespace it acts on is the one of the thread that calls it.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "io/interfaces.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "sys/logger.h"

namespace tandem::sys {

// How often and how far apart an announcement is sent. A client ignores a second update of
// one neighbour entry within its locktime (1 s by default, lab/README.md), and a single frame
// may be lost: three sends 250 ms apart reach a client that missed or ignored the first
// and still finish within about half a second.
inline constexpr int kAnnounceCount = 3;
inline constexpr std::chrono::milliseconds kAnnounceSpacing{250};

struct AnnounceSchedule {
  int count = kAnnounceCount;                          // sends in all, the first at once
  std::chrono::milliseconds spacing = kAnnounceSpacing;
};

class NetlinkNetOps final : public io::NetOps {
 public:

  NetlinkNetOps(asio::io_context& context, std::vector<InterfaceName> public_interfaces, Logger log,
                AnnounceSchedule schedule = {});
  // Cancels pending repetitions of announcements.
  ~NetlinkNetOps() override;
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
  // with the override flag. Sent schedule.count times; failures are logged. A repetition
  // still due when the address is announced again (it moved to another interface) or
  // removed is dropped: it would send clients back to the interface it left.
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
  void send_announcement(const IpAddress& address, const InterfaceName& interface);
  void schedule_announcement(const IpAddress& address, const InterfaceName& interface,
                             int remaining, std::uint64_t generation);

  asio::io_context& context_;
  std::vector<InterfaceName> public_interfaces_;
  Logger log_;
  AnnounceSchedule schedule_;
  // Timers of announcements still to be repeated; handlers hold a weak_ptr to alive_ and do
  // nothing once this object is gone.
  std::vector<std::shared_ptr<asio::steady_timer>> timers_;
  // Per address, the generation of its latest announce() or removal; a repetition of an
  // older generation is not sent. One entry per public IP ever announced here.
  std::map<IpAddress, std::uint64_t> announcement_generation_;
  // Opened at the first IPv4 announcement and kept: see open_packet_socket().
  UniqueFd packet_socket_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
