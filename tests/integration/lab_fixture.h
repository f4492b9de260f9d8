// LabTest: one real tandemd cluster per test (tandem-lab), checked from the client.
//
// What a test may believe is what a client sees: the answers of the probe listeners over
// TCP ("n1 eth2", through the client's real neighbour cache), ARP on the wire
// (lab/arp_watcher.h), and the kernel's addresses (Lab::status). The daemons' own view
// (`tandem status`) is used only where the test is about the tool.
//
// Contract:
//  - Every test gets its own prefix, tdm-it<pid>-<n>, and TearDown() takes its lab down,
//    also after a failure (first printing the lab status and the end of every daemon log
//    into the test's output, for the post-mortem; TANDEM_IT_POST_MORTEM=1 prints it always).
//  - Tests skip when not root.
//  - Limits are generous on purpose: these tests check behaviour; bench/ measures time.
//  - The programs are this build's; with TANDEM_TEST_PREFIX=/usr they are the installed
//    ones (PREFIX/sbin/tandemd, PREFIX/bin/tandem, PREFIX/bin/tandem-lab), as CI runs them
//    after installing the packages.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab/arp_watcher.h"
#include "lab/lab.h"
#include "lab/probe_session.h"

namespace tandem::integration {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

// A local move between interfaces of one node, and a move to another node (which waits
// out a lease and maybe an election).
inline constexpr milliseconds kInterfaceMoveLimit{5000};
inline constexpr milliseconds kNodeMoveLimit{15000};

struct ToolOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Group name -> the node that serves ALL of its IPs ("n1"); "" when the group is split,
// or some IP of it is not answering.
using GroupPlaces = std::map<std::string, std::string>;

// "n1 eth2" -> "n1".
std::string node_of(const std::string& answer);

// The programs under test (see the contract above).
std::string tandemd_program();
std::string tandem_program();
std::string lab_program();
std::string iscsi_hook_program();  // examples/iscsi-tgt/60.iscsi-tgt, for labs with has_iscsi

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The lab's options: 3 nodes x 2 public interfaces x 3 groups, this test's prefix.
  lab::LabOptions lab_options() const;
  // Brings the lab up, starts a prober on every public IP and waits until it is stable
  // with every group whole. Use with ASSERT_NO_FATAL_FAILURE.
  void bring_up(const lab::LabOptions& options);
  void bring_up() { bring_up(lab_options()); }
  // Only the network and the probe listeners: no daemon, no prober.
  void bring_up_network_only(const lab::LabOptions& options);

  const lab::Lab& lab() const { return *lab_; }
  // Stops the prober bring_up() started (for a test that runs its own).
  void stop_prober() { session_.reset(); }
  lab::ProbeSession& probe() const { return *session_; }
  const lab::LabPlan& plan() const { return lab_->plan(); }
  IpAddress ip(const std::string& text) const { return IpAddress::parse(text).value(); }
  std::vector<IpAddress> group_ips(const std::string& group) const;

  // The `tandem` tool against NODE's daemon ("n0"): `tandem --socket S ARGS...`.
  ToolOutput tandem(const std::string& node, const std::vector<std::string>& arguments) const;
  // As tandem() with --json; the parsed output, after checking that it exited 0.
  nlohmann::json tandem_json(const std::string& node, const std::vector<std::string>& arguments) const;
  // The leader NODE follows, from `tandem --json leader` ("n2"); "" when it knows none.
  std::string leader_seen_by(const std::string& node) const;

  // From the client's latest answers.
  GroupPlaces groups_from_client() const;
  // Waits until every group is whole and answering, `accept` holds, and nothing changed
  // for a moment; gives the places, or nullopt after `limit` (with the last seen places
  // in `last` for the failure message).
  std::optional<GroupPlaces> wait_for_groups(milliseconds limit, const std::function<bool(const GroupPlaces&)>& accept,
                                             GroupPlaces* last = nullptr) const;

  // From the kernel: every group whose IPs are each on exactly one reachable interface,
  // all of one node, maps to that node; any other group to "".
  GroupPlaces groups_from_kernel() const;
  // The public IPs configured on NODE, reachable or not ("198.51.100.10 eth1").
  std::vector<std::string> addresses_on(const std::string& node) const;

  // An ARP watcher (lab/arp_watcher.h) in the client's namespace on every public IP, each
  // reply credited to the node that sent it.
  Result<std::unique_ptr<lab::ArpWatcher>> watch_arp() const;
  // Whether the watcher's latest round shows every IP of each group in `places` answered
  // by the group's node alone.
  bool wire_agrees(const lab::ArpWatcher& watcher, const GroupPlaces& places) const;

  // Polls `condition` every 50 ms until it holds or `limit` passes.
  static bool wait_until(milliseconds limit, const std::function<bool()>& condition);

  // Every node serves a group (with as many groups as nodes: one each).
  bool is_balanced(const GroupPlaces& places) const;

  // The names of the nodes ("n0"...), and the nodes other than `node`.
  std::vector<std::string> nodes() const;
  std::vector<std::string> nodes_but(const std::string& node) const;
  // PNN of "n2" is "2".
  static std::string pnn_of(const std::string& node) { return node.substr(1); }

  std::string prefix_;

 private:
  void print_post_mortem() const;

  std::optional<lab::Lab> lab_;
  std::unique_ptr<lab::ProbeSession> session_;
};

// A LabTest with the client's ARP watcher, which it stops before the lab goes.
class WatchedLabTest : public LabTest {
 protected:
  void TearDown() override {
    watcher_.reset();  // leaves the client namespace before the lab goes
    LabTest::TearDown();
  }

  void start_watcher() {
    auto watcher = watch_arp();
    ASSERT_TRUE(watcher.ok()) << watcher.error().message();
    watcher_ = std::move(*watcher);
  }

  std::unique_ptr<lab::ArpWatcher> watcher_;
};

// Every group appears, and none is split or silent.
bool all_whole(const GroupPlaces& places);
// As all_whole(), and none is on `node`.
bool all_whole_and_none_on(const GroupPlaces& places, const std::string& node);
// Text for failure messages: "g0=n1 g1=n2 g2=".
std::string places_text(const GroupPlaces& places);
// Text for failure messages: each round in which an IP was answered by two nodes.
std::string conflicts_text(const std::vector<lab::ArpConflict>& conflicts);

}  // namespace tandem::integration
