// The host settings tandemd owns (docs/design/network-paths.md), seen from the client: in a
// lab whose nodes start as stock hosts, each public IP is answered only by the MAC of the
// interface that holds it (ARP for IPv4, neighbour solicitation for IPv6), before and after
// a NIC failure; without the settings every NIC answers; a stopped or crashed daemon leaves
// the host's own values behind.
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "base/text.h"
#include "lab/arp_watcher.h"
#include "lab/command_runner.h"
#include "lab/lab_files.h"
#include "lab/process.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::FailoverClock;

// Enough ARP rounds (20 ms apart) to see a second NIC answer if one does.
constexpr std::uint64_t kRoundsWatched = 25;
constexpr milliseconds kNeighbourWait{400};  // ndisc6 collects answers this long

// The settings tandemd sets on a public interface (config/host_settings.h).
const std::vector<std::string> kInterfaceSettings{"arp_ignore", "arp_announce", "ignore_routes_with_linkdown"};

// The watcher here credits each reply to an interface ("n0 eth1"), not to a node.
class HostSettings : public WatchedLabTest {
 protected:
  // MAC -> "n0 eth1", for every interface of every node: answers name the interface.
  std::map<std::string, std::string> interface_owners() const {
    std::map<std::string, std::string> owners;
    auto status = lab().status();
    EXPECT_TRUE(status.ok());
    if (!status) return owners;
    for (const auto& node : status->nodes) {
      for (const auto& interface : node.interfaces) owners[interface.mac] = node.name + " " + interface.name;
    }
    return owners;
  }

  std::string mac_of(const std::string& node, const std::string& interface) const {
    for (const auto& [mac, owner] : interface_owners()) {
      if (owner == node + " " + interface) return mac;
    }
    ADD_FAILURE() << "no MAC for " << node << " " << interface;
    return "";
  }

  // "n0 eth1": where clients can reach `address` now, by the kernel; "" when nowhere.
  std::string holder_interface(const IpAddress& address) const {
    auto status = lab().status();
    if (!status) return "";
    for (const auto& ip : status->public_ips) {
      if (ip.address.prefix.address != address) continue;
      for (const auto& holder : ip.holders) {
        if (holder.has_carrier) return holder.node + " " + holder.interface;
      }
    }
    return "";
  }

  std::vector<IpAddress> public_ips(bool v4) const {
    std::vector<IpAddress> found;
    for (const auto& address : lab().public_ips()) {
      if (address.is_v4() == v4) found.push_back(address);
    }
    return found;
  }

  void start_arp_watcher() {
    lab::ArpWatchOptions options;
    options.owners = interface_owners();
    auto watcher = lab::ArpWatcher::start(plan().client_netns, public_ips(true), options);
    ASSERT_TRUE(watcher.ok()) << watcher.error().message();
    watcher_ = std::move(*watcher);
  }

