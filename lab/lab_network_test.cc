// A real lab in network namespaces, without daemons: the network, the probe tools, a NIC
// failure and an address moved by hand. Needs root; skipped otherwise.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "base/text.h"
#include "lab/command_runner.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "lab/process.h"
#include "sys/announcement.h"

namespace tandem::lab {
namespace {

using std::chrono::milliseconds;

const IpAddress kAddress = IpAddress::parse("198.51.100.10").value();

class LabNetwork : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "a lab needs root (CAP_NET_ADMIN) to create network namespaces";
    if (!run_command({{"ip", "-V"}}).ok()) GTEST_SKIP() << "a lab needs iproute2's `ip` on PATH";
    prefix_ = "tdm-t" + std::to_string(::getpid());
  }
  void TearDown() override {
    if (!prefix_.empty()) {
      EXPECT_TRUE(Lab::down(prefix_).ok());
    }
  }

  UpOptions options() const {
    UpOptions options;
    options.lab.prefix = prefix_;
    options.lab.node_count = 2;
    options.lab.group_count = 1;
    options.has_daemons = false;
    options.lab_program = TANDEM_LAB_PROGRAM;
    return options;
  }

  std::vector<std::string> lab_namespaces() const {
    std::vector<std::string> found;
    auto listed = run_checked({{"ip", "netns", "list"}});
    EXPECT_TRUE(listed.ok());
    std::string text = listed.ok() ? *listed : "";
    for (auto line : split_lines(text)) {
      auto fields = split_fields(line);
      if (!fields.empty() && std::string(fields[0]).starts_with(prefix_ + "-")) found.emplace_back(fields[0]);
    }
    return found;
  }

  std::string prefix_;
};

std::string link_of(const NodeState& node, const std::string& interface) {
  for (const auto& state : node.interfaces) {
    if (state.name == interface) return state.link();
  }
  return "missing";
}

// Announces `kAddress` on n0's `interface` until the client's answer is `expected`.
std::optional<ProbeResult> announce_until(const Lab& lab, const ProbeSession& session, std::int64_t since_ms,
                                          const std::string& interface, const std::string& expected) {
  for (int round = 0; round < 20; ++round) {
    auto sent = run_in_netns(lab.netns_of("n0").value(), [&] {
      EXPECT_TRUE(sys::send_gratuitous_arp(sys::ArpForm::kRequest, kAddress, InterfaceName(interface)).ok());
      EXPECT_TRUE(sys::send_gratuitous_arp(sys::ArpForm::kReply, kAddress, InterfaceName(interface)).ok());
    });
    EXPECT_TRUE(sent.ok());
    auto answer = session.wait_for_answer(kAddress, since_ms, milliseconds(250), answer_is(expected));
    if (answer) return answer;
  }
  return std::nullopt;
}

TEST_F(LabNetwork, ClientFollowsAnAddressMovedToTheOtherNicAfterItsCableIsPulled) {
  auto lab = Lab::up(options());
  ASSERT_TRUE(lab.ok()) << lab.error().message();
  EXPECT_EQ(lab_namespaces().size(), 4u);

  ASSERT_TRUE(lab->ip("n0", {"addr", "add", "198.51.100.10/24", "dev", "eth1"}).ok());
  auto session = lab->probe({kAddress}, {});
  ASSERT_TRUE(session.ok()) << session.error().message();
  auto first = (*session)->wait_for_answer(kAddress, 0, milliseconds(5000));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->answer, "n0 eth1");

  ASSERT_TRUE(lab->nic_down("n0", "eth1").ok());
  FailoverClock clock(**session);
  clock.mark_fault();
  auto status = lab->status();
  ASSERT_TRUE(status.ok()) << status.error().message();
  EXPECT_EQ(link_of(status->nodes[0], "eth1"), "no-carrier");
  EXPECT_EQ(link_of(status->nodes[0], "eth2"), "up");

  ASSERT_TRUE(lab->ip("n0", {"addr", "del", "198.51.100.10/24", "dev", "eth1"}).ok());
  ASSERT_TRUE(lab->ip("n0", {"addr", "add", "198.51.100.10/24", "dev", "eth2"}).ok());
  auto moved = announce_until(*lab, **session, clock.fault_ms(), "eth2", "n0 eth2");
  ASSERT_TRUE(moved.has_value()) << "the client never reached 198.51.100.10 on n0 eth2";
  EXPECT_GE(moved->attempt_start_ms, clock.fault_ms());

  status = lab->status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->public_ips[0].holders, (std::vector<Holder>{{"n0", "eth2"}}));
  EXPECT_TRUE(status->nodes[0].listener.is_running);
  session->reset();

  ASSERT_TRUE(Lab::down(prefix_).ok());
  EXPECT_TRUE(lab_namespaces().empty());
  EXPECT_FALSE(std::filesystem::exists("/run/" + prefix_));
  EXPECT_TRUE(Lab::down(prefix_).ok()) << "down is idempotent";
}

