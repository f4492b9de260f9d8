// tandemd: the Tandem daemon of one node (docs/design/runtime.md).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include <asio.hpp>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>

#include "app/daemon.h"
#include "app/daemon_log.h"
#include "app/config_check.h"
#include "app/daemon_config.h"
#include "app/file_reader.h"
#include "app/host_settings.h"
#include "sys/local_addresses.h"
#include "sys/netlink_net_ops.h"
#include "sys/netlink_source_routes.h"
#include "sys/nft_serving_limiter.h"
#include "sys/systemd_notifier.h"

namespace {

using tandem::app::DaemonConfig;

struct Options {
  std::string config = "/etc/tandem/tandem.conf";
  std::string log_level = "info";
  std::string log_target;  // "", "stderr" or "journal"
  bool release_all = false;
};

std::shared_ptr<spdlog::logger> make_logger(const Options& options) {
  const bool to_journal =
      options.log_target == "journal" || (options.log_target.empty() && std::getenv("JOURNAL_STREAM") != nullptr);
  spdlog::sink_ptr sink;
  if (to_journal) {
    sink = std::make_shared<spdlog::sinks::systemd_sink_st>("tandemd");
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
  }
  auto logger = std::make_shared<spdlog::logger>("tandemd", sink);
  // The journal stamps its own time; stderr (the lab, a terminal) wants milliseconds.
  logger->set_pattern(to_journal ? "%v" : "%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(options.log_level));
  logger->flush_on(spdlog::level::trace);
  return logger;
}

// Bounded as a reload's read is (kReloadReadMax): a configuration on a filesystem that hangs
// ends the start with an error instead of a daemon that never starts nor says why. A FIFO,
// a device or /dev/zero is refused at once (`FILE: not a regular file`, sys/bounded_file.h).
tandem::Result<DaemonConfig> load(const std::string& path) {
  return tandem::app::read_before_loop<DaemonConfig>("reading the configuration", tandem::app::kReloadReadMax,
                                                     [path]() -> tandem::Result<DaemonConfig> {
                                                       auto local = tandem::sys::local_addresses();
                                                       if (!local) return tandem::fail(local.error());
                                                       return tandem::app::load_daemon_config(path, *local);
                                                     });
}

// systemd's ExecStopPost: whatever state the daemon died in, no public address stays, and
// the host settings it changed are as they were before it started.
int release_all(const DaemonConfig& config, spdlog::logger& log) {
  tandem::sys::NetlinkNetOps net(config.public_interfaces(),
                                 tandem::sys::Logger([&log](tandem::sys::LogLevel level, std::string_view line) {
                                   log.log(tandem::app::spdlog_level(level), "{}", line);
                                 }));
  int failures = 0;
  for (const auto& held : net.list_addresses()) {
    const bool is_managed =
        std::any_of(config.public_addresses.begin(), config.public_addresses.end(),
                    [&](const tandem::PublicAddress& a) { return a.prefix.address == held.prefix.address; });
    if (!is_managed) continue;
    if (auto done = net.remove_address(held.prefix, held.interface); !done) {
      log.error("release-all: {}", done.error().message());
      ++failures;
    } else {
      log.info("release-all: removed {} from {}", held.prefix.to_string(), held.interface.value());
    }
  }
  // The serving limit's tables go only once no public address is left for them to mute.
  if (failures == 0) {
    if (auto removed = tandem::sys::NftServingLimiter::remove(); !removed) {
      log.error("release-all: {}", removed.error().message());
      ++failures;
    }
  }
  failures += tandem::app::restore_host_settings(tandem::app::host_settings_place(config.settings.paths.state), log);
  // Source rules and routes are all marked as tandemd's: remove every one of them.
  tandem::sys::NetlinkSourceRoutes routes;
  if (auto removed = routes.remove_all(); !removed) {
    log.error("release-all: {}", removed.error().message());
    ++failures;
  } else if (*removed > 0) {
    log.info("release-all: removed {} source rules and routes", *removed);
  }
  return failures == 0 ? 0 : 1;
}

int run(const DaemonConfig& config, const std::string& path, std::shared_ptr<spdlog::logger> log) {
  asio::io_context context;
  tandem::sys::SystemdNotifier notifier(context);
  tandem::app::Daemon daemon(context, config, log, [&notifier](const std::string& line) { notifier.status(line); });
  if (auto started = daemon.start(); !started) {
    log->critical("cannot start: {}", started.error().message());
    return 1;
  }
  notifier.ready();
  notifier.start_watchdog();
  asio::signal_set signals(context, SIGHUP, SIGTERM, SIGINT);
  bool is_stopping = false;
  std::function<void(const asio::error_code&, int)> on_signal = [&](const asio::error_code& error, int number) {
    if (error) return;
    signals.async_wait(on_signal);
    const char* name = number == SIGTERM ? "SIGTERM" : "SIGINT";
    if (number == SIGHUP) {
      log->info("SIGHUP: reloading {}", path);
      daemon.reload_files();  // off the loop; logged either way
      return;
    }
    if (is_stopping) {  // a second SIGTERM or SIGINT: no more waiting for hooks
      log->warn("{} again: stopping at once", name);
      daemon.shutdown();
      context.stop();
      return;
    }
    // A planned stop: release with the hooks, tell the cluster, then leave the loop.
    log->info("{}: stopping", name);
    is_stopping = true;
    notifier.stopping();
    daemon.shutdown([&context] { context.stop(); });
  };
  signals.async_wait(on_signal);
  context.run();
  return daemon.has_failed() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tandemd: the Tandem daemon of one node: public IP failover between interfaces and nodes"};
  Options options;
  app.add_option("--config", options.config, "tandem.conf, which names every other file")->capture_default_str();
  app.add_option("--log-level", options.log_level, "debug, info, warning or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warning", "error"}))
      ->capture_default_str();
  app.add_option("--log-target", options.log_target, "stderr or journal (default: journal under systemd)")
      ->check(CLI::IsMember({"stderr", "journal"}));
  app.add_flag("--release-all", options.release_all,
               "remove every public address of this node from the kernel and exit (systemd's ExecStopPost)");
  CLI11_PARSE(app, argc, argv);

  std::signal(SIGPIPE, SIG_IGN);
  auto log = make_logger(options);
  auto config = load(options.config);
  if (!config) {
    log->critical("{}", config.error().message());
    return 2;
  }
  if (options.release_all) return release_all(*config, *log);
  log->info("node {} starting with {}", config->self.value(), options.config);
  return run(*config, options.config, log);
}
