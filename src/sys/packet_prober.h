// PacketProber: sends the reachability probes the node machine decides on
// (cluster::SendProbe, src/cluster/reachability.h) and reports the answers.
//
// IPv4: an ARP request for the target, broadcast out of the interface from its hardware
// address with sender protocol address 0.0.0.0 (RFC 5227's probe form, as Linux bonding's
// arp_validate-less arp_ip_target: the interface needs no IPv4 address of its own, and the
// target's neighbour table is left alone); the target's ARP reply comes back to that
// address. IPv6: a neighbour solicitation to the target's solicited-node multicast group,
// from the interface's link-local address (the kernel picks it), answered by a neighbour
// advertisement. Each interface has its own sockets, bound to it, so an answer counts only
// on the interface it was heard on; they are opened at the first probe and reopened after
// a failure. It never changes any kernel state. Single-threaded (the io_context's thread);
// the callback is called from the io_context, never from inside probe().
#pragma once

#include <asio.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <set>
#include <vector>

#include "base/result.h"
#include "io/interfaces.h"
#include "sys/announcement.h"
#include "sys/logger.h"

namespace tandem::sys {

// The ARP request (without Ethernet header) asking who has `target`, from `mac` with
// sender protocol address 0.0.0.0.
std::vector<std::uint8_t> arp_probe_packet(const MacAddress& mac, const IpAddress& target);
// The ICMPv6 neighbour solicitation for `target` (checksum left 0: the kernel fills it in),
// with `mac` as its source link-layer address option.
std::vector<std::uint8_t> neighbour_solicitation_packet(const MacAddress& mac, const IpAddress& target);
// Who answered, if `packet` is an ARP reply (IPv4 over Ethernet): its sender protocol address.
std::optional<IpAddress> arp_reply_sender(std::span<const std::uint8_t> packet);
// Who answered, if `packet` is an ICMPv6 neighbour advertisement: its target address.
std::optional<IpAddress> neighbour_advertisement_target(std::span<const std::uint8_t> packet);

class PacketProber final : public io::Prober {
 public:
  using Answered = std::function<void(const InterfaceName& interface, const IpAddress& target)>;

  PacketProber(asio::io_context& context, Answered answered, const Logger& log);
  ~PacketProber() override;
  PacketProber(const PacketProber&) = delete;
  PacketProber& operator=(const PacketProber&) = delete;

  void probe(const InterfaceName& interface, const IpAddress& target) override;

 private:
  struct Listener;  // one socket bound to one interface, for one family, and its reads

  Result<void> send(const InterfaceName& interface, const IpAddress& target);
  Result<Listener*> listener(const InterfaceName& interface, bool is_v4);
  void read_next(Listener& listener);
  void on_readable(Listener& listener);

  asio::io_context& context_;
  Answered answered_;
  Logger log_;
  std::map<std::pair<InterfaceName, bool>, std::unique_ptr<Listener>> listeners_;  // (interface, is_v4)
  std::map<InterfaceName, std::set<IpAddress>> asked_;                             // the targets probed per interface
  std::set<InterfaceName> failing_;                                                // whose last probe could not be sent
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tandem::sys