  // Every IPv4 public IP is answered by its holder's interface, and in no round of the
  // next kRoundsWatched (and none before) did a second interface answer.
  void expect_arp_answered_only_by_holders() {
    for (const auto& address : public_ips(true)) {
      EXPECT_TRUE(
          wait_until(kInterfaceMoveLimit,
                     [&] { return watcher_->owners_now(address) == std::set<std::string>{holder_interface(address)}; }))
          << address << " is held on " << holder_interface(address) << ", answered by " << owners_text(address);
    }
    const std::uint64_t until = watcher_->rounds() + kRoundsWatched;
    ASSERT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return watcher_->rounds() >= until; }));
    for (const auto& conflict : watcher_->conflicts()) {
      std::string owners;
      for (const auto& owner : conflict.owners) owners += "[" + owner + "]";
      ADD_FAILURE() << conflict.address << " was answered by " << owners << " in round " << conflict.round;
    }
  }

  std::string owners_text(const IpAddress& address) const {
    std::string text;
    for (const auto& owner : watcher_->owners_now(address)) text += "[" + owner + "]";
    return text.empty() ? "nobody" : text;
  }

  // The interfaces ("n0 eth1") whose MAC answered a neighbour solicitation for `address`
  // from the client (ndisc6, every answer within kNeighbourWait).
  std::set<std::string> neighbour_answers(const IpAddress& address) const {
    lab::Command command{{"ip", "netns", "exec", plan().client_netns, "ndisc6", "-m", "-n", "-r", "1", "-w",
                          std::to_string(kNeighbourWait.count()), address.to_string(), plan().client_link.interface}};
    auto ran = lab::run_command(command, 5000ms);
    EXPECT_TRUE(ran.ok()) << ran.error().message();
    std::set<std::string> answers;
    if (!ran) return answers;
    const auto owners = interface_owners();
    constexpr std::string_view kTag = "Target link-layer address: ";
    for (auto line : split_lines(ran->out)) {
      if (!line.starts_with(kTag)) continue;
      std::string mac(trim(line.substr(kTag.size())));
      std::transform(mac.begin(), mac.end(), mac.begin(), [](unsigned char c) { return std::tolower(c); });
      auto owner = owners.find(mac);
      answers.insert(owner == owners.end() ? mac : owner->second);
    }
    return answers;
  }

  void expect_neighbours_answered_only_by_holders() {
    for (const auto& address : public_ips(false)) {
      const std::string holder = holder_interface(address);
      EXPECT_EQ(neighbour_answers(address), std::set<std::string>{holder}) << address;
    }
  }

  // A value in NODE's network namespace, e.g. "net/ipv4/conf/eth1/arp_ignore".
  int sysctl_of(const std::string& node, const std::string& path) const {
    auto text = lab::run_checked({{"ip", "netns", "exec", plan().find_node(node)->netns, "cat", "/proc/sys/" + path}});
    EXPECT_TRUE(text.ok()) << text.error().message();
    auto value = text ? parse_unsigned(trim(*text)) : std::nullopt;
    EXPECT_TRUE(value.has_value()) << path;
    return value ? static_cast<int>(*value) : -1;
  }
  void set_sysctl(const std::string& node, const std::string& path, int value) const {
    auto done = lab::run_checked({{"ip", "netns", "exec", plan().find_node(node)->netns, "sysctl", "-q", "-w",
                                   path + "=" + std::to_string(value)}});
    EXPECT_TRUE(done.ok()) << done.error().message();
  }

  // NODE's public interfaces have the values a new interface of its namespace gets, the
  // ones it had before its daemon started (the lab sets none).
  void expect_stock_values(const std::string& node) const {
    for (const char* interface : {"eth1", "eth2"}) {
      for (const auto& name : kInterfaceSettings) {
        const std::string path = std::string("net/ipv4/conf/") + interface + "/" + name;
        EXPECT_EQ(sysctl_of(node, path), sysctl_of(node, "net/ipv4/conf/default/" + name)) << node << " " << path;
      }
    }
  }

  void expect_daemon_values(const std::string& node) const {
    for (const char* interface : {"eth1", "eth2"}) {
      const std::string conf = std::string("net/ipv4/conf/") + interface + "/";
      EXPECT_EQ(sysctl_of(node, conf + "arp_ignore"), 1) << node << " " << interface;
      EXPECT_EQ(sysctl_of(node, conf + "arp_announce"), 2) << node << " " << interface;
      EXPECT_EQ(sysctl_of(node, conf + "ignore_routes_with_linkdown"), 1) << node << " " << interface;
    }
  }

  std::string record_of(const std::string& node) const {
    return plan().find_node(node)->paths.state + "/host_settings";
  }

  // Fails the NIC of g0's first IP and waits until that IP answers from the other NIC.
  void fail_first_nic_of_g0() {
    const IpAddress moved = ip("198.51.100.10");
    const std::string node = groups_from_client().at("g0");
    ASSERT_FALSE(node.empty());
    ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
    FailoverClock clock(probe());
    clock.mark_fault();
    auto answered = clock.wait(moved, kInterfaceMoveLimit, answer_is(node + " eth2"));
    ASSERT_TRUE(answered.ok()) << answered.error().message();
    ASSERT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return holder_interface(moved) == node + " eth2"; }));
  }

  // Linux's own defaults on NODE, whatever this machine's are (the lab's namespaces inherit
  // its IPv4 `all` and `default`); then a reload, so that the daemon looks again.
  void use_linux_defaults(const std::string& node) {
    for (const char* interface : {"all", "eth1", "eth2"}) {
      for (const auto& name : kInterfaceSettings) {
        set_sysctl(node, std::string("net/ipv4/conf/") + interface + "/" + name, 0);
      }
    }
    ToolOutput reloaded = tandem(node, {"reload"});
    EXPECT_EQ(reloaded.exit_code, 0) << reloaded.err;
  }

  // As distributions that ship strict reverse-path filtering have it.
  void make_rp_filter_strict(const std::string& node) const {
    for (const char* interface : {"eth1", "eth2"})
      set_sysctl(node, std::string("net/ipv4/conf/") + interface + "/rp_filter", 1);
  }

  // After fail_first_nic_of_g0(): the cable back, and the IP returns to eth1. Gives the
  // client's first answer from there, or the error after `limit`.
  Result<lab::Failover> restore_first_nic_of_g0(const std::string& node, milliseconds limit) {
    const IpAddress moved = ip("198.51.100.10");
    EXPECT_TRUE(lab().nic_up(node, "eth1").ok());
    FailoverClock clock(probe());
    clock.mark_fault();
    EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return holder_interface(moved) == node + " eth1"; }))
        << "the daemon moved the IP back to eth1";
    // Answers to attempts made while the IP was still on eth2 would say "eth1" too (the
    // listener names where the address is when it answers): start once the client has
    // the announcement, so that it sends to eth1.
    const std::string mac = mac_of(node, "eth1");
    EXPECT_TRUE(wait_until(kInterfaceMoveLimit,
                           [&] {
                             auto neighbour = lab().ip("client", {"neigh", "show", moved.to_string()});
                             return neighbour && neighbour->find(mac) != std::string::npos;
                           }))
        << "the client never learnt " << moved << " at " << mac;
    clock.mark_fault();
    return clock.wait(moved, limit, answer_is(node + " eth1"));
  }
};

