#include "sys/test_namespace.h"

#include <fcntl.h>
#include <signal.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "base/unique_fd.h"
#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

std::atomic<int> next_namespace{0};

bool run_command(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

constexpr std::string_view kNamePrefix = "tdm-t-";

// Deletes the namespaces that test processes which no longer exist left behind (a crash or
// a kill skips destructors). Only names with this prefix and a dead creator are touched.
void delete_abandoned_namespaces() {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", error)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(kNamePrefix)) continue;
    std::string rest = name.substr(kNamePrefix.size());
    int pid = std::atoi(rest.substr(0, rest.find('-')).c_str());
    if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) run_command("ip netns delete " + name);
  }
}

}  // namespace

std::string TestNamespace::reason_to_skip() {
  if (::geteuid() != 0) return "netns tests need root (CAP_NET_ADMIN) to create network namespaces";
  if (!run_command("ip -V")) return "netns tests need iproute2's `ip` on PATH";
  return "";
}

Result<void> TestNamespace::create(TestNamespace& into) {
  delete_abandoned_namespaces();
  std::string name = std::string(kNamePrefix) + std::to_string(::getpid()) + "-" + std::to_string(next_namespace++);
  if (!run_command("ip netns add " + name)) {
    return fail("test namespace", "cannot create network namespace " + name);
  }
  into.name_ = name;
  std::string veth = std::string("link add ") + kSwitchSide + " type veth peer name " + kNodeSide;
  if (!into.ip(veth) || !into.ip(std::string("link set ") + kSwitchSide + " up") ||
      !into.ip(std::string("link set ") + kNodeSide + " up")) {
    return fail("test namespace", "cannot create the veth pair in " + name);
  }
  return success();
}

TestNamespace::~TestNamespace() {
  if (!name_.empty()) run_command("ip netns delete " + name_);
}

bool TestNamespace::ip(const std::string& arguments) const { return run_command("ip -n " + name_ + " " + arguments); }

bool TestNamespace::run(const std::function<void()>& body, std::string& error) const {
  bool has_entered = false;
  std::thread thread([&] {
    UniqueFd handle(::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC));
    if (!handle.is_valid() || ::setns(handle.get(), CLONE_NEWNET) != 0) {
      error = "cannot enter network namespace " + name_ + ": " + error_text(errno);
      return;
    }
    has_entered = true;
    body();
  });
  thread.join();
  return has_entered;
}

}  // namespace tandem::sys
