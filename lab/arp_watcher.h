// ArpWatcher: who answers ARP for each public IP, seen from the client, round by round.
//
// The TCP prober (prober.h) says which node serves an IP; it cannot see two nodes both
// claiming it, since the client's neighbour cache picks one. The watcher asks the link
// itself: every `interval` it broadcasts one ARP request per IPv4 address (a round) and
// records every reply, so that a test can check that no IP is ever answered by two nodes
// in the same round (a split brain on the wire), e.g. during a partition.
//
// How it asks, so that it changes nothing it measures:
//  - Requests are ARP probes (sender IP 0.0.0.0, RFC 5227): Linux answers them but never
//    adds or updates a neighbour entry for them on the nodes.
//  - The sender hardware address of round r is a locally administered tag MAC
//    (kTagMacPrefix + r's low 16 bits). Replies go to that MAC, so each reply names its
//    round, however late it comes; the client's own kernel drops them (not its MAC), so
//    they never touch the client's neighbour cache that the prober goes through. The
//    socket puts the interface in promiscuous mode (released when it closes) to see them.
//  - Gratuitous ARPs (sender IP = target IP) seen on the way are kept as announcements.
//
// Each reply is credited to an owner: the node whose interface has the replying MAC
// (`owners`, e.g. from node_owners(status)); an unknown MAC is its own owner. Two MACs of
// one node (a move between its interfaces) are no conflict; two owners are.
//
// Thread-safe: the watcher's thread records, any thread asks. Memory is bounded: rounds
// beyond kRoundsKept are forgotten (a reply to one is dropped), conflicts and
// announcements beyond kEventsMax are dropped and counted.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "lab/lab_status.h"
#include "model/ip_address.h"

namespace tandem::lab {

using MacBytes = std::array<std::uint8_t, 6>;

// "02:74:64:00:12:34", lower case, as `ip -j` prints MACs.
std::string mac_text(const MacBytes& mac);

// Tag MACs are 02:74:64:6d:HH:LL ("tdm", locally administered, unicast).
inline constexpr std::array<std::uint8_t, 4> kTagMacPrefix{0x02, 0x74, 0x64, 0x6d};
MacBytes tag_mac(std::uint64_t round);
// The round tag (low 16 bits) that `mac` carries, if it is a tag MAC.
std::optional<std::uint16_t> tag_of(const MacBytes& mac);

// An ARP packet for IPv4 over Ethernet, as on the wire after the Ethernet header.
struct ArpPacket {
  bool is_reply = false;  // ARP operation 2; else a request (1)
  MacBytes sender_mac{};
  IpAddress sender_ip;
  MacBytes target_mac{};
  IpAddress target_ip;
  friend bool operator==(const ArpPacket&, const ArpPacket&) = default;
};

// A whole Ethernet frame: broadcast from `source` (the interface's own MAC), an ARP probe
// for `address` whose sender hardware address is `tag`.
std::vector<std::uint8_t> arp_probe_frame(const MacBytes& source, const MacBytes& tag, const IpAddress& address);
// The ARP packet in an Ethernet frame; nullopt when it is not IPv4-over-Ethernet ARP.
std::optional<ArpPacket> parse_arp_frame(const std::uint8_t* frame, std::size_t size);

struct ArpConflict {
  IpAddress address;
  std::uint64_t round = 0;
  std::int64_t t_ms = 0;         // the reply that made it a conflict
  std::set<std::string> owners;  // who answered in that round (two or more)
  std::set<std::string> macs;
};

struct ArpAnnouncement {
  IpAddress address;
  std::string owner;
  std::string mac;
  std::int64_t t_ms = 0;
};

// The watcher's bookkeeping, pure (no socket, no clock): rounds, replies, conflicts.
class ArpLedger {
 public:
  static constexpr std::uint64_t kRoundsKept = 4096;  // about 80 s at 20 ms
  static constexpr std::size_t kEventsMax = 100000;

  explicit ArpLedger(std::map<std::string, std::string> owners) : owners_(std::move(owners)) {}

  // Round `round` (one more than the last) was sent at `t_ms`.
  void start_round(std::uint64_t round, std::int64_t t_ms);
  // A probe reply carrying round tag `tag`: `address` is at `mac`.
  void record_reply(std::uint16_t tag, const IpAddress& address, const MacBytes& mac, std::int64_t t_ms);
  void record_announcement(const IpAddress& address, const MacBytes& mac, std::int64_t t_ms);

