// Daemon: one node's tandemd — the state machine wired to Linux on one Asio event loop.
//
// The only place that knows every concrete io type: it builds them from a DaemonConfig,
// turns their callbacks into cluster Events for the Node, and serves the control socket.
// Single-threaded: everything runs on the io_context's thread; hooks and lock helpers are
// child processes. It must never block the loop on anything but a netlink exchange.
#pragma once

#include <asio.hpp>
#include <spdlog/logger.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "app/daemon_config.h"
#include "app/durable_state.h"
#include "app/file_reader.h"
#include "app/source_routed_net_ops.h"
#include "app/daemon_history.h"
#include "ctl/metrics_report.h"
#include "node/node.h"
#include "sys/address_monitor.h"
#include "sys/asio_timers.h"
#include "sys/control_server.h"
#include "sys/link_monitor.h"
#include "sys/netlink_net_ops.h"
#include "sys/netlink_source_routes.h"
#include "sys/nft_serving_limiter.h"
#include "sys/packet_prober.h"
#include "sys/process_hook_runner.h"
#include "sys/sock_diag_tcp_connections.h"
#include "sys/tcp_peer_transport.h"

namespace tandem::sys {
class HelperClusterLock;
}

namespace tandem::app {

// How much longer than the machine's own bound (EventScriptTimeoutMs) a planned stop may
// take before the daemon stops anyway: the machine always ends it by then, so this only
// guards against a bug.
inline constexpr std::chrono::seconds kShutdownSpare{3};
// How long a lock helper gets to end (and so let the cluster lock go) before the loop stops.
inline constexpr std::chrono::milliseconds kLockHelperEndWait{1000};
// How long a reload's reads may take (a hung cluster filesystem) before it is refused;
// below the control socket's answer deadline, so `tandem reload` gets the reason.
inline constexpr std::chrono::milliseconds kReloadReadMax{5000};

// What a reload read and checked, off the loop.
struct ReloadRead {
  DaemonConfig config;
  std::vector<std::string> warnings;
};

class Daemon {
 public:
  // Called with a STATUS= line for systemd whenever leadership or holdings change.
  using StatusLine = std::function<void(const std::string& line)>;

  Daemon(asio::io_context& context, DaemonConfig config, std::shared_ptr<spdlog::logger> log, StatusLine status_line);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens the control socket and the peer mesh, watches links, then starts the machine,
  // which removes stale addresses and runs the startup hooks before it joins.
  Result<void> start();

  // SIGHUP and `tandem reload`: reads every file again, off the event loop (FileReader),
  // which serves on with the running configuration meanwhile; `done` gets the outcome on
  // the loop's thread. On an error ("FILE:LINE: cause", or a read that did not finish
  // within kReloadReadMax; logged and given to `done`) the running configuration stays in
  // force.
  void reload_files(std::function<void(const Result<void>&)> done = nullptr);

  // SIGTERM: a planned stop (docs/design/cluster.md). The machine takes nothing more,
  // releases with its hooks, tells the leader and steps down; once it is done (or
  // EventScriptTimeoutMs + kShutdownSpare later) the daemon removes whatever is still held
  // (shutdown()), lets a lock helper end (at most kLockHelperEndWait) and calls `done` on
  // the loop's thread. A second call does nothing: to stop at once, call shutdown().
  void shutdown(std::function<void()> done);

  // The last resort, synchronous: removes every address the machine still holds, gives
  // the lock up and closes the control socket.
  void shutdown();

  // True once a fatal error stopped the daemon (tandemd then exits 1).
  bool has_failed() const { return has_failed_; }
  // `tandem statistics` and `tandem metrics`: the counters and gauges of this node now.
  ctl::MetricsReport metrics() const;

 private:
  void stop_on_fatal_error(const Error& error);
  void handle(const cluster::Event& event);
  void on_lock_outcome(cluster::LockState state);
  void on_addresses_changed();
  void on_control_request(const std::string& request, sys::Responder responder);
  void answer_status(std::uint64_t request_id, const proto::StatusReply& status);
  void answer_admin(std::uint64_t request_id, bool ok, const std::string& message);
  void log_action(const cluster::Log& line);
  void report_status_line();
  std::unique_ptr<io::ClusterLock> make_lock();
  void apply_running_config();
  void apply_reload(ReloadRead read);
  node::NodeIo node_io();
  void finish_shutdown();
  void wait_for_lock_helper(TimePoint until);
  void write_metrics_textfile();

  asio::io_context& context_;
  DaemonConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  StatusLine status_line_;
  std::string last_status_line_;
  std::optional<cluster::LockState> last_lock_state_;  // logged when it changes, not per try

  sys::AsioTimers timers_;
  sys::NetlinkNetOps net_;
  sys::NetlinkSourceRoutes source_routes_;
  SourceRoutedNetOps routed_net_;                // net_ with per-IP source routing: what the node uses
  sys::SockDiagTcpConnections tcp_connections_;  // tickle lists, tickle ACKs, planned resets
  sys::LinkMonitor links_;
  sys::AddressMonitor address_watch_;  // addresses changed behind the daemon's back
  FileReader reader_;                  // a reload's reads
  sys::ProcessHookRunner hooks_;
  sys::PacketProber prober_;  // reachability probes ([reachability] in tandem.conf)
  std::unique_ptr<sys::TcpPeerTransport> transport_;
  std::unique_ptr<io::ClusterLock> lock_;
  sys::HelperClusterLock* helper_lock_ = nullptr;  // lock_, when it is a helper
  // The kernel's bound on what the addresses serve (docs/design/cluster.md): made before
  // node_, which uses it, and outliving it; its tables outlive the daemon.
  std::unique_ptr<sys::NftServingLimiter> limiter_;
  // The state directory's durable state (app/durable_state.h): made before node_, which uses it.
  std::unique_ptr<DurableStateFile> durable_;
  std::unique_ptr<node::Node> node_;
  std::unique_ptr<sys::ControlServer> control_;

  // What `tandem history` shows, and the [metrics] textfile's last contents and error.
  DaemonHistory history_;
  WallTime started_ = std::chrono::system_clock::now();
  std::string textfile_written_;
  std::string textfile_error_;

  std::uint64_t next_request_id_ = 1;
  std::map<std::uint64_t, sys::Responder> pending_;

  // The planned stop: its callback, its hard bound, and the wait for the lock helper.
  std::function<void()> shutdown_done_;
  bool is_finishing_ = false;
  bool has_failed_ = false;
  asio::steady_timer shutdown_bound_;
  asio::steady_timer shutdown_wait_;
};

}  // namespace tandem::app
