#include "lab/arp_watcher.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "base/unique_fd.h"
#include "lab/netns.h"

namespace tandem::lab {
namespace {

constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kArpSize = 28;  // IPv4 over Ethernet
constexpr std::size_t kFrameMax = 2048;

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

std::uint16_t get_u16(const std::uint8_t* at) { return static_cast<std::uint16_t>(at[0] << 8 | at[1]); }

MacBytes get_mac(const std::uint8_t* at) {
  MacBytes mac{};
  std::memcpy(mac.data(), at, mac.size());
  return mac;
}

IpAddress get_ipv4(const std::uint8_t* at) {
  return IpAddress::v4(static_cast<std::uint32_t>(at[0]) << 24 | static_cast<std::uint32_t>(at[1]) << 16 |
                       static_cast<std::uint32_t>(at[2]) << 8 | at[3]);
}

Failure socket_failure(const std::string& interface, const std::string& what) {
  return fail("ARP watcher on " + interface, what + ": " + std::strerror(errno));
}

// An AF_PACKET socket for ARP on `interface`, promiscuous (tag MACs are not ours).
Result<UniqueFd> open_arp_socket(const std::string& interface, MacBytes& mac) {
  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP)));
  if (!fd.is_valid()) return socket_failure(interface, "cannot open a packet socket");
  const unsigned index = ::if_nametoindex(interface.c_str());
  if (index == 0) return socket_failure(interface, "no such interface");
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_ARP);
  address.sll_ifindex = static_cast<int>(index);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return socket_failure(interface, "cannot bind");
  }
  packet_mreq promiscuous{};
  promiscuous.mr_ifindex = static_cast<int>(index);
  promiscuous.mr_type = PACKET_MR_PROMISC;
  if (::setsockopt(fd.get(), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promiscuous, sizeof promiscuous) != 0) {
    return socket_failure(interface, "cannot enter promiscuous mode");
  }
  ifreq request{};
  std::strncpy(request.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &request) != 0) return socket_failure(interface, "cannot read its MAC");
  std::memcpy(mac.data(), request.ifr_hwaddr.sa_data, mac.size());
  return fd;
}

}  // namespace

std::string mac_text(const MacBytes& mac) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    if (i > 0) text += ':';
    text += kDigits[mac[i] >> 4];
    text += kDigits[mac[i] & 0xf];
  }
  return text;
}

MacBytes tag_mac(std::uint64_t round) {
  return {kTagMacPrefix[0],
          kTagMacPrefix[1],
          kTagMacPrefix[2],
          kTagMacPrefix[3],
          static_cast<std::uint8_t>(round >> 8 & 0xff),
          static_cast<std::uint8_t>(round & 0xff)};
}

std::optional<std::uint16_t> tag_of(const MacBytes& mac) {
  if (!std::equal(kTagMacPrefix.begin(), kTagMacPrefix.end(), mac.begin())) return std::nullopt;
  return static_cast<std::uint16_t>(mac[4] << 8 | mac[5]);
}

std::vector<std::uint8_t> arp_probe_frame(const MacBytes& source, const MacBytes& tag, const IpAddress& address) {
  std::vector<std::uint8_t> frame(6, 0xff);  // broadcast
  frame.insert(frame.end(), source.begin(), source.end());
  put_u16(frame, ETH_P_ARP);
  put_u16(frame, ARPHRD_ETHER);
  put_u16(frame, ETH_P_IP);
  frame.push_back(6);
  frame.push_back(4);
  put_u16(frame, ARPOP_REQUEST);
  frame.insert(frame.end(), tag.begin(), tag.end());  // sender MAC: where the reply goes
  frame.insert(frame.end(), 4, 0);                    // sender IP 0.0.0.0: an ARP probe
  frame.insert(frame.end(), 6, 0);                    // target MAC: unknown
  frame.insert(frame.end(), address.bytes().begin(), address.bytes().begin() + 4);
  return frame;
}

std::optional<ArpPacket> parse_arp_frame(const std::uint8_t* frame, std::size_t size) {
  if (size < kEthernetHeader + kArpSize || get_u16(frame + 12) != ETH_P_ARP) return std::nullopt;
  const std::uint8_t* arp = frame + kEthernetHeader;
  if (get_u16(arp) != ARPHRD_ETHER || get_u16(arp + 2) != ETH_P_IP || arp[4] != 6 || arp[5] != 4) return std::nullopt;
  const std::uint16_t operation = get_u16(arp + 6);
  if (operation != ARPOP_REQUEST && operation != ARPOP_REPLY) return std::nullopt;
  return ArpPacket{.is_reply = operation == ARPOP_REPLY,
                   .sender_mac = get_mac(arp + 8),
                   .sender_ip = get_ipv4(arp + 14),
                   .target_mac = get_mac(arp + 18),
                   .target_ip = get_ipv4(arp + 24)};
}