TEST_F(HostSettings, EachIpv4AddressIsAnsweredOnlyByTheMacOfTheInterfaceThatHoldsIt) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  ASSERT_NO_FATAL_FAILURE(start_arp_watcher());
  expect_arp_answered_only_by_holders();

  ASSERT_NO_FATAL_FAILURE(fail_first_nic_of_g0());
  expect_arp_answered_only_by_holders();
}

TEST_F(HostSettings, EachIpv6AddressIsAnsweredOnlyByTheMacOfTheInterfaceThatHoldsIt) {
  if (!lab::run_command({{"ndisc6", "-V"}}).ok()) GTEST_SKIP() << "needs ndisc6 (Debian package ndisc6)";
  auto options = lab_options();
  options.has_ipv6 = true;
  ASSERT_NO_FATAL_FAILURE(bring_up(options));
  expect_neighbours_answered_only_by_holders();

  ASSERT_NO_FATAL_FAILURE(fail_first_nic_of_g0());
  ASSERT_TRUE(wait_for_groups(kInterfaceMoveLimit, {}));
  expect_neighbours_answered_only_by_holders();
}

TEST_F(HostSettings, WithoutThemEveryInterfaceOfANodeAnswersArpForEachOfItsAddresses) {
  auto options = lab_options();
  options.manages_host_settings = false;
  ASSERT_NO_FATAL_FAILURE(bring_up(options));
  ASSERT_NO_FATAL_FAILURE(start_arp_watcher());
  const IpAddress address = ip("198.51.100.10");
  const std::string node = node_of(holder_interface(address));
  use_linux_defaults(node);
  EXPECT_TRUE(
      wait_until(kInterfaceMoveLimit,
                 [&] {
                   return watcher_->owners_now(address) == std::set<std::string>{node + " eth1", node + " eth2"};
                 }))
      << "answered by " << owners_text(address);
  expect_stock_values(node);
  const std::string log = lab::tail_of(plan().find_node(node)->paths.log, 200);
  EXPECT_NE(log.find("/proc/sys/net/ipv4/conf/eth1/arp_ignore is 0, should be 1"), std::string::npos) << log;
}

// A host address of the public IPs' subnet on `node`'s eth1, whose subnet route it makes
// its own (src), as on a host where it came first: the route stays, first in the table,
// when the public IP leaves eth1 (made on eth2 before it breaks on eth1, a move leaves
// the subnet's routes of eth2 after eth1's).
static void give_eth1_a_host_address(const lab::Lab& lab, const std::string& node) {
  ASSERT_TRUE(lab.ip(node, {"addr", "add", "198.51.100.201/24", "dev", "eth1"}).ok());
  ASSERT_TRUE(lab.ip(node, {"route", "change", "198.51.100.0/24", "dev", "eth1", "proto", "kernel", "scope", "link",
                            "src", "198.51.100.201"})
                  .ok());
}

// Real hosts give each NIC an address of its own, often in the public IPs' subnet: after a
// NIC failure that address stays on the dead interface, and with it a route of the subnet.
TEST_F(HostSettings, AnIpMovedOffADeadInterfaceAnswersWhileThatInterfaceKeepsAnAddressOfItsSubnet) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g0");
  ASSERT_NO_FATAL_FAILURE(give_eth1_a_host_address(lab(), node));
  ASSERT_NO_FATAL_FAILURE(fail_first_nic_of_g0());
}

TEST_F(HostSettings, WithoutThemAnIpMovedOffADeadInterfaceIsSilentWhileThatInterfaceKeepsAnAddressOfItsSubnet) {
  auto options = lab_options();
  options.manages_host_settings = false;
  ASSERT_NO_FATAL_FAILURE(bring_up(options));
  const IpAddress moved = ip("198.51.100.10");
  const std::string node = groups_from_client().at("g0");
  ASSERT_FALSE(node.empty());
  use_linux_defaults(node);
  ASSERT_NO_FATAL_FAILURE(give_eth1_a_host_address(lab(), node));
  ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
  FailoverClock clock(probe());
  clock.mark_fault();
  ASSERT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return holder_interface(moved) == node + " eth2"; }))
      << "the daemon moved the IP to eth2";
  // Its replies take the subnet's first route, out of the dead eth1.
  auto answered = clock.wait(moved, 3000ms, answer_is(node + " eth2"));
  EXPECT_FALSE(answered.ok()) << "answered from " << node << " eth2 without ignore_routes_with_linkdown";
}

