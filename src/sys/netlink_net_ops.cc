#include "sys/netlink_net_ops.h"

#include <fcntl.h>
#include <net/if.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <utility>

#include "base/unique_fd.h"
#include "sys/announcement.h"
#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

// A request message: header, ifaddrmsg and a few attributes fit easily.
constexpr std::size_t kRequestBufferSize = 512;

std::uint8_t family_of(const IpAddress& address) {
  return static_cast<std::uint8_t>(address.is_v4() ? AF_INET : AF_INET6);
}

std::uint16_t address_size(const IpAddress& address) { return address.is_v4() ? 4 : 16; }

struct AddressAttributes {
  const nlattr* local = nullptr;
  const nlattr* address = nullptr;
};

int on_address_attribute(const nlattr* attribute, void* data) {
  auto& found = *static_cast<AddressAttributes*>(data);
  if (mnl_attr_get_type(attribute) == IFA_LOCAL) found.local = attribute;
  if (mnl_attr_get_type(attribute) == IFA_ADDRESS) found.address = attribute;
  return MNL_CB_OK;
}

// The address of an RTM_NEWADDR message: IFA_LOCAL (IFA_ADDRESS is the peer's on a
// point-to-point link), or IFA_ADDRESS where there is no IFA_LOCAL (IPv6).
bool parse_address(const nlmsghdr& message, IpPrefix& prefix) {
  const auto* header = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&message));
  AddressAttributes found;
  if (mnl_attr_parse(&message, sizeof *header, on_address_attribute, &found) != MNL_CB_OK) return false;
  const nlattr* attribute = found.local != nullptr ? found.local : found.address;
  if (attribute == nullptr) return false;
  const auto* bytes = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attribute));
  std::size_t size = mnl_attr_get_payload_len(attribute);
  if (header->ifa_family == AF_INET && size == 4) {
    prefix.address = IpAddress::v4(std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
                                   std::uint32_t{bytes[2]} << 8 | std::uint32_t{bytes[3]});
  } else if (header->ifa_family == AF_INET6 && size == 16) {
    IpAddress::Bytes all{};
    std::memcpy(all.data(), bytes, 16);
    prefix.address = IpAddress::v6(all);
  } else {
    return false;
  }
  prefix.length = header->ifa_prefixlen;
  return true;
}

// Without promote_secondaries, removing an interface's first (primary) IPv4 address of a
// subnet makes the kernel remove every other address of that subnet with it: releasing one
// public IP would silently drop the others the node still hosts. CTDB sets it too. The
// setting (per interface, ORed with "all") lives in the network namespace of the caller.
Result<void> ensure_promote_secondaries(const InterfaceName& interface) {
  std::string path = "/proc/sys/net/ipv4/conf/" + interface.value() + "/promote_secondaries";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  char value = '0';
  if (!fd.is_valid() || ::read(fd.get(), &value, 1) != 1) {
    return fail("interface " + interface.value(), "cannot read " + path + ": " + error_text(errno));
  }
  if (value == '1') return success();
  if (::pwrite(fd.get(), "1\n", 2, 0) != 2) {
    return fail("interface " + interface.value(), "cannot set " + path +
                                                      " (needed so that removing one public IP keeps the "
                                                      "others of its subnet): " +
                                                      error_text(errno));
  }
  return success();
}

}  // namespace

NetlinkNetOps::NetlinkNetOps(std::vector<InterfaceName> public_interfaces, const Logger& log)
    : public_interfaces_(std::move(public_interfaces)), log_(log.prefixed("netlink: ")) {}

Result<void> NetlinkNetOps::add_address(const IpPrefix& prefix, const InterfaceName& interface) {
  return change_address(true, prefix, interface);
}

Result<void> NetlinkNetOps::remove_address(const IpPrefix& prefix, const InterfaceName& interface) {
  return change_address(false, prefix, interface);
}