void ArpLedger::start_round(std::uint64_t round, std::int64_t t_ms) {
  round_count_ = round + 1;
  rounds_.emplace(round, std::map<IpAddress, Answers>{});
  started_ms_.emplace(round, t_ms);
  while (rounds_.size() > kRoundsKept) rounds_.erase(rounds_.begin());
  while (started_ms_.size() > kRoundsKept) started_ms_.erase(started_ms_.begin());
}

std::string ArpLedger::owner_of(const std::string& mac) const {
  auto found = owners_.find(mac);
  return found == owners_.end() ? mac : found->second;
}

void ArpLedger::record_reply(std::uint16_t tag, const IpAddress& address, const MacBytes& mac, std::int64_t t_ms) {
  if (round_count_ == 0) {
    ++dropped_;
    return;
  }
  const std::uint64_t current = round_count_ - 1;
  // The latest round with this tag: replies come within milliseconds, tags repeat after
  // 65536 rounds (over 20 minutes at 20 ms).
  const std::uint64_t back = static_cast<std::uint16_t>(static_cast<std::uint16_t>(current) - tag);
  auto round = back > current ? rounds_.end() : rounds_.find(current - back);
  if (round == rounds_.end()) {
    ++dropped_;
    return;
  }
  ++reply_count_;
  const std::string text = mac_text(mac);
  Answers& answers = round->second[address];
  answers.owners.insert(owner_of(text));
  answers.macs.insert(text);
  auto& last = last_answered_[address];
  last = std::max(last, round->first);
  if (answers.owners.size() < 2) return;
  if (!answers.is_conflict) {
    if (conflicts_.size() >= kEventsMax) {
      ++dropped_;
      return;
    }
    answers.is_conflict = true;
    conflicts_.push_back(ArpConflict{address, round->first, t_ms, answers.owners, answers.macs});
    return;
  }
  for (auto& conflict : conflicts_) {  // a third owner in the same round: rare, keep it whole
    if (conflict.round == round->first && conflict.address == address) {
      conflict.owners = answers.owners;
      conflict.macs = answers.macs;
    }
  }
}

void ArpLedger::record_announcement(const IpAddress& address, const MacBytes& mac, std::int64_t t_ms) {
  if (announcements_.size() >= kEventsMax) {
    ++dropped_;
    return;
  }
  const std::string text = mac_text(mac);
  announcements_.push_back(ArpAnnouncement{address, owner_of(text), text, t_ms});
}

std::set<std::string> ArpLedger::owners_in(std::uint64_t round, const IpAddress& address) const {
  auto found = rounds_.find(round);
  if (found == rounds_.end()) return {};
  auto answers = found->second.find(address);
  return answers == found->second.end() ? std::set<std::string>{} : answers->second.owners;
}

std::optional<std::uint64_t> ArpLedger::last_answered(const IpAddress& address) const {
  auto found = last_answered_.find(address);
  if (found == last_answered_.end()) return std::nullopt;
  return found->second;
}

bool ArpLedger::answered_between(const IpAddress& address, const std::string& owner, std::int64_t from_ms,
                                 std::int64_t to_ms) const {
  for (const auto& [round, started] : started_ms_) {
    if (started < from_ms || started > to_ms) continue;
    if (owners_in(round, address).contains(owner)) return true;
  }
  return false;
}

std::map<std::string, std::string> node_owners(const LabStatus& status) {
  std::map<std::string, std::string> owners;
  for (const auto& node : status.nodes) {
    for (const auto& interface : node.interfaces) {
      if (!interface.mac.empty()) owners[interface.mac] = node.name;
    }
  }
  return owners;
}