TEST_F(LabNetwork, ClientFollowsAnIpv6AddressMovedToTheOtherNic) {
  auto up = options();
  up.lab.has_ipv6 = true;
  auto lab = Lab::up(up);
  ASSERT_TRUE(lab.ok()) << lab.error().message();
  const IpAddress address = IpAddress::parse("2001:db8:100::10").value();
  ASSERT_TRUE(lab->ip("n0", {"addr", "add", "2001:db8:100::10/64", "dev", "eth1", "nodad"}).ok());
  auto session = lab->probe({address}, {});
  ASSERT_TRUE(session.ok()) << session.error().message();
  auto first = (*session)->wait_for_answer(address, 0, milliseconds(5000));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->answer, "n0 eth1");

  ASSERT_TRUE(lab->nic_down("n0", "eth1").ok());
  std::int64_t fault_ms = monotonic_ms();
  ASSERT_TRUE(lab->ip("n0", {"addr", "del", "2001:db8:100::10/64", "dev", "eth1"}).ok());
  ASSERT_TRUE(lab->ip("n0", {"addr", "add", "2001:db8:100::10/64", "dev", "eth2", "nodad"}).ok());
  std::optional<ProbeResult> moved;
  for (int round = 0; round < 20 && !moved; ++round) {
    ASSERT_TRUE(run_in_netns(lab->netns_of("n0").value(), [&] {
                  auto sent = sys::send_unsolicited_na(address, InterfaceName("eth2"));
                  EXPECT_TRUE(sent.ok()) << sent.error().message();
                }).ok());
    moved = (*session)->wait_for_answer(address, fault_ms, milliseconds(250), answer_is("n0 eth2"));
  }
  EXPECT_TRUE(moved.has_value()) << "the client never reached 2001:db8:100::10 on n0 eth2";
}

TEST_F(LabNetwork, PartitionMovesPrivatePortsAndHealJoinsThemAgain) {
  auto lab = Lab::up(options());
  ASSERT_TRUE(lab.ok()) << lab.error().message();
  ASSERT_TRUE(lab->partition({"n1"}).ok());
  auto status = lab->status();
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->nodes[0].is_cut_off);
  EXPECT_TRUE(status->nodes[1].is_cut_off);
  const IpAddress n1_private = IpAddress::parse("192.0.2.2").value();
  ProbeOptions probe{lab->plan().options.probe_port, milliseconds(10), milliseconds(100)};
  {
    auto from_n0 = ProbeSession::start(prefix_ + "-n0", {n1_private}, probe);
    ASSERT_TRUE(from_n0.ok()) << from_n0.error().message();
    EXPECT_FALSE((*from_n0)->wait_for_answer(n1_private, 0, milliseconds(500)).has_value())
        << "n0 still reaches n1 over the private network";
  }
  ASSERT_TRUE(lab->heal().ok());
  {
    auto from_n0 = ProbeSession::start(prefix_ + "-n0", {n1_private}, probe);
    ASSERT_TRUE(from_n0.ok()) << from_n0.error().message();
    auto answer = (*from_n0)->wait_for_answer(n1_private, 0, milliseconds(5000));
    ASSERT_TRUE(answer.has_value()) << "n0 does not reach n1 after heal";
    EXPECT_EQ(answer->answer, "n1 eth0");
  }
  status = lab->status();
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->nodes[1].is_cut_off);
}

TEST_F(LabNetwork, DownRemovesALabWhoseStateDirIsGone) {
  auto lab = Lab::up(options());
  ASSERT_TRUE(lab.ok()) << lab.error().message();
  auto listener = read_pid_file(lab->plan().nodes[0].paths.listener_pid);
  ASSERT_TRUE(listener.has_value());
  std::filesystem::remove_all("/run/" + prefix_);  // as if the lab had crashed and lost it
  ASSERT_TRUE(Lab::down(prefix_).ok());
  EXPECT_TRUE(lab_namespaces().empty());
  EXPECT_FALSE(process_arguments(*listener).has_value()) << "the listener survived";
}

}  // namespace
}  // namespace tandem::lab