Result<void> NetlinkNetOps::change_address(bool is_add, const IpPrefix& prefix, const InterfaceName& interface) {
  std::string place = "interface " + interface.value();
  std::string what = std::string(is_add ? "cannot add " : "cannot remove ") + prefix.to_string();
  unsigned index = ::if_nametoindex(interface.value().c_str());
  if (index == 0) {
    if (!is_add) return success();  // no interface: it holds no address
    return fail(place, what + ": no such interface (" + error_text(errno) + ")");
  }
  if (is_add && prefix.address.is_v4()) {
    auto promoting = ensure_promote_secondaries(interface);
    if (!promoting) return promoting;
  }
  alignas(nlmsghdr) char buffer[kRequestBufferSize];
  nlmsghdr* request = mnl_nlmsg_put_header(buffer);
  request->nlmsg_type = is_add ? RTM_NEWADDR : RTM_DELADDR;
  request->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (is_add) request->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  auto* header = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifaddrmsg)));
  header->ifa_family = family_of(prefix.address);
  header->ifa_prefixlen = static_cast<std::uint8_t>(prefix.length);
  header->ifa_scope = RT_SCOPE_UNIVERSE;
  header->ifa_index = index;
  if (!prefix.address.is_v4()) header->ifa_flags = IFA_F_NODAD;
  const void* bytes = prefix.address.bytes().data();
  mnl_attr_put(request, IFA_LOCAL, address_size(prefix.address), bytes);
  mnl_attr_put(request, IFA_ADDRESS, address_size(prefix.address), bytes);

  auto socket = NetlinkSocket::open(0, false);
  if (!socket) return fail(socket.error().within(place));
  auto answer = socket->exchange(*request, nullptr);
  if (!answer) return fail(answer.error().within(place));
  int error = *answer;
  if (error == 0) return success();
  if (is_add && error == EEXIST) return success();
  if (!is_add && error == EADDRNOTAVAIL) return success();
  return fail(place, what + ": " + error_text(error));
}

void NetlinkNetOps::announce(const IpAddress& address, const InterfaceName& interface) {
  if (address.is_v4()) {
    if (!packet_socket_.is_valid()) {
      auto opened = open_packet_socket();
      if (!opened) {
        log_.error(opened.error().message());
        return;
      }
      packet_socket_ = std::move(*opened);
    }
    for (ArpForm form : {ArpForm::kRequest, ArpForm::kReply}) {
      auto sent = send_gratuitous_arp(packet_socket_, form, address, interface);
      if (!sent) log_.warning(sent.error().message());
    }
  } else {
    auto sent = send_unsolicited_na(address, interface);
    if (!sent) log_.warning(sent.error().message());
  }
}

Result<std::vector<proto::HeldAddress>> NetlinkNetOps::read_addresses() const {
  std::map<unsigned, InterfaceName> by_index;
  for (const auto& interface : public_interfaces_) {
    unsigned index = ::if_nametoindex(interface.value().c_str());
    if (index != 0) by_index.emplace(index, interface);
  }
  std::vector<proto::HeldAddress> held;
  if (by_index.empty()) return held;

  auto on_message = [&](const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWADDR) return;
    const auto* address = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(&message));
    auto interface = by_index.find(address->ifa_index);
    if (interface == by_index.end()) return;
    if (address->ifa_family == AF_INET6 && address->ifa_scope == RT_SCOPE_LINK) return;
    IpPrefix prefix;
    if (parse_address(message, prefix)) held.push_back({prefix, interface->second});
  };
  if (auto listed = dump_table(RTM_GETADDR, sizeof(ifaddrmsg), "netlink", "addresses", on_message); !listed) {
    return fail(listed.error());
  }
  return held;
}

std::vector<proto::HeldAddress> NetlinkNetOps::list_addresses() {
  auto held = read_addresses();
  if (held) return std::move(*held);
  log_.error(held.error().cause);
  return {};
}

}  // namespace tandem::sys