Result<std::unique_ptr<ArpWatcher>> ArpWatcher::start(const std::string& netns, std::vector<IpAddress> addresses,
                                                      ArpWatchOptions options) {
  std::erase_if(addresses, [](const IpAddress& address) { return !address.is_v4(); });
  std::unique_ptr<ArpWatcher> watcher(new ArpWatcher(std::move(addresses), std::move(options)));
  auto opened = std::make_shared<std::promise<Result<void>>>();
  auto opened_future = opened->get_future();
  ArpWatcher* self = watcher.get();
  watcher->thread_ = std::thread([self, netns, opened] {
    MacBytes source{};
    Result<UniqueFd> fd = fail("ARP watcher", "not started");
    if (auto inside = enter_netns(netns); !inside) {
      opened->set_value(inside);
      return;
    }
    fd = open_arp_socket(self->options_.interface, source);
    opened->set_value(fd ? success() : Result<void>(fail(fd.error())));
    if (!fd) return;
    if (auto ran = self->run(fd->get(), source); !ran) {
      std::lock_guard lock(self->mutex_);
      self->failure_ = ran.error();
    }
  });
  auto started = opened_future.get();
  if (!started) return fail(started.error());
  return watcher;
}

ArpWatcher::~ArpWatcher() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Result<void> ArpWatcher::run(int fd, const MacBytes& source) {
  std::int64_t next_round_ms = monotonic_ms();
  while (!stop_) {
    std::int64_t now = monotonic_ms();
    if (now >= next_round_ms) {
      if (auto sent = send_round(fd, source); !sent) return sent;
      next_round_ms = std::max(next_round_ms + options_.interval.count(), now + 1);
    }
    pollfd readable{fd, POLLIN, 0};
    const int wait_ms = static_cast<int>(std::max<std::int64_t>(0, next_round_ms - monotonic_ms()));
    if (::poll(&readable, 1, wait_ms) < 0 && errno != EINTR) {
      return socket_failure(options_.interface, "cannot poll");
    }
    if (readable.revents & POLLIN) receive(fd);
  }
  return success();
}

Result<void> ArpWatcher::send_round(int fd, const MacBytes& source) {
  std::uint64_t round = 0;
  {
    std::lock_guard lock(mutex_);
    round = ledger_.rounds();
    ledger_.start_round(round, monotonic_ms());
  }
  const MacBytes tag = tag_mac(round);
  for (const auto& address : addresses_) {
    auto frame = arp_probe_frame(source, tag, address);
    if (::send(fd, frame.data(), frame.size(), 0) < 0 && errno != EAGAIN && errno != ENOBUFS) {
      return socket_failure(options_.interface, "cannot send");
    }
  }
  return success();
}

void ArpWatcher::receive(int fd) {
  std::array<std::uint8_t, kFrameMax> frame{};
  for (;;) {
    sockaddr_ll from{};
    socklen_t from_size = sizeof from;
    const ssize_t size = ::recvfrom(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_size);
    if (size < 0) return;  // EAGAIN: all read
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    auto packet = parse_arp_frame(frame.data(), static_cast<std::size_t>(size));
    if (!packet) continue;
    const std::int64_t now = monotonic_ms();
    std::lock_guard lock(mutex_);
    if (auto tag = tag_of(packet->target_mac); packet->is_reply && tag) {
      ledger_.record_reply(*tag, packet->sender_ip, packet->sender_mac, now);
    } else if (packet->sender_ip == packet->target_ip && packet->sender_ip != IpAddress::v4(0)) {
      ledger_.record_announcement(packet->sender_ip, packet->sender_mac, now);
    }
  }
}

std::vector<ArpConflict> ArpWatcher::conflicts() const {
  std::lock_guard lock(mutex_);
  return ledger_.conflicts();
}

std::vector<ArpAnnouncement> ArpWatcher::announcements() const {
  std::lock_guard lock(mutex_);
  return ledger_.announcements();
}

std::uint64_t ArpWatcher::rounds() const {
  std::lock_guard lock(mutex_);
  return ledger_.rounds();
}

std::uint64_t ArpWatcher::replies() const {
  std::lock_guard lock(mutex_);
  return ledger_.replies();
}

std::set<std::string> ArpWatcher::owners_now(const IpAddress& address) const {
  std::lock_guard lock(mutex_);
  if (ledger_.rounds() < 2) return {};
  return ledger_.owners_in(ledger_.rounds() - 2, address);
}

std::set<std::string> ArpWatcher::owners_in(std::uint64_t round, const IpAddress& address) const {
  std::lock_guard lock(mutex_);
  return ledger_.owners_in(round, address);
}

bool ArpWatcher::answered_between(const IpAddress& address, const std::string& owner, std::int64_t from_ms,
                                  std::int64_t to_ms) const {
  std::lock_guard lock(mutex_);
  return ledger_.answered_between(address, owner, from_ms, to_ms);
}

std::optional<Error> ArpWatcher::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

}  // namespace tandem::lab
