// Lab: builds a tandem-lab cluster, injects its faults, reads its state, and takes it down.
//
// The executor of a LabPlan (lab_plan.h): it runs the plan's `ip`/`sysctl` commands
// (command_runner.h), writes its files, starts a tandemd and a probe listener per node,
// and records their pids in the state dir. Every verb of `tandem-lab` is one method here,
// so integration tests and bench/failover drive the same code as the command line.
//
// Contract:
//  - It touches only namespaces named by its prefix (lab_plan.h, is_lab_namespace), the
//    state dir root/prefix, and processes it started, found by pid and checked by their
//    command line (process.h).
//  - down() needs nothing but the prefix: it works after the lab itself crashed, and twice.
//  - A fault method returns once the fault is in effect in the kernel: mark a
//    FailoverClock right after it.
//  - Methods are not thread-safe against each other; the ProbeSession they hand out is.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "lab/lab_plan.h"
#include "lab/lab_record.h"
#include "lab/lab_status.h"
#include "lab/probe_session.h"

namespace tandem::lab {

struct UpOptions {
  LabOptions lab;
  bool has_daemons = true;                       // false: build the network and the listeners only
  std::string tandemd;                           // the daemon's executable; needed with daemons
  std::string lab_program;                       // tandem-lab's executable: `listen` runs the probe listeners
  std::string iscsi_hook;                        // with lab.has_iscsi: examples/iscsi-tgt/60.iscsi-tgt
  std::chrono::milliseconds ready_limit{20000};  // for every public IP to answer
};

class Lab {
 public:
  // Takes down any lab with the same prefix, then builds this one. With daemons, returns
  // once every public IP answers from the client; an error after `ready_limit` leaves the
  // lab up for a look at the logs (down() removes it).
  static Result<Lab> up(const UpOptions& options);
  // The lab that `up` built under `prefix` (reads its lab.json).
  static Result<Lab> open(const std::string& prefix, const std::string& state_root = "/run");
  // Kills the lab's daemons and listeners, deletes its namespaces and its state dir.
  static Result<void> down(const std::string& prefix, const std::string& state_root = "/run");

  const LabPlan& plan() const { return plan_; }
  const LabRecord& record() const { return record_; }
  std::vector<IpAddress> public_ips() const;

  // NODE is "n0" or "0"; INTERFACE is "eth1" (eth0 is the private network).
  // The switch-side port goes down or up: the node sees NO-CARRIER, as for a pulled cable.
  Result<void> nic_down(std::string_view node, std::string_view interface) const;
  Result<void> nic_up(std::string_view node, std::string_view interface) const;
  // A dead path behind a live carrier (`deadpath`), and its end (`livepath`): the node's
  // switch port stops forwarding (bridge port state disabled) while the node's interface
  // keeps its carrier; `forwards` true puts it back to forwarding. A `nic-up` of the port
  // forwards again too (the bridge sets an enabled port forwarding).
  Result<void> set_path(std::string_view node, std::string_view interface, bool forwards) const;
  // Power loss: every port of the node down, then SIGKILL of its daemon, and of its tgtd
  // with --iscsi (its addresses stay in the kernel, unreachable).
  Result<void> crash(std::string_view node) const;
  // Power back: the addresses and neighbour cache go (a rebooted machine has none), the
  // ports come up, the node's tgtd starts with no target (--iscsi), the daemon starts.
  Result<void> restart(std::string_view node) const;
  // Daemon crash: SIGKILL, then `tandemd --release-all` as systemd's ExecStopPost would.
  Result<void> kill(std::string_view node) const;
  // Daemon crash with nothing after it (no systemd): SIGKILL alone. The addresses stay in
  // the kernel; only its serving limit (docs/design/cluster.md) ends what they serve.
  Result<void> kill_alone(std::string_view node) const;
  // A stalled daemon (a hung loop, a page-in storm): SIGSTOP, then SIGCONT after `span`.
  // Returns once the daemon runs again.
  Result<void> stall(std::string_view node, std::chrono::milliseconds span) const;
  // The two halves of stall(): SIGSTOP of the node's tandemd, and SIGCONT.
  Result<void> pause(std::string_view node) const;
  Result<void> resume(std::string_view node) const;
  Result<void> start(std::string_view node) const;
  // Cuts the listed nodes' private network off from the others' (their ports move to a
  // bridge of their own); the public links stay up. heal() joins them again.
  Result<void> partition(const std::vector<std::string>& nodes) const;
  Result<void> heal() const;
  // Something other than tandemd removes `address` from the node's kernel (an
  // administrator's `ip addr del`, NetworkManager): gives the interface it was on.
  Result<std::string> delete_address(std::string_view node, const IpAddress& address) const;

  // From the kernel and the pid files, not from the daemons.
  Result<LabStatus> status() const;

  // The namespace of a node ("n0", "0"), of "client" or of "sw".
  Result<std::string> netns_of(std::string_view target) const;
  // `ip -n NETNS ARGS...` in that namespace; gives stdout.
  Result<std::string> ip(std::string_view target, std::vector<std::string> arguments) const;

  // A prober in the client namespace on every public IP (or on `addresses`).
  Result<std::unique_ptr<ProbeSession>> probe(ProbeOptions options = {}) const;
  Result<std::unique_ptr<ProbeSession>> probe(std::vector<IpAddress> addresses, ProbeOptions options) const;

  // Every listener answers on its node's loopback, within `limit`.
  Result<void> wait_for_listeners(std::chrono::milliseconds limit) const;
  // Every public IP answers from the client within `limit`; fails early, quoting its log,
  // when a daemon has exited.
  Result<void> wait_until_ready(std::chrono::milliseconds limit) const;

  bool is_daemon_running(const PlannedNode& node) const;

 private:
  Lab(LabRecord record, LabPlan plan) : record_(std::move(record)), plan_(std::move(plan)) {}

  Result<const PlannedNode*> find_node(std::string_view name) const;
  Result<int> find_link(const PlannedNode& node, std::string_view interface) const;
  Result<void> set_ports(const PlannedNode& node, bool is_up) const;
  Result<void> start_daemon(const PlannedNode& node) const;
  Result<void> start_listener(const PlannedNode& node) const;
  Result<void> kill_daemon(const PlannedNode& node) const;
  Result<void> signal_daemon(std::string_view node, int signal) const;
  Result<void> check_daemons_alive() const;
  // --iscsi (lab_iscsi.cc): the hook, its configuration and the backing files; a node's
  // tgtd, started and waited for until it answers on its control port, or killed.
  Result<void> install_iscsi() const;
  Result<void> start_tgtd(const PlannedNode& node) const;
  Result<void> kill_tgtd(const PlannedNode& node) const;

  LabRecord record_;
  LabPlan plan_;
};

// What identifies each started process in its command line (process.h).
std::vector<std::string> daemon_markers(const PlannedNode& node);
std::vector<std::string> listener_markers(const LabOptions& options, const PlannedNode& node);
std::vector<std::string> tgtd_markers(const PlannedNode& node);

}  // namespace tandem::lab
