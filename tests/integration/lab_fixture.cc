#include "tests/integration/lab_fixture.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <set>
#include <thread>

#include "lab/command_runner.h"
#include "lab/lab_files.h"
#include "lab/lab_status.h"

namespace tandem::integration {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kPostMortemLogLines = 40;
constexpr milliseconds kToolLimit{20000};
constexpr milliseconds kQuiet{500};

int next_lab_number() {
  static std::atomic<int> count{0};  // one lab per test in this process
  return count++;
}

// PREFIX/RELATIVE when TANDEM_TEST_PREFIX is set, else `built`.
std::string program(const char* relative, const char* built) {
  const char* prefix = std::getenv("TANDEM_TEST_PREFIX");
  if (prefix == nullptr || *prefix == '\0') return built;
  return std::string(prefix) + "/" + relative;
}

}  // namespace

std::string tandemd_program() { return program("sbin/tandemd", TANDEMD_PROGRAM); }
std::string tandem_program() { return program("bin/tandem", TANDEM_PROGRAM); }
std::string lab_program() { return program("bin/tandem-lab", TANDEM_LAB_PROGRAM); }
std::string iscsi_hook_program() { return program("share/tandem/examples/iscsi-tgt/60.iscsi-tgt", TANDEM_ISCSI_HOOK); }

std::string node_of(const std::string& answer) { return answer.substr(0, answer.find(' ')); }

bool all_whole(const GroupPlaces& places) {
  for (const auto& [group, place] : places) {
    if (place.empty()) return false;
  }
  return !places.empty();
}

bool all_whole_and_none_on(const GroupPlaces& places, const std::string& node) {
  for (const auto& [group, place] : places) {
    if (place == node) return false;
  }
  return all_whole(places);
}

std::string conflicts_text(const std::vector<lab::ArpConflict>& conflicts) {
  std::string text;
  for (const auto& conflict : conflicts) {
    text += "\n  round " + std::to_string(conflict.round) + " at " + std::to_string(conflict.t_ms) +
            " ms: " + conflict.address.to_string() + " answered by";
    for (const auto& owner : conflict.owners) text += " " + owner;
  }
  return text;
}

std::string places_text(const GroupPlaces& places) {
  std::string text;
  for (const auto& [group, place] : places) text += (text.empty() ? "" : " ") + group + "=" + place;
  return text;
}

void LabTest::SetUp() {
  if (::geteuid() != 0) GTEST_SKIP() << "a lab needs root (CAP_NET_ADMIN) to create network namespaces";
  if (!lab::run_command({{"ip", "-V"}}).ok()) GTEST_SKIP() << "a lab needs iproute2's `ip` on PATH";
  prefix_ = "tdm-it" + std::to_string(::getpid()) + "-" + std::to_string(next_lab_number());
}

void LabTest::TearDown() {
  if (prefix_.empty()) return;
  if (lab_ && (HasFailure() || std::getenv("TANDEM_IT_POST_MORTEM") != nullptr)) print_post_mortem();
  session_.reset();
  auto gone = lab::Lab::down(prefix_);
  EXPECT_TRUE(gone.ok()) << gone.error().message();
}

void LabTest::print_post_mortem() const {
  auto status = lab_->status();
  std::cout << "--- post-mortem of lab " << prefix_ << "\n"
            << (status ? lab::status_text(*status) : status.error().message()) << "\n";
  if (session_) std::cout << "client sees: " << places_text(groups_from_client()) << "\n";
  if (!lab_->record().has_daemons) return;
  for (const auto& node : plan().nodes) {
    std::cout << "--- end of " << node.paths.log << "\n" << lab::tail_of(node.paths.log, kPostMortemLogLines) << "\n";
  }
}

lab::LabOptions LabTest::lab_options() const {
  lab::LabOptions options;
  options.prefix = prefix_;
  return options;
}

void LabTest::bring_up(const lab::LabOptions& options) {
  lab::UpOptions up;
  up.lab = options;
  up.tandemd = tandemd_program();
  up.lab_program = lab_program();
  up.iscsi_hook = iscsi_hook_program();
  auto built = lab::Lab::up(up);
  if (!built) {
    if (auto opened = lab::Lab::open(prefix_)) lab_.emplace(std::move(*opened));  // for the post-mortem
    FAIL() << built.error().message();
  }
  lab_.emplace(std::move(*built));
  auto session = lab_->probe();
  ASSERT_TRUE(session.ok()) << session.error().message();
  session_ = std::move(*session);
  GroupPlaces last;
  ASSERT_TRUE(wait_for_groups(kNodeMoveLimit, {}, &last)) << "after up, groups: " << places_text(last);
}

void LabTest::bring_up_network_only(const lab::LabOptions& options) {
  lab::UpOptions up;
  up.lab = options;
  up.has_daemons = false;
  up.lab_program = lab_program();
  auto built = lab::Lab::up(up);
  ASSERT_TRUE(built.ok()) << built.error().message();
  lab_.emplace(std::move(*built));
}

std::vector<IpAddress> LabTest::group_ips(const std::string& group) const {
  std::vector<IpAddress> addresses;
  for (const auto& planned : plan().groups) {
    if (planned.name != group) continue;
    for (const auto& address : planned.addresses) addresses.push_back(address.prefix.address);
  }
  return addresses;
}

