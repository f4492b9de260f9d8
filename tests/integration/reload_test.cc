// Reloading the configuration: a bad file is refused with FILE:LINE and the daemon goes on
// serving with what it had; a good file takes effect.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "lab/process.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::trunc);
  file << text;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

class Reload : public LabTest {};

TEST_F(Reload, ABadFileIsRefusedWithItsLineAndTheDaemonKeepsServingThenAGoodFileTakesEffect) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const lab::PlannedNode& node = plan().nodes[0];
  const std::string original = read_text(node.paths.public_addresses);
  ASSERT_FALSE(original.empty());
  const std::string place =
      node.paths.public_addresses + ":" + std::to_string(std::count(original.begin(), original.end(), '\n') + 1);
  const GroupPlaces before = groups_from_client();
  const auto held_before = addresses_on(node.name);

  write_text(node.paths.public_addresses, original + "198.51.100.99 eth1\n");  // no prefix length
  ToolOutput reloaded = tandem(node.name, {"reload"});
  EXPECT_NE(reloaded.exit_code, 0) << reloaded.out;
  EXPECT_NE(reloaded.err.find(place), std::string::npos)
      << "the tool's error does not name " << place << ": " << reloaded.err;

  const std::size_t logged = count_of(read_text(node.paths.log), place);
  EXPECT_GE(logged, 1u) << "the log does not name " << place;
  auto pid = lab::read_pid_file(node.paths.daemon_pid);
  ASSERT_TRUE(pid.has_value());
  ASSERT_EQ(::kill(*pid, SIGHUP), 0);
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return count_of(read_text(node.paths.log), place) > logged; }))
      << "SIGHUP did not log " << place;

  EXPECT_EQ(tandem(node.name, {"status"}).exit_code, 0) << "the daemon no longer answers";
  EXPECT_TRUE(lab().is_daemon_running(node));
  auto places = wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p == before; });
  EXPECT_TRUE(places) << "the groups moved: " << places_text(groups_from_client()) << ", were " << places_text(before);
  EXPECT_EQ(addresses_on(node.name), held_before);

  // A good file with one more (ungrouped) address, which only this node may host.
  const IpAddress added = ip("198.51.100.50");
  write_text(node.paths.public_addresses, original + "198.51.100.50/24 eth1,eth2\n");
  reloaded = tandem(node.name, {"reload"});
  EXPECT_EQ(reloaded.exit_code, 0) << reloaded.err;
  EXPECT_EQ(tandem(node.name, {"ipreallocate"}).exit_code, 0);
  auto session = lab().probe({added}, {});
  ASSERT_TRUE(session.ok()) << session.error().message();
  auto answer = (*session)->wait_for_answer(added, 0, kNodeMoveLimit);
  ASSERT_TRUE(answer.has_value()) << added << " added by the reload never answered";
  EXPECT_EQ(node_of(*answer->answer), node.name);
  EXPECT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p == before; }));
}

// Once a FIFO as ip_groups (a cluster filesystem that hangs, as the lab can make it) stopped
// the daemon's event loop at SIGHUP: its peers declared it dead and gave its group away
// while its kernel still held the addresses. Now the read is refused and the node serves on.
TEST_F(Reload, AFifoAsIpGroupsIsRefusedAndTheNodeKeepsServing) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const lab::PlannedNode& node = plan().nodes[0];
  const std::string groups_file = plan().ip_groups_file;
  const GroupPlaces before = groups_from_client();
  const auto held_before = addresses_on(node.name);
  ASSERT_FALSE(held_before.empty()) << node.name << " holds nothing to lose";

  ASSERT_EQ(::rename(groups_file.c_str(), (groups_file + ".saved").c_str()), 0);
  ASSERT_EQ(::mkfifo(groups_file.c_str(), 0600), 0);
  auto pid = lab::read_pid_file(node.paths.daemon_pid);
  ASSERT_TRUE(pid.has_value());
  ASSERT_EQ(::kill(*pid, SIGHUP), 0);
  const std::string refusal = groups_file + ": not a regular file";
  EXPECT_TRUE(wait_until(kInterfaceMoveLimit, [&] { return count_of(read_text(node.paths.log), refusal) > 0; }))
      << "SIGHUP did not log " << refusal;

  // Longer than DeadTimeout: a stalled node would have been declared dead by now.
  EXPECT_FALSE(wait_until(kInterfaceMoveLimit, [&] { return groups_from_client() != before; }))
      << "the groups moved: " << places_text(groups_from_client()) << ", were " << places_text(before);
  const ToolOutput status = tandem(plan().nodes[1].name, {"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out.find("DISCONNECTED"), std::string::npos) << status.out;
  EXPECT_EQ(addresses_on(node.name), held_before);
  const ToolOutput reloaded = tandem(node.name, {"reload"});
  EXPECT_NE(reloaded.exit_code, 0);
  EXPECT_NE(reloaded.err.find(refusal), std::string::npos) << reloaded.err;

  ASSERT_EQ(::unlink(groups_file.c_str()), 0);
  ASSERT_EQ(::rename((groups_file + ".saved").c_str(), groups_file.c_str()), 0);
  EXPECT_EQ(tandem(node.name, {"reload"}).exit_code, 0);
}

// Once a daemon started with its own mesh address listed as public and removed it from
// eth0. Now such a file is refused, naming the nodes file's line, and nothing changes.
TEST_F(Reload, ANodesAddressListedAsPublicIsRefusedNamingTheNodesLine) {
  ASSERT_NO_FATAL_FAILURE(bring_up());
  const lab::PlannedNode& node = plan().nodes[0];
  const std::string original = read_text(node.paths.public_addresses);
  const GroupPlaces before = groups_from_client();
  write_text(node.paths.public_addresses, original + node.private_address.to_string() + " eth1\n");
  const ToolOutput reloaded = tandem(node.name, {"reload"});
  EXPECT_NE(reloaded.exit_code, 0) << reloaded.out;
  EXPECT_NE(reloaded.err.find(":1: " + node.private_address.address.to_string() +
                              " is node 0's address and also a public address"),
            std::string::npos)
      << reloaded.err;
  EXPECT_EQ(tandem(node.name, {"status"}).exit_code, 0) << "the daemon no longer answers";
  EXPECT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p == before; }))
      << places_text(groups_from_client());
}

}  // namespace
}  // namespace tandem::integration
