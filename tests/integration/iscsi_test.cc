// iSCSI end to end: tgt on every node serving one target per IP group through
// examples/iscsi-tgt/60.iscsi-tgt (`tandem-lab up --iscsi`), and the lab's libiscsi
// initiator (lab/iscsi_reader.h) in the client, reading group g0's target every 10 ms
// through each of its two portals. The node that answers a session is the INQUIRY product
// revision the hook sets per node (node_label); everything else of the LUN's identity is
// the same on every node.
//
// What is NOT asserted, and why: the outage lengths (bench/iscsi measures them). That the
// addresses are announced only once `takegroup` created the target is checked on the wire
// by service_ready_test.cc. The ARP watcher's view is not compared with the initiator's
// (only the initiator's sessions are checked for a split).
#include <unistd.h>

#include <cstdlib>

#include "lab/command_runner.h"
#include "lab/iscsi_reader.h"
#include "lab/lab_iscsi.h"
#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

constexpr milliseconds kSteadyQuiet{1500};
constexpr milliseconds kSteadyLimit{20000};

bool is_on_path(const std::string& program) {
  auto found = lab::run_command({{"sh", "-c", "command -v " + program}});
  return found.ok() && found->exit_code == 0;
}

class Iscsi : public LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    if (!is_on_path("tgtd") || !is_on_path("tgtadm"))
      GTEST_SKIP() << "needs tgt (tgtd, tgtadm): scripts/setup installs it";
  }

  void TearDown() override {
    reader_.reset();
    LabTest::TearDown();
  }

  // Up with tgt on 3 nodes and 2 groups (a node is free for movegroup), the reader on
  // g0's target, steady, from the node that holds g0.
  void bring_up_reading() {
    lab::LabOptions options = lab_options();
    options.has_iscsi = true;
    options.group_count = 2;
    ASSERT_NO_FATAL_FAILURE(bring_up(options));
    lab::IscsiTarget target = lab::plan_iscsi(plan()).targets.at(0);
    lab::IscsiTargetAddress address{target.iqn, lab::kIscsiLun, {}};
    for (const auto& portal : target.portals) address.portals.push_back(portal.to_string());
    auto reader = lab::IscsiReader::start(plan().client_netns, address, {});
    ASSERT_TRUE(reader.ok()) << reader.error().message();
    reader_ = std::move(*reader);
    ASSERT_TRUE(reader_->wait_until_steady(kSteadyQuiet, kSteadyLimit))
        << "the reader never got steady: " << outages_text();
    holder_ = groups_from_client().at("g0");
    ASSERT_FALSE(holder_.empty());
  }

  const std::string& portal(std::size_t index) const { return reader_->portals().at(index); }

  // Waits for a good READ on every portal at or after `since_ms` from a node `accept` takes.
  std::vector<lab::GoodRead> wait_for_reads(std::int64_t since_ms, milliseconds limit,
                                            const std::function<bool(const std::string&)>& accept) const {
    std::vector<lab::GoodRead> reads;
    for (const auto& address : reader_->portals()) {
      auto read = reader_->wait_for_read(address, since_ms, limit, accept);
      EXPECT_TRUE(read) << "no good READ through " << address << ": " << outages_text();
      if (read) reads.push_back(*read);
    }
    return reads;
  }

  int outages_since(const std::string& address, std::int64_t since_ms) const {
    int count = 0;
    for (const auto& outage : reader_->outages())
      count += outage.portal == address && outage.first_good.t_ms >= since_ms;
    return count;
  }

  std::string outages_text() const {
    std::string text;
    for (const auto& outage : reader_->outages()) text += "\n  " + lab::iscsi_outage_json(outage).dump();
    return text.empty() ? "no outage" : text;
  }

  void expect_no_split() const {
    auto split = lab::find_split(reader_->sessions());
    EXPECT_FALSE(split) << "the two portals answered from different nodes at once: " << *split;
  }

  // `iscsi-inq` (libiscsi-bin) from the client: VPD page `page` of g0's LUN through `address`.
  std::string inquiry(const std::string& address, const std::string& page) const {
    std::string url = "iscsi://" + address + "/" + lab::plan_iscsi(plan()).targets.at(0).iqn + "/1";
    auto output =
        lab::run_command({{"ip", "netns", "exec", plan().client_netns, "iscsi-inq", "-e", "1", "-c", page, url}});
    EXPECT_TRUE(output.ok() && output->exit_code == 0) << "iscsi-inq " << url << " failed";
    return output.ok() ? output->out : "";
  }

  std::unique_ptr<lab::IscsiReader> reader_;
  std::string holder_;
};

