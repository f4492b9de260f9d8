#include "config/host_settings.h"

#include <algorithm>
#include <array>
#include <optional>

#include "config/interface_names.h"

namespace tandem::config {
namespace {

// How the kernel combines an interface's value with the one in conf/all.
enum class Combine {
  kMax,            // the larger one (IN_DEV_MAXCONF)
  kEither,         // set if either is (IN_DEV_ORCONF)
  kInterfaceOnly,  // IPv6: `all` is copied into every interface when written, never read
};

struct Rule {
  std::string_view family;  // "ipv4" or "ipv6"
  std::string_view name;
  Combine combine;
  int target;                   // what tandemd writes
  std::array<int, 2> accepted;  // effective values that are right (target among them)
  std::string_view why;
};

constexpr std::array<Rule, 5> kRules{{
    {"ipv4", "arp_ignore", Combine::kMax, 1, {1, 2}, "answer ARP only on the interface that holds the address"},
    {"ipv4", "arp_announce", Combine::kMax, 2, {2, 2}, "send ARP requests from an address of the outgoing interface"},
    {"ipv4",
     "ignore_routes_with_linkdown",
     Combine::kEither,
     1,
     {1, 1},
     "route nothing through an interface without carrier"},
    {"ipv4",
     "rp_filter",
     Combine::kMax,
     2,
     {0, 2},
     "loose reverse-path filter: accept a subnet's traffic on either interface"},
    {"ipv6",
     "ignore_routes_with_linkdown",
     Combine::kInterfaceOnly,
     1,
     {1, 1},
     "route nothing through an interface without carrier"},
}};

std::string path_of(const Rule& rule, std::string_view interface) {
  return "net/" + std::string(rule.family) + "/conf/" + std::string(interface) + "/" + std::string(rule.name);
}

int combined(const Rule& rule, int interface_value, int all_value) {
  switch (rule.combine) {
    case Combine::kMax:
      return std::max(interface_value, all_value);
    case Combine::kEither:
      return interface_value != 0 || all_value != 0 ? 1 : 0;
    case Combine::kInterfaceOnly:
      return interface_value;
  }
  return interface_value;
}

bool is_accepted(const Rule& rule, int effective) {
  return std::find(rule.accepted.begin(), rule.accepted.end(), effective) != rule.accepted.end();
}

std::string accepted_text(const Rule& rule) {
  if (rule.accepted[0] == rule.accepted[1]) return std::to_string(rule.accepted[0]);
  return std::to_string(rule.accepted[0]) + " or " + std::to_string(rule.accepted[1]);
}

// Interface -> whether an IPv4 / an IPv6 public address is allowed on it.
struct Families {
  bool has_v4 = false;
  bool has_v6 = false;
};

std::map<std::string, Families> interfaces_of(const AddressList& addresses) {
  std::map<std::string, Families> interfaces;
  for (const auto& address : addresses) {
    for (const auto& interface : address.interfaces) {
      Families& families = interfaces[interface.value()];
      (address.address().is_v4() ? families.has_v4 : families.has_v6) = true;
    }
  }
  return interfaces;
}

bool applies(const Rule& rule, const Families& families) {
  return rule.family == "ipv4" ? families.has_v4 : families.has_v6;
}

bool is_reserved(std::string_view interface) { return interface == "all" || interface == "default"; }

std::optional<int> value_at(const SysctlValues& values, const std::string& path) {
  auto found = values.find(path);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

// The change or problem for one rule on one interface, if its value is wrong.
void check_rule(const Rule& rule, const std::string& interface, const SysctlValues& values, HostSettingsCheck& check) {
  const std::string path = path_of(rule, interface);
  const std::string all_path = path_of(rule, "all");
  const auto own = value_at(values, path);
  const auto all = rule.combine == Combine::kInterfaceOnly ? std::optional<int>(0) : value_at(values, all_path);
  if (!own || !all) return;
  if (is_accepted(rule, combined(rule, *own, *all))) return;
  if (is_accepted(rule, combined(rule, rule.target, *all))) {
    check.changes.push_back({path, *own, rule.target, std::string(rule.why)});
    return;
  }
  check.problems.push_back(all_path + " is " + std::to_string(*all) + ", which overrides " + interface +
                           "'s value (the kernel uses the larger); it should be at most " +
                           std::to_string(rule.target) + " so that " + path + " can be " + accepted_text(rule) + " (" +
                           std::string(rule.why) + ")");
}

}  // namespace

std::vector<std::string> host_setting_paths(const AddressList& addresses) {
  std::set<std::string> paths;
  for (const auto& [interface, families] : interfaces_of(addresses)) {
    if (is_reserved(interface)) continue;
    for (const Rule& rule : kRules) {
      if (!applies(rule, families)) continue;
      paths.insert(path_of(rule, interface));
      if (rule.combine != Combine::kInterfaceOnly) paths.insert(path_of(rule, "all"));
    }
  }
  return {paths.begin(), paths.end()};
}

std::set<std::string> wanted_interface_paths(const AddressList& addresses) {
  std::set<std::string> paths;
  for (const auto& [interface, families] : interfaces_of(addresses)) {
    if (is_reserved(interface)) continue;
    for (const Rule& rule : kRules) {
      if (applies(rule, families)) paths.insert(path_of(rule, interface));
    }
  }
  return paths;
}

HostSettingsCheck check_host_settings(const AddressList& addresses, const SysctlValues& values) {
  HostSettingsCheck check;
  for (const auto& [interface, families] : interfaces_of(addresses)) {
    if (is_reserved(interface)) {
      std::string problem = "interface " + interface;
      problem += " cannot be set up: its name is also the kernel's name for a group of settings (net/ipv4/conf/";
      problem += interface;
      problem += ")";
      check.problems.push_back(std::move(problem));
      continue;
    }
    for (const Rule& rule : kRules) {
      if (applies(rule, families)) check_rule(rule, interface, values, check);
    }
  }
  std::sort(check.changes.begin(), check.changes.end(),
            [](const SysctlChange& a, const SysctlChange& b) { return a.path < b.path; });
  return check;
}

bool is_host_setting_path(std::string_view path) {
  for (const Rule& rule : kRules) {
    const std::string head = "net/" + std::string(rule.family) + "/conf/";
    const std::string tail = "/" + std::string(rule.name);
    if (path.size() <= head.size() + tail.size() || !path.starts_with(head) || !path.ends_with(tail)) continue;
    std::string_view interface = path.substr(head.size(), path.size() - head.size() - tail.size());
    if (!is_reserved(interface) && parse_interface_name(interface).ok()) return true;
  }
  return false;
}

}  // namespace tandem::config
