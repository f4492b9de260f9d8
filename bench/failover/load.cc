#include "failover/load.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tandem::bench {
namespace {

constexpr std::size_t kDiskBlock = 1 << 20;
constexpr off_t kDiskFileMax = off_t{256} << 20;
constexpr std::size_t kDatagramBytes = 1200;

[[noreturn]] void spin() {
  volatile std::uint64_t counter = 0;
  for (;;) counter = counter + 1;
}

[[noreturn]] void write_disk(int fd, const char* block) {
  off_t written = 0;
  for (;;) {
    if (::write(fd, block, kDiskBlock) < 0) ::_exit(1);
    written += static_cast<off_t>(kDiskBlock);
    if (written % (off_t{16} << 20) == 0) ::fsync(fd);
    if (written >= kDiskFileMax) {
      if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) ::_exit(1);
      written = 0;
    }
  }
}

[[noreturn]] void send_datagrams(int netns_fd, const std::vector<sockaddr_in>& targets, const char* payload) {
  if (::setns(netns_fd, CLONE_NEWNET) != 0) ::_exit(1);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) ::_exit(1);
  for (;;) {
    for (const auto& target : targets) {
      (void)::sendto(fd, payload, kDatagramBytes, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&target),
                     sizeof target);
    }
  }
}

// Forks a child that runs `body` (which never returns) and dies with its parent.
template <typename Body>
Result<pid_t> fork_child(Body body) {
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return fail("load", std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);  // the parent died before prctl
    body();
  }
  return pid;
}

std::vector<sockaddr_in> ipv4_targets(const std::vector<IpAddress>& addresses) {
  std::vector<sockaddr_in> targets;
  for (const auto& address : addresses) {
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(9);  // discard
    if (::inet_pton(AF_INET, address.to_string().c_str(), &target.sin_addr) == 1) targets.push_back(target);
  }
  return targets;
}

}  // namespace

Result<LoadProcesses> LoadProcesses::start(const LoadSpec& spec) {
  LoadProcesses load;
  for (int i = 0; i < spec.cpu_processes; ++i) {
    auto pid = fork_child([] { spin(); });
    if (!pid) return fail(pid.error());
    load.pids_.push_back(*pid);
  }
  if (spec.has_disk) {
    load.scratch_file_ = spec.disk_dir + "/tandem-bench-load-" + std::to_string(::getpid());
    int fd = ::open(load.scratch_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail(load.scratch_file_, std::string("cannot create: ") + std::strerror(errno));
    static const std::vector<char> block(kDiskBlock, 'x');
    auto pid = fork_child([fd] { write_disk(fd, block.data()); });
    ::close(fd);
    if (!pid) return fail(pid.error());
    load.pids_.push_back(*pid);
  }
  if (spec.has_net) {
    std::string path = "/run/netns/" + spec.client_netns;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(path, std::string("cannot open: ") + std::strerror(errno));
    const auto targets = ipv4_targets(spec.targets);
    static const std::vector<char> payload(kDatagramBytes, 'x');
    auto pid = fork_child([fd, &targets] { send_datagrams(fd, targets, payload.data()); });
    ::close(fd);
    if (!pid) return fail(pid.error());
    load.pids_.push_back(*pid);
  }
  return load;
}

LoadProcesses::~LoadProcesses() { stop(); }

LoadProcesses::LoadProcesses(LoadProcesses&& other) noexcept
    : pids_(std::exchange(other.pids_, {})), scratch_file_(std::exchange(other.scratch_file_, {})) {}

LoadProcesses& LoadProcesses::operator=(LoadProcesses&& other) noexcept {
  if (this != &other) {
    stop();
    pids_ = std::exchange(other.pids_, {});
    scratch_file_ = std::exchange(other.scratch_file_, {});
  }
  return *this;
}

void LoadProcesses::stop() {
  for (pid_t pid : pids_) ::kill(pid, SIGKILL);
  for (pid_t pid : pids_) ::waitpid(pid, nullptr, 0);
  pids_.clear();
  if (!scratch_file_.empty()) ::unlink(scratch_file_.c_str());
  scratch_file_.clear();
}

}  // namespace tandem::bench