TEST_F(Iscsi, TheTargetAnswersThroughBothPortalsFromTheNodeThatHoldsTheGroup) {
  ASSERT_NO_FATAL_FAILURE(bring_up_reading());
  for (const auto& address : reader_->portals()) {
    auto read = reader_->last_good(address);
    ASSERT_TRUE(read) << address;
    EXPECT_EQ(read->node, holder_) << address;
  }
  expect_no_split();
}

TEST_F(Iscsi, AfterANicFailureBothPortalsReachTheSameNodeAndTheOtherPortalSeesNoError) {
  ASSERT_NO_FATAL_FAILURE(bring_up_reading());
  std::int64_t fault_ms = lab::monotonic_ms();
  ASSERT_TRUE(lab().nic_down(holder_, "eth1").ok());
  auto same_node = [&](const std::string& node) { return node == holder_; };
  auto reads = wait_for_reads(fault_ms, kInterfaceMoveLimit, same_node);
  ASSERT_EQ(reads.size(), 2u);
  ASSERT_TRUE(reader_->wait_until_steady(kSteadyQuiet, kSteadyLimit)) << outages_text();
  // portal(1) is g0's address on eth2, whose link never went down.
  EXPECT_EQ(reader_->errors_since(portal(1), fault_ms), 0) << outages_text();
  EXPECT_EQ(outages_since(portal(1), fault_ms), 0) << outages_text();
  for (const auto& address : reader_->portals()) EXPECT_EQ(reader_->last_good(address)->node, holder_) << address;
  expect_no_split();
}

TEST_F(Iscsi, AfterAPowerLossBothPortalsReachTheTargetOnOneOtherNode) {
  ASSERT_NO_FATAL_FAILURE(bring_up_reading());
  std::int64_t fault_ms = lab::monotonic_ms();
  ASSERT_TRUE(lab().crash(holder_).ok());
  auto elsewhere = [&](const std::string& node) { return !node.empty() && node != holder_; };
  auto reads = wait_for_reads(fault_ms, kNodeMoveLimit, elsewhere);
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].node, reads[1].node);
  ASSERT_TRUE(reader_->wait_until_steady(kSteadyQuiet, kSteadyLimit)) << outages_text();
  EXPECT_EQ(reader_->last_good(portal(0))->node, reader_->last_good(portal(1))->node);
  expect_no_split();
}

TEST_F(Iscsi, AfterAMovegroupTheSessionsMoveWithOneOutageEachAndTheSameDevice) {
  ASSERT_NO_FATAL_FAILURE(bring_up_reading());
  const std::string serial_before = inquiry(portal(0), "0x80");
  const std::string device_id_before = inquiry(portal(1), "0x83");
  const std::string free_node = [&] {
    auto places = groups_from_client();
    for (const auto& node : nodes()) {
      if (places.at("g0") != node && places.at("g1") != node) return node;
    }
    return std::string();
  }();
  ASSERT_FALSE(free_node.empty()) << places_text(groups_from_client());
  std::int64_t move_ms = lab::monotonic_ms();
  ToolOutput moved = tandem(holder_, {"movegroup", "g0", pnn_of(free_node)});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  auto on_free_node = [&](const std::string& node) { return node == free_node; };
  auto reads = wait_for_reads(move_ms, kNodeMoveLimit, on_free_node);
  ASSERT_EQ(reads.size(), 2u);
  ASSERT_TRUE(reader_->wait_until_steady(kSteadyQuiet, kSteadyLimit)) << outages_text();
  for (std::size_t i = 0; i < 2; ++i) {
    // Every failed command of the move is inside its one outage; none after it.
    EXPECT_EQ(outages_since(portal(i), move_ms), 1) << outages_text();
    EXPECT_EQ(reader_->errors_since(portal(i), reads[i].t_ms), 0) << outages_text();
  }
  EXPECT_EQ(inquiry(portal(0), "0x80"), serial_before);
  EXPECT_EQ(inquiry(portal(1), "0x83"), device_id_before);
  expect_no_split();
}

}  // namespace
}  // namespace tandem::integration
