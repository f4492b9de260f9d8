#include "app/daemon.h"

#include <unistd.h>

#include <random>

#include "app/daemon_config_check.h"
#include "app/daemon_log.h"
#include "app/host_settings.h"
#include "app/config_check.h"
#include "app/daemon_metrics.h"
#include "app/metrics_textfile.h"
#include "sys/cluster_key.h"
#include "sys/file_cluster_lock.h"
#include "sys/helper_cluster_lock.h"
#include "sys/local_addresses.h"
#include "sys/nft_serving_limiter.h"
#include "sys/lock_outcome.h"
#include "sys/trusted_path.h"

namespace tandem::app {

namespace {

asio::ip::tcp::endpoint endpoint_of(const IpAddress& address, std::uint16_t port) {
  return {asio::ip::make_address(address.to_string()), port};
}

std::uint64_t fresh_seed() {
  // The election jitter only has to differ between nodes and lives; it is no secret.
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

cluster::LockState to_lock_state(sys::LockOutcome outcome) {
  switch (outcome) {
    case sys::LockOutcome::kHeld:
      return cluster::LockState::kHeld;
    case sys::LockOutcome::kContended:
      return cluster::LockState::kContended;
    case sys::LockOutcome::kLost:
      return cluster::LockState::kLost;
  }
  return cluster::LockState::kLost;
}

// What tandemd reads or runs as root must be there and trusted (docs/design/trust.md):
// the events and state directories are made when missing; a file cluster lock needs its
// directory, since without it no node could ever lead.
Result<void> check_paths(const config::Settings& settings) {
  const auto& paths = settings.paths;
  if (auto events = sys::ensure_trusted_directory(paths.events, "events directory", ::geteuid()); !events) {
    return events;
  }
  if (auto state = sys::ensure_trusted_directory(paths.state, "state directory", ::geteuid()); !state) return state;
  if (settings.cluster_lock.kind == config::ClusterLockSetting::Kind::kFile) {
    return sys::check_lock_path(settings.cluster_lock.file);
  }
  return success();
}

}  // namespace

Daemon::Daemon(asio::io_context& context, DaemonConfig config, std::shared_ptr<spdlog::logger> log,
               StatusLine status_line)
    : context_(context),
      config_(std::move(config)),
      log_(std::move(log)),
      status_line_(std::move(status_line)),
      timers_(context, [this] { handle(cluster::Tick{}); }),
      net_(config_.public_interfaces(), logger_of(log_)),
      routed_net_(net_, source_routes_, config_.settings.routing, logger_of(log_)),
      tcp_connections_(logger_of(log_).prefixed("tcp connections: ")),
      links_(
          context, config_.public_interfaces(),
          [this](InterfaceName interface, LinkState state) {
            handle(cluster::LinkChanged{std::move(interface), state});
          },
          logger_of(log_), [this](const Error& error) { stop_on_fatal_error(error); }),
      address_watch_(
          context, config_.public_interfaces(), [this] { on_addresses_changed(); }, logger_of(log_),
          [this](const Error& error) {
            log_->error("{}; addresses changed behind this daemon's back are no longer seen", error.message());
          }),
      reader_(context, kReloadReadMax),
      hooks_(
          context, config_.settings.paths.events,
          std::chrono::milliseconds(config_.settings.tunables.event_script_timeout_ms),
          [this](std::uint64_t id, bool ok) {
            handle(cluster::HookFinished{id, ok});
          },
          logger_of(log_)),
      prober_(
          context,
          [this](const InterfaceName& interface, const IpAddress& target) {
            handle(cluster::ProbeAnswered{interface, target});
          },
          logger_of(log_)),
      shutdown_bound_(context),
      shutdown_wait_(context) {
  hooks_.set_outcome_observer(
      [this](const sys::HookOutcome& outcome) { history_.add(std::chrono::system_clock::now(), outcome); });
}

Daemon::~Daemon() = default;

// A part without which the node cannot keep its promises (it would no longer see a link
// fail) ends the daemon with a planned stop and exit code 1, so systemd restarts it.
void Daemon::stop_on_fatal_error(const Error& error) {
  log_->error("{}; stopping the daemon", error.message());
  has_failed_ = true;
  shutdown([this] { context_.stop(); });
}

std::unique_ptr<io::ClusterLock> Daemon::make_lock() {
  const auto& setting = config_.settings.cluster_lock;
  auto on_outcome = [this](sys::LockOutcome outcome) { on_lock_outcome(to_lock_state(outcome)); };
  const sys::Logger log = logger_of(log_).prefixed("cluster lock: ");
  switch (setting.kind) {
    case config::ClusterLockSetting::Kind::kNone:
      return nullptr;
    case config::ClusterLockSetting::Kind::kFile:
      return std::make_unique<sys::FileClusterLock>(context_, setting.file, on_outcome, log);
    case config::ClusterLockSetting::Kind::kHelper: {
      auto helper = std::make_unique<sys::HelperClusterLock>(context_, setting.helper, on_outcome, log);
      helper_lock_ = helper.get();
      return helper;
    }
  }
  return nullptr;
}

node::NodeIo Daemon::node_io() {
  return node::NodeIo{
      .timers = timers_,
      .transport = *transport_,
      .net = routed_net_,
      .hooks = hooks_,
      .lock = lock_.get(),
      .reply = [this](std::uint64_t id, bool ok, const std::string& message) { answer_admin(id, ok, message); },
      .status = [this](std::uint64_t id, const proto::StatusReply& status) { answer_status(id, status); },
      .log = [this](const cluster::Log& line) { log_action(line); },
      // Called from inside Node::handle(): finish outside it.
      .shutdown_done = [this] { asio::post(context_, [this] { finish_shutdown(); }); },
      .limiter = limiter_.get(),
      .store = durable_.get(),
      .prober = &prober_,
      .connections = &tcp_connections_,
  };
}

Result<void> Daemon::start() {
  auto checked = check_daemon_config(config_);
  if (!checked) return fail(checked.error());
  for (const auto& warning : *checked) log_->warn("configuration: {}", warning);
  // The lock's directory and the key may be on the cluster filesystem: read them bounded.
  auto usable =
      read_before_loop<bool>("checking the paths", kReloadReadMax, [settings = config_.settings]() -> Result<bool> {
        if (auto paths = check_paths(settings); !paths) return fail(paths.error());
        return true;
      });
  if (!usable) return fail(usable.error());
  // What this node voted and led is read before anything else happens; a file that cannot
  // be trusted stops the start here (docs/design/cluster.md, "Durable state").
  const std::string durable_path = durable_state_path(config_.settings.paths.state);
  auto durable = load_durable_state(durable_path, config_.self);
  if (!durable) return fail(durable.error());
  durable_ = std::make_unique<DurableStateFile>(durable_path, config_.self, [this](const Error& error) {
    asio::post(context_, [this, error] { stop_on_fatal_error(error); });  // not from inside Node::handle()
  });
  apply_host_settings(config_.public_addresses, config_.settings.manage_host_settings,
                      host_settings_place(config_.settings.paths.state), *log_);
  auto key =
      read_before_loop<sys::ClusterKey>("reading the cluster key", kReloadReadMax,
                                        [file = config_.settings.key_file] { return sys::load_cluster_key(file); });
  if (!key) return fail(key.error());
  const auto addresses = config_.node_addresses();
  sys::TcpPeerTransportConfig mesh{.self = config_.self,
                                   .listen = endpoint_of(addresses.at(config_.self), config_.settings.port),
                                   .peers = {},
                                   .key = *key};
  for (const auto& [node, address] : addresses) {
    if (node != config_.self) mesh.peers.emplace(node, endpoint_of(address, config_.settings.port));
  }
  transport_ = std::make_unique<sys::TcpPeerTransport>(
      context_, std::move(mesh),
      [this](NodeId from, proto::Message message) {
        handle(cluster::PeerMessage{from, std::move(message)});
      },
      logger_of(log_));
  lock_ = make_lock();
  auto limiter = sys::NftServingLimiter::create(sys::steady_now);
  if (!limiter) return fail(limiter.error());
  limiter_ = std::move(limiter).value();
  node_ = std::make_unique<node::Node>(to_node_config(config_, fresh_seed()), node_io());
  node_->set_move_observer(
      [this](const node::MoveRecord& record) { history_.add(std::chrono::system_clock::now(), record); });

  control_ = std::make_unique<sys::ControlServer>(
      context_, config_.settings.paths.socket,
      [this](const std::string& request, sys::Responder responder) {
        on_control_request(request, std::move(responder));
      },
      logger_of(log_).prefixed("control socket: "));
  if (auto listening = control_->start(); !listening) return fail(listening.error());
  if (auto listening = links_.start(); !listening) return fail(listening.error());
  auto links = links_.current_links();
  if (!links) return fail(links.error());
  if (auto listening = address_watch_.start(); !listening) return fail(listening.error());
  if (auto listening = transport_->start(); !listening) return fail(listening.error());
  // Rules and routes a crashed daemon left behind go before anything is taken, as stale
  // addresses do (the machine removes those).
  routed_net_.remove_all_routes("start");
  handle(cluster::Start{net_.list_addresses(), *links, *durable});
  return success();
}

void Daemon::handle(const cluster::Event& event) {
  node_->handle(event, sys::steady_now());
  report_status_line();
  write_metrics_textfile();
}

ctl::MetricsReport Daemon::metrics() const {
  const auto& machine = node_->machine();
  return build_metrics(MetricsInput{
      .self = config_.self,
      .statistics = node_->statistics(),
      .mesh = transport_ ? transport_->counters() : sys::MeshCounters{},
      .leader = machine.leader(),
      .is_leader = machine.is_leader(),
      .epoch = machine.epoch(),
      .has_lease = machine.has_lease(sys::steady_now()),
      .flags = machine.flags(),
      .links = node_->links(),
      .held = machine.held(),
      .start_time_seconds = std::chrono::duration<double>(started_.time_since_epoch()).count(),
  });
}

// Rewritten whenever the text changes; an error is logged once until it changes or heals.
void Daemon::write_metrics_textfile() {
  const std::string& path = config_.settings.metrics_textfile;
  if (path.empty()) return;
  std::string text = ctl::prometheus_text(metrics());
  if (text == textfile_written_) return;
  if (auto written = write_file_atomically(path, text); !written) {
    if (written.error().message() != textfile_error_) log_->warn("metrics textfile: {}", written.error().message());
    textfile_error_ = written.error().message();
    return;
  }
  textfile_error_.clear();
  textfile_written_ = std::move(text);
}

// Netlink said the public interfaces' addresses changed. What the kernel holds is read now,
// after every add and remove the machine asked for was carried out (Node::handle does
// them before it returns), so the machine sees its own changes as agreeing with what it
// holds and repairs only what someone else did (cluster/address_audit.h).
void Daemon::on_addresses_changed() {
  // Once the stop is finishing, the daemon itself removes what the machine still lists.
  if (!node_ || is_finishing_) return;
  auto found = net_.read_addresses();
  if (!found) {
    log_->warn("address watch: {}", found.error().message());
    return;
  }
  handle(cluster::AddressesSeen{std::move(*found)});
}

void Daemon::on_lock_outcome(cluster::LockState state) {
  static constexpr std::array<std::string_view, 3> kWords{"held", "contended", "lost"};
  // A contended lock is tried again every few hundred milliseconds: one line per change.
  if (state != last_lock_state_) log_->info("cluster lock {}", kWords[static_cast<std::size_t>(state)]);
  last_lock_state_ = state;
  handle(cluster::LockChanged{state});
}

void Daemon::log_action(const cluster::Log& line) {
  switch (line.level) {
    case cluster::Log::Level::kInfo:
      log_->info("{}", line.text);
      break;
    case cluster::Log::Level::kWarning:
      log_->warn("{}", line.text);
      break;
    case cluster::Log::Level::kError:
      log_->error("{}", line.text);
      break;
  }
}

void Daemon::report_status_line() {
  const auto& machine = node_->machine();
  std::string line = machine.is_leader() ? "leader" : "follower";
  if (const auto leader = machine.leader(); leader && !machine.is_leader()) {
    line += " of node " + std::to_string(leader->value());
  }
  line += ", epoch " + std::to_string(machine.epoch()) + ", holding " + std::to_string(machine.held().size()) +
          " public IP" + (machine.held().size() == 1 ? "" : "s");
  if (line == last_status_line_) return;
  last_status_line_ = line;
  if (status_line_) status_line_(line);
}

namespace {

// Everything a reload reads and checks, on FileReader's thread: it touches nothing the
// loop owns. The key is checked again too (a key made readable to others since start is
// refused), though a new key, like a new key_file, takes effect at the next restart.
Result<ReloadRead> read_for_reload(const std::string& path) {
  auto local = sys::local_addresses();
  if (!local) return fail(local.error());
  auto config = load_daemon_config(path, *local);
  if (!config) return fail(config.error());
  auto checked = check_daemon_config(*config);
  if (!checked) return fail(checked.error());
  if (auto key = sys::load_cluster_key(config->settings.key_file); !key) return fail(key.error());
  auto events = sys::ensure_trusted_directory(config->settings.paths.events, "events directory", ::geteuid());
  if (!events) return fail(events.error());
  return ReloadRead{std::move(*config), std::move(*checked)};
}

}  // namespace

void Daemon::reload_files(std::function<void(const Result<void>&)> done) {
  reader_.read<ReloadRead>(
      "reading the configuration", [path = config_.path] { return read_for_reload(path); },
      [this, done = std::move(done)](Result<ReloadRead> read) {
        if (!read) {
          log_->error("reload refused, the running configuration stays in force: {}", read.error().message());
          if (done) done(fail(read.error()));
          return;
        }
        apply_reload(std::move(*read));
        if (done) done(success());
      });
}

void Daemon::apply_reload(ReloadRead read) {
  DaemonConfig& config = read.config;
  for (const auto& warning : read.warnings) log_->warn("reload: configuration: {}", warning);
  if (config.nodes != config_.nodes || config.self != config_.self || config.settings.port != config_.settings.port ||
      config.settings.key_file != config_.settings.key_file ||
      config.settings.cluster_lock != config_.settings.cluster_lock ||
      config.settings.paths.socket != config_.settings.paths.socket) {
    log_->warn(
        "reload: the nodes, the port, the key, the cluster lock or the socket changed; "
        "they take effect at the next restart");
  }
  if (config.public_interfaces() != config_.public_interfaces()) {
    log_->warn(
        "reload: the set of public interfaces changed; interfaces new to this daemon are "
        "watched after the next restart");
  }
  auto kept = std::move(config_);
  config_ = std::move(config);
  // What needs a restart keeps its running value, so the state machine never sees a node
  // list or identity that the mesh does not match.
  config_.nodes = kept.nodes;
  config_.self = kept.self;
  config_.settings.port = kept.settings.port;
  config_.settings.key_file = kept.settings.key_file;
  config_.settings.cluster_lock = kept.settings.cluster_lock;
  config_.settings.paths.socket = kept.settings.paths.socket;
  apply_host_settings(config_.public_addresses, config_.settings.manage_host_settings,
                      host_settings_place(config_.settings.paths.state), *log_);
  apply_running_config();
  if (config_.settings.routing != kept.settings.routing) {
    log_->info("reload: [routing] changed: installing the source routing of every held public IP again");
    for (const auto& held : node_->machine().held()) routed_net_.reinstall(held.prefix, held.interface);
  }
  log_->info("reload: configuration from {} in force", config_.path);
}

void Daemon::apply_running_config() {
  hooks_.set_events_dir(config_.settings.paths.events);
  hooks_.set_timeout(std::chrono::milliseconds(config_.settings.tunables.event_script_timeout_ms));
  handle(cluster::Reconfigure{to_node_config(config_, 0)});
}

void Daemon::shutdown(std::function<void()> done) {
  if (shutdown_done_) return;
  shutdown_done_ = std::move(done);
  const auto bound = std::chrono::milliseconds(config_.settings.tunables.event_script_timeout_ms) + kShutdownSpare;
  shutdown_bound_.expires_after(bound);
  shutdown_bound_.async_wait([this, bound](const asio::error_code& error) {
    if (error) return;
    log_->error("planned stop: not done within {} ms: stopping now",
                std::chrono::duration_cast<std::chrono::milliseconds>(bound).count());
    finish_shutdown();
  });
  log_->info("planned stop: releasing this node's public addresses, then leaving the cluster");
  handle(cluster::Shutdown{});
}

void Daemon::finish_shutdown() {
  if (is_finishing_) return;
  is_finishing_ = true;
  shutdown_bound_.cancel();
  shutdown();
  wait_for_lock_helper(sys::steady_now() + kLockHelperEndWait);
}

// A helper ends after its SIGTERM (and SIGKILL after its grace); destroying the lock while
// one runs would SIGKILL it at once, so the loop runs on for a while. The first pause also
// lets the last frames leave.
void Daemon::wait_for_lock_helper(TimePoint until) {
  shutdown_wait_.expires_after(std::chrono::milliseconds(20));
  shutdown_wait_.async_wait([this, until](const asio::error_code& error) {
    if (error) return;
    const bool is_running = helper_lock_ != nullptr && helper_lock_->helpers_running() > 0;
    if (is_running && sys::steady_now() < until) {
      wait_for_lock_helper(until);
      return;
    }
    if (is_running) log_->warn("planned stop: the cluster lock helper still runs; stopping anyway");
    log_->info("planned stop: done");
    if (shutdown_done_) shutdown_done_();
  });
}

void Daemon::shutdown() {
  for (const auto& held : node_->machine().held()) {
    if (auto done = routed_net_.remove_address(held.prefix, held.interface); !done) {
      log_->error("shutdown: {}", done.error().message());
    } else {
      log_->info("shutdown: released {} from {}", held.prefix.to_string(), held.interface.value());
    }
  }
  routed_net_.remove_all_routes("shutdown");
  (void)restore_host_settings(host_settings_place(config_.settings.paths.state), *log_);  // logged
  if (lock_) lock_->release();
  control_.reset();
}

}  // namespace tandem::app