// With a host address of the subnet on eth2, an IP returning to eth1 finds eth2's route
// first in the table: the route back to the client, which strict filtering compares with
// the interface the client's packets arrive on.
TEST_F(HostSettings, AnIpBackOnItsInterfaceAnswersWhereStrictReversePathFilteringWasConfigured) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const std::string node = groups_from_client().at("g0");
  ASSERT_FALSE(node.empty());
  make_rp_filter_strict(node);
  ToolOutput reloaded = tandem(node, {"reload"});
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.err;
  EXPECT_EQ(sysctl_of(node, "net/ipv4/conf/eth1/rp_filter"), 2);
  ASSERT_TRUE(lab().ip(node, {"addr", "add", "198.51.100.202/24", "dev", "eth2"}).ok());
  ASSERT_NO_FATAL_FAILURE(fail_first_nic_of_g0());
  auto answered = restore_first_nic_of_g0(node, kInterfaceMoveLimit);
  EXPECT_TRUE(answered.ok()) << answered.error().message();
}

TEST_F(HostSettings, WithoutThemStrictReversePathFilteringSilencesAnIpBackOnItsInterface) {
  auto options = lab_options();
  options.manages_host_settings = false;
  ASSERT_NO_FATAL_FAILURE(bring_up(options));
  const std::string node = groups_from_client().at("g0");
  ASSERT_FALSE(node.empty());
  // An administrator who set the other settings by hand: only rp_filter is wrong.
  for (const char* interface : {"eth1", "eth2"}) {
    const std::string conf = std::string("net/ipv4/conf/") + interface + "/";
    set_sysctl(node, conf + "arp_ignore", 1);
    set_sysctl(node, conf + "arp_announce", 2);
    set_sysctl(node, conf + "ignore_routes_with_linkdown", 1);
  }
  make_rp_filter_strict(node);
  ASSERT_TRUE(lab().ip(node, {"addr", "add", "198.51.100.202/24", "dev", "eth2"}).ok());
  ASSERT_NO_FATAL_FAILURE(fail_first_nic_of_g0());
  auto answered = restore_first_nic_of_g0(node, 3000ms);
  EXPECT_FALSE(answered.ok()) << "answered from " << node << " eth1 under strict reverse-path filtering; routes:\n"
                              << lab().ip(node, {"route"}).value();
}

TEST_F(HostSettings, AStoppedDaemonRestoredTheOriginalValues) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  expect_daemon_values("n0");
  // An administrator's strict reverse-path filter, seen at the next reload: made loose.
  set_sysctl("n0", "net/ipv4/conf/eth1/rp_filter", 1);
  ToolOutput reloaded = tandem("n0", {"reload"});
  ASSERT_EQ(reloaded.exit_code, 0) << reloaded.err;
  EXPECT_EQ(sysctl_of("n0", "net/ipv4/conf/eth1/rp_filter"), 2);

  auto pid = lab::read_pid_file(plan().find_node("n0")->paths.daemon_pid);
  ASSERT_TRUE(pid.has_value());
  ASSERT_EQ(::kill(*pid, SIGTERM), 0);
  ASSERT_TRUE(wait_until(kNodeMoveLimit, [&] { return !lab().is_daemon_running(*plan().find_node("n0")); }));

  expect_stock_values("n0");
  EXPECT_EQ(sysctl_of("n0", "net/ipv4/conf/eth1/rp_filter"), 1) << "the administrator's value is back";
  EXPECT_FALSE(std::ifstream(record_of("n0")).good()) << "the record of what to restore is gone";
  expect_daemon_values("n1");
}

TEST_F(HostSettings, ReleaseAllAfterADaemonCrashRestoresTheOriginalValues) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  expect_daemon_values("n1");
  ASSERT_TRUE(std::ifstream(record_of("n1")).good());
  ASSERT_TRUE(lab().kill("n1").ok());  // SIGKILL, then `tandemd --release-all`
  expect_stock_values("n1");
  EXPECT_FALSE(std::ifstream(record_of("n1")).good());

  ASSERT_TRUE(lab().start("n1").ok());  // a new daemon sets them again
  EXPECT_TRUE(wait_until(kNodeMoveLimit, [&] { return sysctl_of("n1", "net/ipv4/conf/eth2/arp_ignore") == 1; }));
  expect_daemon_values("n1");
}

}  // namespace
}  // namespace tandem::integration
