// Load for the false-failover measurement: child processes this benchmark owns.
//
// Each kind is a forked child that runs until killed: `cpu` spins; `disk` writes and
// fsyncs a scratch file in a loop (truncated every 256 MiB); `net` enters the client's
// network namespace and sends UDP datagrams to every public IP as fast as it can (the
// nodes answer with rate-limited ICMP; the point is the softirq and bridge work). Every
// child gets PR_SET_PDEATHSIG(SIGKILL), so none outlives the benchmark, and the owner kills
// them by pid (and reaps them) when it goes. Children do only system calls after fork().
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "model/ip_address.h"

namespace tandem::bench {

struct LoadSpec {
  int cpu_processes = 0;
  bool has_disk = false;
  std::string disk_dir = "/var/tmp";
  bool has_net = false;
  std::string client_netns;        // for net
  std::vector<IpAddress> targets;  // for net: IPv4 addresses only
};

class LoadProcesses {
 public:
  static Result<LoadProcesses> start(const LoadSpec& spec);
  ~LoadProcesses();
  LoadProcesses(LoadProcesses&& other) noexcept;
  LoadProcesses& operator=(LoadProcesses&& other) noexcept;
  LoadProcesses(const LoadProcesses&) = delete;
  LoadProcesses& operator=(const LoadProcesses&) = delete;

  const std::vector<pid_t>& pids() const { return pids_; }
  // Kills and reaps every child; removes the scratch file.
  void stop();

 private:
  LoadProcesses() = default;

  std::vector<pid_t> pids_;
  std::string scratch_file_;
};

}  // namespace tandem::bench