ToolOutput LabTest::tandem(const std::string& node, const std::vector<std::string>& arguments) const {
  const lab::PlannedNode* planned = plan().find_node(node);
  EXPECT_NE(planned, nullptr) << node;
  if (planned == nullptr) return {};
  lab::Command command{{tandem_program(), "--socket", planned->paths.socket}};
  command.argv.insert(command.argv.end(), arguments.begin(), arguments.end());
  auto ran = lab::run_command(command, kToolLimit);
  EXPECT_TRUE(ran.ok()) << ran.error().message();
  if (!ran) return {};
  return ToolOutput{ran->exit_code, ran->out, ran->err};
}

nlohmann::json LabTest::tandem_json(const std::string& node, const std::vector<std::string>& arguments) const {
  std::vector<std::string> with_json{"--json"};
  with_json.insert(with_json.end(), arguments.begin(), arguments.end());
  ToolOutput output = tandem(node, with_json);
  EXPECT_EQ(output.exit_code, 0) << "tandem " << arguments.front() << " on " << node << ": " << output.err;
  auto parsed = nlohmann::json::parse(output.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << output.out;
  return parsed.is_discarded() ? nlohmann::json{} : parsed;
}

std::string LabTest::leader_seen_by(const std::string& node) const {
  ToolOutput output = tandem(node, {"--json", "leader"});
  if (output.exit_code != 0) return "";
  auto parsed = nlohmann::json::parse(output.out, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("leader") || !parsed["leader"].is_number_unsigned()) return "";
  return "n" + std::to_string(parsed["leader"].get<unsigned>());
}

Result<std::unique_ptr<lab::ArpWatcher>> LabTest::watch_arp() const {
  auto status = lab().status();
  if (!status) return fail(status.error());
  lab::ArpWatchOptions options;
  options.owners = lab::node_owners(*status);
  return lab::ArpWatcher::start(plan().client_netns, lab().public_ips(), options);
}

bool LabTest::wire_agrees(const lab::ArpWatcher& watcher, const GroupPlaces& places) const {
  for (const auto& [group, node] : places) {
    for (const auto& address : group_ips(group)) {
      if (watcher.owners_now(address) != std::set<std::string>{node}) return false;
    }
  }
  return true;
}

GroupPlaces LabTest::groups_from_client() const {
  GroupPlaces places;
  for (const auto& group : plan().groups) {
    std::string place;
    bool is_whole = true;
    for (const auto& address : group.addresses) {
      auto latest = session_->latest(address.prefix.address);
      std::string node = latest && latest->answer ? node_of(*latest->answer) : "";
      is_whole = is_whole && !node.empty() && (place.empty() || node == place);
      place = node;
    }
    places[group.name] = is_whole ? place : "";
  }
  return places;
}

std::optional<GroupPlaces> LabTest::wait_for_groups(milliseconds limit,
                                                    const std::function<bool(const GroupPlaces&)>& accept,
                                                    GroupPlaces* last) const {
  auto is_wanted = [&](const GroupPlaces& places) { return all_whole(places) && (!accept || accept(places)); };
  auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    GroupPlaces places = groups_from_client();
    if (last) *last = places;
    if (is_wanted(places)) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      // A late move would show here: the places must hold once nothing changes.
      if (session_->wait_until_stable(kQuiet, std::max(left, kQuiet * 2))) {
        places = groups_from_client();
        if (last) *last = places;
        if (is_wanted(places)) return places;
      }
    }
    std::this_thread::sleep_for(50ms);
  }
  return std::nullopt;
}

GroupPlaces LabTest::groups_from_kernel() const {
  GroupPlaces places;
  auto status = lab_->status();
  EXPECT_TRUE(status.ok()) << status.error().message();
  if (!status) return places;
  for (const auto& group : plan().groups) places[group.name] = "";
  std::map<std::string, std::set<std::string>> holders;
  std::map<std::string, bool> is_whole;
  for (const auto& ip : status->public_ips) {
    const std::string& group = ip.address.group;
    is_whole.try_emplace(group, true);
    if (ip.reachable_holder_count() != 1) is_whole[group] = false;
    for (const auto& holder : ip.holders) {
      if (holder.has_carrier) holders[group].insert(holder.node);
    }
  }
  for (const auto& [group, whole] : is_whole) {
    if (whole && holders[group].size() == 1) places[group] = *holders[group].begin();
  }
  return places;
}

std::vector<std::string> LabTest::addresses_on(const std::string& node) const {
  std::vector<std::string> found;
  auto status = lab_->status();
  EXPECT_TRUE(status.ok()) << status.error().message();
  if (!status) return found;
  for (const auto& ip : status->public_ips) {
    for (const auto& holder : ip.holders) {
      if (holder.node == node) found.push_back(ip.address.prefix.address.to_string() + " " + holder.interface);
    }
  }
  return found;
}

bool LabTest::wait_until(milliseconds limit, const std::function<bool()>& condition) {
  auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

bool LabTest::is_balanced(const GroupPlaces& places) const {
  std::set<std::string> serving;
  for (const auto& [group, node] : places) serving.insert(node);
  return serving.size() == plan().nodes.size();
}

std::vector<std::string> LabTest::nodes() const {
  std::vector<std::string> names;
  for (const auto& node : plan().nodes) names.push_back(node.name);
  return names;
}

std::vector<std::string> LabTest::nodes_but(const std::string& node) const {
  std::vector<std::string> names = nodes();
  std::erase(names, node);
  return names;
}

}  // namespace tandem::integration