  std::string owner_of(const std::string& mac) const;
  std::uint64_t rounds() const { return round_count_; }
  std::uint64_t replies() const { return reply_count_; }
  std::uint64_t dropped() const { return dropped_; }  // late replies and events over the limit
  const std::vector<ArpConflict>& conflicts() const { return conflicts_; }
  const std::vector<ArpAnnouncement>& announcements() const { return announcements_; }
  // Who answered `address` in `round` (empty: nobody, or the round is forgotten).
  std::set<std::string> owners_in(std::uint64_t round, const IpAddress& address) const;
  // The latest round with a reply for `address`, if any is kept.
  std::optional<std::uint64_t> last_answered(const IpAddress& address) const;
  // Whether `owner` answered `address` in a kept round that started from `from_ms` to
  // `to_ms`: e.g. whether a node that announced an address held it then.
  bool answered_between(const IpAddress& address, const std::string& owner, std::int64_t from_ms,
                        std::int64_t to_ms) const;

 private:
  struct Answers {
    std::set<std::string> owners;
    std::set<std::string> macs;
    bool is_conflict = false;
  };

  std::map<std::string, std::string> owners_;  // MAC text -> owner
  std::uint64_t round_count_ = 0;              // rounds started; the current is count - 1
  std::uint64_t reply_count_ = 0;
  std::uint64_t dropped_ = 0;
  std::map<std::uint64_t, std::map<IpAddress, Answers>> rounds_;  // the last kRoundsKept
  std::map<std::uint64_t, std::int64_t> started_ms_;              // when each of them started
  std::map<IpAddress, std::uint64_t> last_answered_;
  std::vector<ArpConflict> conflicts_;
  std::vector<ArpAnnouncement> announcements_;
};

// MAC -> node name for every interface of every node in `status` (its public and private
// interfaces alike).
std::map<std::string, std::string> node_owners(const LabStatus& status);

struct ArpWatchOptions {
  std::string interface = "eth0";  // the client's interface on the public switches
  std::chrono::milliseconds interval{20};
  std::map<std::string, std::string> owners;  // MAC text -> owner (node_owners())
};

class ArpWatcher {
 public:
  // Starts watching on a thread that first enters `netns` (the client's). Only the IPv4
  // addresses of `addresses` are asked for. An error if the thread cannot enter the
  // namespace or open its socket.
  static Result<std::unique_ptr<ArpWatcher>> start(const std::string& netns, std::vector<IpAddress> addresses,
                                                   ArpWatchOptions options);
  ~ArpWatcher();
  ArpWatcher(const ArpWatcher&) = delete;
  ArpWatcher& operator=(const ArpWatcher&) = delete;

  // Copies of the ledger's findings so far.
  std::vector<ArpConflict> conflicts() const;
  std::vector<ArpAnnouncement> announcements() const;
  std::uint64_t rounds() const;
  std::uint64_t replies() const;
  // Who answered `address` in the latest round that has had time to be answered (the one
  // before the current), e.g. to see where an IP is on the wire.
  std::set<std::string> owners_now(const IpAddress& address) const;
  // Who answered `address` in `round` (ArpLedger::owners_in), e.g. to compare the IPs of
  // one group round by round.
  std::set<std::string> owners_in(std::uint64_t round, const IpAddress& address) const;
  // ArpLedger::answered_between().
  bool answered_between(const IpAddress& address, const std::string& owner, std::int64_t from_ms,
                        std::int64_t to_ms) const;
  // Why the thread stopped early (a socket error), if it did.
  std::optional<Error> failure() const;

 private:
  ArpWatcher(std::vector<IpAddress> addresses, ArpWatchOptions options)
      : addresses_(std::move(addresses)), options_(std::move(options)), ledger_(options_.owners) {}

  Result<void> run(int fd, const MacBytes& source);
  Result<void> send_round(int fd, const MacBytes& source);
  void receive(int fd);

  std::vector<IpAddress> addresses_;
  ArpWatchOptions options_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  ArpLedger ledger_;
  std::optional<Error> failure_;
  std::thread thread_;
};

}  // namespace tandem::lab
