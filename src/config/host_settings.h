// Host settings: the kernel settings (sysctls) that a node's public interfaces need when
// two of them sit on one network, and what is wrong with a host's values.
//
// Pure: it is given the values (read by the daemon from /proc/sys) and answers which ones
// to change, to what, and why; it never reads or writes a file. The reasons for each
// setting, and what breaks without it, are in docs/design/network-paths.md.
//
// For every interface that public_addresses names, with an IPv4 address allowed on it:
//   net/ipv4/conf/IFACE/arp_ignore                   1  (1 or 2 accepted)
//   net/ipv4/conf/IFACE/arp_announce                 2
//   net/ipv4/conf/IFACE/ignore_routes_with_linkdown  1
//   net/ipv4/conf/IFACE/rp_filter                    2  (0 or 2 accepted: never 1, strict)
// and with an IPv6 address allowed on it:
//   net/ipv6/conf/IFACE/ignore_routes_with_linkdown  1
//
// How the kernel combines an interface's value with `all` decides what is wrong: it uses the
// larger of the two for arp_ignore, arp_announce and rp_filter, either one for IPv4's
// ignore_routes_with_linkdown, and the interface's alone for IPv6's. Only interface values
// are ever changed, since `all` is every other interface's too. Where `all` alone makes the
// effective value wrong (arp_ignore above 2), no interface value can fix it: that is a
// problem reported, not a change.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/public_address.h"

namespace tandem::config {

// Values read from /proc/sys, by path relative to it ("net/ipv4/conf/eth1/arp_ignore").
// The slash form is used throughout, since interface names may contain dots (eth1.100).
using SysctlValues = std::map<std::string, int>;

// One value to write: at `path`, `from` (what the host has) to `to`.
struct SysctlChange {
  std::string path;
  int from = 0;
  int to = 0;
  std::string why;  // one line, for the log: what the setting is for

  friend bool operator==(const SysctlChange&, const SysctlChange&) = default;
};

struct HostSettingsCheck {
  // The interface values to change, sorted by path. When the daemon does not manage the
  // host's settings, each is a warning: the value is wrong.
  std::vector<SysctlChange> changes;
  // What no interface value can fix, one line each naming the path and the remedy.
  std::vector<std::string> problems;

  friend bool operator==(const HostSettingsCheck&, const HostSettingsCheck&) = default;
};

// Every path whose value check_host_settings() needs for `addresses`: the interfaces' and
// the `all` ones they combine with; sorted, without repeats.
std::vector<std::string> host_setting_paths(const AddressList& addresses);

// The interface values of host_setting_paths() that check_host_settings() may change: the
// ones tandemd may write (and so restore).
std::set<std::string> wanted_interface_paths(const AddressList& addresses);

// What to change so that every public interface is as described above. A setting with a
// value missing from `values` (it could not be read; the reader says why) is left out.
HostSettingsCheck check_host_settings(const AddressList& addresses, const SysctlValues& values);

// Whether `path` is one that check_host_settings() may change: net/ipv{4,6}/conf/IFACE/NAME
// with a setting's NAME and a valid interface name (not `all` or `default`).
bool is_host_setting_path(std::string_view path);

}  // namespace tandem::config
