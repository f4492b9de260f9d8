// tandem-lab: a Tandem cluster on one machine, out of network namespaces (lab/).
//
// Only the shell lives here: the command line (CLI11) and what each verb prints. Building,
// faults and status are lab::Lab's; the hidden verbs `listen` and `probe` run the probe
// tools inside a namespace. Exit status: 0 done, 1 failed (the error says which command
// and why), 2 bad usage; `exec` and `tandem` pass on their command's status.
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "lab/chaos_run.h"
#include "lab/chaos_schedule.h"
#include "lab/demo.h"
#include "lab/iscsi_reader.h"
#include "lab/lab_iscsi.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "lab/probe_listener.h"
#include "lab/prober.h"

namespace {

using tandem::Result;
using tandem::lab::Lab;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct Globals {
  std::string prefix = "tdm-lab";
  std::string state_root = "/run";
};

// A verb as registered: its CLI11 node and what runs when it is the one given.
struct Verb {
  CLI::App* app;
  std::function<int()> run;
};

std::string own_directory() {
  char path[PATH_MAX];
  ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return ".";
  std::string text(path, static_cast<std::size_t>(length));
  return text.substr(0, text.rfind('/'));
}

std::string own_path() { return own_directory() + "/tandem-lab"; }

// tandemd beside tandem-lab (a build tree), else where the packages install it
// (/usr/bin/tandem-lab, /usr/sbin/tandemd).
std::string default_tandemd() {
  std::string beside = own_directory() + "/tandemd";
  if (::access(beside.c_str(), X_OK) == 0) return beside;
  const std::string bin = own_directory();
  return bin.substr(0, bin.rfind('/')) + "/sbin/tandemd";
}

int failed(const tandem::Error& error) {
  std::cerr << "tandem-lab: " << error.message() << "\n";
  return kExitFailed;
}

int done(const Result<void>& result) { return result ? 0 : failed(result.error()); }

// Runs `body` on the lab that `up` built under the prefix.
int with_lab(const Globals& globals, const std::function<Result<void>(const Lab&)>& body) {
  auto lab = Lab::open(globals.prefix, globals.state_root);
  if (!lab) return failed(lab.error());
  return done(body(*lab));
}

// Replaces this process with `argv` (exit status passes through).
int replace_with(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  std::cerr << "tandem-lab: cannot run " << arguments.front() << ": " << std::strerror(errno) << "\n";
  return 127;
}

struct UpArguments {
  int nodes = 3;
  int nics = 2;
  int groups = 3;
  std::vector<std::string> tunables;
  std::string tandemd;
  bool no_daemon = false;
  bool ipv6 = false;
  bool no_host_settings = false;
  bool no_probes = false;
  bool routed = false;
  std::string fabrics = "joined";
  std::string on_path_loss;
  int ready_seconds = 20;
  bool iscsi = false;
  std::string iscsi_hook;
};

// examples/iscsi-tgt/60.iscsi-tgt of the source tree this was built from, else where the
// package installs it.
std::string default_iscsi_hook() {
  std::string source = TANDEM_ISCSI_HOOK;
  if (::access(source.c_str(), X_OK) == 0) return source;
  return "/usr/share/tandem/examples/iscsi-tgt/60.iscsi-tgt";
}

Result<tandem::lab::UpOptions> up_options(const Globals& globals, const UpArguments& arguments) {
  tandem::lab::UpOptions options;
  options.lab.prefix = globals.prefix;
  options.lab.state_root = globals.state_root;
  options.lab.node_count = arguments.nodes;
  options.lab.public_interface_count = arguments.nics;
  options.lab.group_count = arguments.groups;
  options.lab.has_ipv6 = arguments.ipv6;
  options.lab.manages_host_settings = !arguments.no_host_settings;
  options.lab.has_probes = !arguments.no_probes;
  options.lab.is_routed = arguments.routed;
  options.lab.has_separate_fabrics = arguments.fabrics == "separate";
  if (!arguments.on_path_loss.empty())
    options.lab.on_path_loss = tandem::parse_path_loss_policy(arguments.on_path_loss);
  for (const auto& tunable : arguments.tunables) {
    auto assignment = tandem::lab::parse_tunable_argument(tunable);
    if (!assignment) return tandem::fail(assignment.error());
    options.lab.tunables.push_back(std::move(*assignment));
  }
  options.has_daemons = !arguments.no_daemon;
  options.tandemd = arguments.tandemd.empty() ? default_tandemd() : arguments.tandemd;
  options.lab_program = own_path();
  options.ready_limit = std::chrono::seconds(arguments.ready_seconds);
  options.lab.has_iscsi = arguments.iscsi;
  options.iscsi_hook = arguments.iscsi_hook.empty() ? default_iscsi_hook() : arguments.iscsi_hook;
  return options;
}

void print_summary(const Lab& lab) {
  const auto& plan = lab.plan();
  std::cout << "lab " << plan.options.prefix << " is up";
  if (!lab.record().has_daemons) std::cout << " (network only: --no-daemon)";
  std::cout << ". Client: namespace " << plan.client_netns << "; files and logs: " << plan.state_dir << "/\n";
  auto status = lab.status();
  if (status) std::cout << "\n" << tandem::lab::status_text(*status);
  std::cout << "\nnext: tandem-lab --prefix " << plan.options.prefix
            << " status | nic-down n0 eth1 | crash n1 | tandem n0 -- status | down\n";
}

Verb add_up(CLI::App& tool, const Globals& globals) {
  auto arguments = std::make_shared<UpArguments>();
  CLI::App* verb = tool.add_subcommand(
      "up", "Build the lab (after removing any lab of the same prefix) and start a tandemd per node.");
  verb->add_option("--nodes", arguments->nodes, "Number of nodes")->capture_default_str();
  verb->add_option("--nics", arguments->nics, "Public interfaces per node (eth1 on switch A, eth2 on B, ...)")
      ->capture_default_str();
  verb->add_option("--groups", arguments->groups, "Number of IP groups (one IP per public interface each)")
      ->capture_default_str();
  verb->add_option("--tunable", arguments->tunables, "A tunable of every node, Name=Value (repeatable)");
  verb->add_option("--tandemd", arguments->tandemd,
                   "The daemon to run (default: tandemd next to tandem-lab, else ../sbin/tandemd)");
  verb->add_flag("--no-daemon", arguments->no_daemon, "Build the network and the probe listeners only");
  verb->add_flag("--ipv6", arguments->ipv6,
                 "Give every group IPv6 addresses too (2001:db8:100::/64, 2001:db8:113::/64)");
  verb->add_flag("--no-host-settings", arguments->no_host_settings,
                 "The daemons leave the nodes' sysctls alone ([network] manage_host_settings = false)");
  verb->add_flag("--no-probes", arguments->no_probes,
                 "No reachability probes ([reachability]): links are judged by their carrier alone, so a "
                 "`deadpath` goes unseen");
  verb->add_flag("--routed", arguments->routed,
                 "Put the client behind a router (P-router) and give every node per-IP source routing");
  verb->add_option("--fabrics", arguments->fabrics,
                   "joined: switches A and B joined by an inter-switch link, every IP allowed on every NIC; "
                   "separate: two isolated fabrics, the client on both, each IP on its own NIC only")
      ->check(CLI::IsMember({"joined", "separate"}))
      ->capture_default_str();
  verb->add_option("--on-path-loss", arguments->on_path_loss,
                   "The groups' policy when their node loses one of their IPs (ip_groups on-path-loss=): move or stay")
      ->check(CLI::IsMember({"move", "stay"}));
  verb->add_flag(
      "--iscsi", arguments->iscsi,
      "tgtd on every node and examples/iscsi-tgt's hook: one iSCSI target per group (`iscsi-read` reads it)");
  verb->add_option("--iscsi-hook", arguments->iscsi_hook,
                   "The hook to install with --iscsi (default: the source tree's, else the package's)");
  verb->add_option("--ready-timeout", arguments->ready_seconds, "Seconds to wait for every public IP to answer")
      ->capture_default_str();
  return {verb, [&globals, arguments] {
            auto options = up_options(globals, *arguments);
            if (!options) return failed(options.error());
            auto lab = Lab::up(*options);
            if (!lab) return failed(lab.error());
            print_summary(*lab);
            return 0;
          }};
}

Verb add_node_verb(CLI::App& tool, const Globals& globals, const std::string& name, const std::string& help,
                   Result<void> (Lab::*method)(std::string_view) const) {
  auto node = std::make_shared<std::string>();
  CLI::App* verb = tool.add_subcommand(name, help);
  verb->add_option("NODE", *node, "n0, n1, ... (or 0, 1, ...)")->required();
  return {verb,
          [&globals, node, method] { return with_lab(globals, [&](const Lab& lab) { return (lab.*method)(*node); }); }};
}

Verb add_kill(CLI::App& tool, const Globals& globals) {
  auto node = std::make_shared<std::string>();
  auto is_alone = std::make_shared<bool>(false);
  CLI::App* verb =
      tool.add_subcommand("kill", "Daemon crash: SIGKILL, then `tandemd --release-all` (systemd's ExecStopPost).");
  verb->add_option("NODE", *node, "n0, n1, ... (or 0, 1, ...)")->required();
  verb->add_flag("--no-release-all", *is_alone,
                 "SIGKILL alone, as without systemd: the addresses stay until the kernel's serving limit ends");
  return {verb, [&globals, node, is_alone] {
            return with_lab(globals,
                            [&](const Lab& lab) { return *is_alone ? lab.kill_alone(*node) : lab.kill(*node); });
          }};
}

Verb add_stall(CLI::App& tool, const Globals& globals) {
  auto node = std::make_shared<std::string>();
  auto seconds = std::make_shared<double>(0.0);
  CLI::App* verb = tool.add_subcommand("stall", "A stalled daemon: SIGSTOP of its tandemd, SIGCONT after SECONDS.");
  verb->add_option("NODE", *node, "n0, n1, ... (or 0, 1, ...)")->required();
  verb->add_option("SECONDS", *seconds, "How long it stays stopped (e.g. 2.7)")
      ->required()
      ->check(CLI::Range(0.0, 3600.0));
  return {verb, [&globals, node, seconds] {
            const auto span = std::chrono::milliseconds(static_cast<std::int64_t>(*seconds * 1000.0));
            return with_lab(globals, [&](const Lab& lab) { return lab.stall(*node, span); });
          }};
}

Verb add_nic_verb(CLI::App& tool, const Globals& globals, bool is_up) {
  auto node = std::make_shared<std::string>();
  auto interface = std::make_shared<std::string>();
  CLI::App* verb =
      tool.add_subcommand(is_up ? "nic-up" : "nic-down",
                          is_up ? "Plug a node's cable back in (its switch port up)."
                                : "Pull a node's cable: its switch port goes down, the node sees NO-CARRIER.");
  verb->add_option("NODE", *node, "n0, n1, ...")->required();
  verb->add_option("IFACE", *interface, "eth1, eth2, ... (eth0: the private network)")->required();
  return {verb, [&globals, node, interface, is_up] {
            return with_lab(globals, [&](const Lab& lab) {
              return is_up ? lab.nic_up(*node, *interface) : lab.nic_down(*node, *interface);
            });
          }};
}

Verb add_path_verb(CLI::App& tool, const Globals& globals, bool is_dead) {
  auto node = std::make_shared<std::string>();
  auto interface = std::make_shared<std::string>();
  CLI::App* verb = tool.add_subcommand(
      is_dead ? "deadpath" : "livepath",
      is_dead ? "A dead path behind a live carrier: the node's switch port forwards nothing (bridge port "
                "state disabled), while the node's interface keeps its carrier."
              : "The switch port forwards again after `deadpath`.");
  verb->add_option("NODE", *node, "n0, n1, ...")->required();
  verb->add_option("IFACE", *interface, "eth1, eth2, ...")->required();
  return {verb, [&globals, node, interface, is_dead] {
            return with_lab(globals, [&](const Lab& lab) { return lab.set_path(*node, *interface, !is_dead); });
          }};
}

Verb add_partition(CLI::App& tool, const Globals& globals) {
  auto nodes = std::make_shared<std::vector<std::string>>();
  CLI::App* verb = tool.add_subcommand(
      "partition", "Cut the listed nodes' private network off from the others' (public links stay up).");
  verb->add_option("NODE", *nodes, "The nodes on one side")->required();
  return {verb, [&globals, nodes] { return with_lab(globals, [&](const Lab& lab) { return lab.partition(*nodes); }); }};
}

Verb add_deladdr(CLI::App& tool, const Globals& globals) {
  auto node = std::make_shared<std::string>();
  auto address = std::make_shared<std::string>();
  CLI::App* verb =
      tool.add_subcommand("deladdr", "Remove a public IP from a node behind its daemon's back (`ip addr del`).");
  verb->add_option("NODE", *node, "n0, n1, ...")->required();
  verb->add_option("IP", *address, "the address, e.g. 198.51.100.10")->required();
  return {verb, [&globals, node, address] {
            return with_lab(globals, [&](const Lab& lab) -> tandem::Result<void> {
              auto parsed = tandem::IpAddress::parse(*address);
              if (!parsed) return tandem::fail(parsed.error());
              auto interface = lab.delete_address(*node, *parsed);
              if (!interface) return tandem::fail(interface.error());
              std::cout << "deleted " << *address << " from " << *node << " " << *interface << "\n";
              return tandem::success();
            });
          }};
}

Verb add_heal(CLI::App& tool, const Globals& globals) {
  CLI::App* verb = tool.add_subcommand("heal", "Join the private network again after `partition`.");
  return {verb, [&globals] { return with_lab(globals, [](const Lab& lab) { return lab.heal(); }); }};
}

Verb add_down(CLI::App& tool, const Globals& globals) {
  CLI::App* verb =
      tool.add_subcommand("down", "Kill the lab's processes, delete its namespaces and state dir (safe to repeat).");
  return {verb, [&globals] { return done(Lab::down(globals.prefix, globals.state_root)); }};
}

Verb add_status(CLI::App& tool, const Globals& globals) {
  auto json = std::make_shared<bool>(false);
  CLI::App* verb =
      tool.add_subcommand("status", "Where every public IP is, and every link's state, read from the kernel.");
  verb->add_flag("--json", *json, "Print JSON");
  return {verb, [&globals, json] {
            return with_lab(globals, [&](const Lab& lab) -> Result<void> {
              auto status = lab.status();
              if (!status) return tandem::fail(status.error());
              std::cout << (*json ? tandem::lab::status_json(*status) : tandem::lab::status_text(*status));
              return tandem::success();
            });
          }};
}

Verb add_exec(CLI::App& tool, const Globals& globals) {
  auto target = std::make_shared<std::string>();
  auto command = std::make_shared<std::vector<std::string>>();
  CLI::App* verb =
      tool.add_subcommand("exec", "Run a command in a node's (or the client's) namespace: exec n0 -- ip addr");
  verb->add_option("TARGET", *target, "n0, n1, ..., client or sw")->required();
  verb->add_option("COMMAND", *command, "The command, after --")->required();
  return {verb, [&globals, target, command] {
            auto lab = Lab::open(globals.prefix, globals.state_root);
            if (!lab) return failed(lab.error());
            auto netns = lab->netns_of(*target);
            if (!netns) return failed(netns.error());
            std::vector<std::string> arguments{"ip", "netns", "exec", *netns};
            arguments.insert(arguments.end(), command->begin(), command->end());
            return replace_with(arguments);
          }};
}

Verb add_tandem(CLI::App& tool, const Globals& globals) {
  auto node = std::make_shared<std::string>();
  auto arguments = std::make_shared<std::vector<std::string>>();
  CLI::App* verb = tool.add_subcommand("tandem", "Run the `tandem` tool against a node's daemon: tandem n0 -- status");
  verb->add_option("NODE", *node, "n0, n1, ...")->required();
  verb->add_option("ARGS", *arguments, "The tool's arguments, after --")->required();
  return {verb, [&globals, node, arguments] {
            auto lab = Lab::open(globals.prefix, globals.state_root);
            if (!lab) return failed(lab.error());
            const auto* planned = lab->plan().find_node(*node);
            if (planned == nullptr) return failed({"node " + *node, "not in this lab"});
            ::setenv("TANDEM_SOCKET", planned->paths.socket.c_str(), 1);
            std::vector<std::string> command{own_directory() + "/tandem", "--socket", planned->paths.socket};
            command.insert(command.end(), arguments->begin(), arguments->end());
            return replace_with(command);
          }};
}

Verb add_demo(CLI::App& tool, const Globals& globals) {
  auto keep = std::make_shared<bool>(false);
  auto tandemd = std::make_shared<std::string>();
  CLI::App* verb = tool.add_subcommand(
      "demo", "A narrated tour: NIC failure and repair, node crash and return, with failover times.");
  verb->add_flag("--keep", *keep, "Leave the lab up at the end");
  verb->add_option("--tandemd", *tandemd,
                   "The daemon to run (default: tandemd next to tandem-lab, else ../sbin/tandemd)");
  return {verb, [&globals, keep, tandemd] {
            UpArguments arguments;
            arguments.tandemd = *tandemd;
            auto options = up_options(globals, arguments);
            if (!options) return failed(options.error());
            return done(tandem::lab::run_demo({*options, *keep}, std::cout));
          }};
}

struct ChaosArguments {
  int seconds = 120;
  std::uint64_t seed = 1;
  std::string json;
  bool keep = false;
  bool is_dry_run = false;
  int convergence_ms = 5000;
  UpArguments up;
};

// The lab under the prefix, or a new one (3 x 2 x 3) that is taken down at the end.
Result<Lab> chaos_lab(const Globals& globals, const ChaosArguments& arguments, bool& is_ours) {
  if (auto lab = Lab::open(globals.prefix, globals.state_root)) {
    is_ours = false;
    if (!lab->record().has_daemons) return tandem::fail("lab " + globals.prefix, "was built with --no-daemon");
    return lab;
  }
  is_ours = true;
  std::cout << "chaos: no lab " << globals.prefix << ", bringing one up" << std::endl;
  auto options = up_options(globals, arguments.up);
  if (!options) return tandem::fail(options.error());
  return Lab::up(*options);
}

// The schedule alone, for a lab of the options of `up` (3 x 2 x 3 unless --nodes, ...).
int print_chaos_schedule(const Globals& globals, const ChaosArguments& arguments) {
  auto options = up_options(globals, arguments.up);
  if (!options) return failed(options.error());
  auto plan = tandem::lab::make_lab_plan(options->lab);
  if (!plan) return failed(plan.error());
  tandem::lab::ChaosOptions schedule;
  schedule.seed = arguments.seed;
  schedule.duration = std::chrono::seconds(arguments.seconds);
  const tandem::lab::ChaosShape shape{static_cast<int>(plan->nodes.size()), plan->options.public_interface_count,
                                      static_cast<int>(plan->public_addresses().size())};
  if (auto checked = tandem::lab::check_chaos_options(shape, schedule); !checked) return failed(checked.error());
  for (const auto& fault : tandem::lab::make_chaos_schedule(shape, schedule)) {
    std::printf("%9.3f s  %s\n", static_cast<double>(fault.at_ms) / 1000.0, tandem::lab::fault_text(fault).c_str());
  }
  return 0;
}

int run_chaos_verb(const Globals& globals, const ChaosArguments& arguments) {
  if (arguments.is_dry_run) return print_chaos_schedule(globals, arguments);
  bool is_ours = false;
  auto lab = chaos_lab(globals, arguments, is_ours);
  if (!lab) return failed(lab.error());
  tandem::lab::ChaosRunOptions options;
  options.schedule.seed = arguments.seed;
  options.schedule.duration = std::chrono::seconds(arguments.seconds);
  options.convergence_limit = std::chrono::milliseconds(arguments.convergence_ms);
  options.lab_program = own_path();
  const tandem::lab::ChaosShape shape{static_cast<int>(lab->plan().nodes.size()),
                                      lab->plan().options.public_interface_count,
                                      static_cast<int>(lab->public_ips().size())};
  if (auto checked = tandem::lab::check_chaos_options(shape, options.schedule); !checked)
    return failed(checked.error());
  const auto schedule = tandem::lab::make_chaos_schedule(shape, options.schedule);
  auto report = tandem::lab::run_chaos(*lab, schedule, options, std::cout);
  if (is_ours && !arguments.keep && report && report->is_clean()) {
    if (auto gone = Lab::down(globals.prefix, globals.state_root); !gone) return failed(gone.error());
  }
  if (!report) return failed(report.error());
  std::cout << tandem::lab::chaos_summary_text(*report);
  if (!arguments.json.empty()) {
    std::ofstream file(arguments.json);
    file << tandem::lab::chaos_report_json(*report) << "\n";
    if (!file) return failed({arguments.json, "cannot write the report"});
  }
  if (is_ours && !report->is_clean())
    std::cout << "the lab is left up for a look: tandem-lab --prefix " << globals.prefix << " down\n";
  return report->is_clean() ? 0 : kExitFailed;
}

Verb add_chaos(CLI::App& tool, const Globals& globals) {
  auto arguments = std::make_shared<ChaosArguments>();
  CLI::App* verb = tool.add_subcommand(
      "chaos",
      "A random fault schedule, replayable from its seed, against the lab (or a new one), with the ARP watcher "
      "and the prober; fails on one IP answered from two nodes, a split group, or no convergence after the final "
      "heal.");
  verb->add_option("--seconds", arguments->seconds, "When the final heal comes")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  verb->add_option("--seed", arguments->seed, "The schedule's seed: the same seed gives the same faults")
      ->capture_default_str();
  verb->add_option("--json", arguments->json, "Write the report (every fault, violation and the convergence) here");
  verb->add_option("--convergence-ms", arguments->convergence_ms,
                   "How long after the final heal every group may take to be whole and answered")
      ->capture_default_str();
  verb->add_flag("--keep", arguments->keep, "Leave a lab it brought up running at the end");
  verb->add_flag("--dry-run", arguments->is_dry_run,
                 "Print the schedule (for a lab of --nodes, --nics, --groups) and run nothing");
  verb->add_option("--nodes", arguments->up.nodes, "For a lab it brings up, or --dry-run")->capture_default_str();
  verb->add_option("--nics", arguments->up.nics, "For a lab it brings up, or --dry-run")->capture_default_str();
  verb->add_option("--groups", arguments->up.groups, "For a lab it brings up, or --dry-run")->capture_default_str();
  verb->add_option("--tandemd", arguments->up.tandemd,
                   "For a lab it brings up: the daemon (default: tandemd next to tandem-lab, else ../sbin/tandemd)");
  return {verb, [&globals, arguments] { return run_chaos_verb(globals, *arguments); }};
}

struct IscsiReadArguments {
  std::string group = "g0";
  int seconds = 0;
  int interval_ms = 10;
  int login_timeout_ms = 150;
  int command_timeout_ms = 1000;
};

// Reads group GROUP's target through each of its portals from the lab's client; a JSON
// line per outage as it ends, and one per session at the end.
int run_iscsi_read(const Globals& globals, const IscsiReadArguments& arguments) {
  auto lab = Lab::open(globals.prefix, globals.state_root);
  if (!lab) return failed(lab.error());
  if (!lab->plan().options.has_iscsi) return failed({"lab " + globals.prefix, "was built without --iscsi"});
  auto iscsi = tandem::lab::plan_iscsi(lab->plan());
  auto target = std::find_if(iscsi.targets.begin(), iscsi.targets.end(),
                             [&](const auto& t) { return t.group == arguments.group; });
  if (target == iscsi.targets.end()) return failed({"group " + arguments.group, "not in the lab"});
  tandem::lab::IscsiTargetAddress address{target->iqn, tandem::lab::kIscsiLun, {}};
  for (const auto& portal : target->portals) address.portals.push_back(portal.to_string());
  tandem::lab::IscsiReaderOptions options;
  options.interval = std::chrono::milliseconds(arguments.interval_ms);
  options.login_timeout = std::chrono::milliseconds(arguments.login_timeout_ms);
  options.command_timeout = std::chrono::milliseconds(arguments.command_timeout_ms);
  auto reader = tandem::lab::IscsiReader::start(lab->plan().client_netns, address, options, [](const auto& outage) {
    std::cout << tandem::lab::iscsi_outage_json(outage).dump() << std::endl;
  });
  if (!reader) return failed(reader.error());
  std::int64_t end_ms =
      arguments.seconds > 0 ? tandem::lab::monotonic_ms() + std::int64_t{arguments.seconds} * 1000 : 0;
  while ((end_ms == 0 || tandem::lab::monotonic_ms() < end_ms) && !(*reader)->failure()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (auto failure = (*reader)->failure()) return failed(*failure);
  for (const auto& session : (*reader)->sessions())
    std::cout << tandem::lab::iscsi_session_json(session).dump() << "\n";
  return 0;
}

Verb add_iscsi_read(CLI::App& tool, const Globals& globals) {
  auto arguments = std::make_shared<IscsiReadArguments>();
  CLI::App* verb = tool.add_subcommand("iscsi-read",
                                       "An iSCSI initiator in the client (lab up --iscsi): a READ every 10 ms through "
                                       "each portal of a group's target; a JSON line per outage");
  verb->add_option("group", arguments->group, "The IP group whose target to read")->capture_default_str();
  verb->add_option("--seconds", arguments->seconds, "Stop after this long and list the sessions (0: until killed)");
  verb->add_option("--interval-ms", arguments->interval_ms, "A READ per portal every so often")->capture_default_str();
  verb->add_option("--login-timeout-ms", arguments->login_timeout_ms, "A login slower than this is an error")
      ->capture_default_str();
  verb->add_option("--command-timeout-ms", arguments->command_timeout_ms, "A READ slower than this is an error")
      ->capture_default_str();
  return {verb, [&globals, arguments] { return run_iscsi_read(globals, *arguments); }};
}

Verb add_listen(CLI::App& tool) {
  auto name = std::make_shared<std::string>();
  auto port = std::make_shared<std::uint16_t>(tandem::lab::kDefaultProbePort);
  CLI::App* verb = tool.add_subcommand("listen", "Probe listener (runs inside a node's namespace)");
  verb->group("");  // hidden
  verb->add_option("--name", *name, "The node's name in answers")->required();
  verb->add_option("--port", *port, "TCP port");
  return {verb, [name, port] {
            auto listener = tandem::lab::ProbeListener::open(*name, *port);
            if (!listener) return failed(listener.error());
            std::atomic<bool> stop{false};  // runs until killed
            return done(listener->serve(stop));
          }};
}

struct ProbeArguments {
  std::uint16_t port = tandem::lab::kDefaultProbePort;
  int interval_ms = 10;
  int timeout_ms = 100;
  int duration_ms = 0;
  std::vector<std::string> addresses;
};

int run_probe(const ProbeArguments& arguments) {
  std::vector<tandem::IpAddress> addresses;
  for (const auto& text : arguments.addresses) {
    auto address = tandem::IpAddress::parse(text);
    if (!address) return failed(address.error().within(text));
    addresses.push_back(*address);
  }
  tandem::lab::Prober prober(addresses, {arguments.port, std::chrono::milliseconds(arguments.interval_ms),
                                         std::chrono::milliseconds(arguments.timeout_ms)});
  std::atomic<bool> stop{false};
  tandem::lab::ChangeFilter changes;
  std::int64_t end_ms = arguments.duration_ms > 0 ? tandem::lab::monotonic_ms() + arguments.duration_ms : 0;
  return done(prober.run(stop, [&](const tandem::lab::ProbeResult& result) {
    if (changes.is_change(result)) std::cout << tandem::lab::probe_result_json(result) << std::endl;
    if (end_ms != 0 && result.t_ms >= end_ms) stop = true;
  }));
}

Verb add_probe(CLI::App& tool) {
  auto arguments = std::make_shared<ProbeArguments>();
  CLI::App* verb = tool.add_subcommand("probe", "Prober (runs inside the client's namespace); JSON line per change");
  verb->group("");  // hidden
  verb->add_option("--port", arguments->port, "TCP port");
  verb->add_option("--interval-ms", arguments->interval_ms, "A new attempt per address every so often");
  verb->add_option("--timeout-ms", arguments->timeout_ms, "An attempt without answer by then failed");
  verb->add_option("--duration-ms", arguments->duration_ms, "Stop after this long (0: never)");
  verb->add_option("IP", arguments->addresses, "Addresses to probe")->required();
  return {verb, [arguments] { return run_probe(*arguments); }};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App tool{
      "tandem-lab: a Tandem cluster on one machine, built from network namespaces.\n"
      "Nodes n0.. have eth0 (private) and eth1..ethK (public: eth1 on switch A, eth2 on\n"
      "switch B, joined); a client on switch A probes every public IP."};
  Globals globals;
  tool.add_option("--prefix", globals.prefix, "Names of the lab's namespaces and of its state dir /run/PREFIX")
      ->capture_default_str();
  tool.add_option("--state-root", globals.state_root)->group("");
  tool.require_subcommand(1);
  tool.fallthrough();
  std::vector<Verb> verbs{
      add_up(tool, globals),
      add_down(tool, globals),
      add_status(tool, globals),
      add_nic_verb(tool, globals, false),
      add_nic_verb(tool, globals, true),
      add_path_verb(tool, globals, true),
      add_path_verb(tool, globals, false),
      add_node_verb(tool, globals, "crash", "Power loss: all the node's links down, then SIGKILL of its tandemd.",
                    &Lab::crash),
      add_node_verb(tool, globals, "restart", "Power back: public addresses flushed, links up, tandemd started.",
                    &Lab::restart),
      add_kill(tool, globals),
      add_stall(tool, globals),
      add_node_verb(tool, globals, "start", "Start a node's tandemd again.", &Lab::start),
      add_partition(tool, globals),
      add_heal(tool, globals),
      add_deladdr(tool, globals),
      add_exec(tool, globals),
      add_tandem(tool, globals),
      add_demo(tool, globals),
      add_chaos(tool, globals),
      add_iscsi_read(tool, globals),
      add_listen(tool),
      add_probe(tool),
  };
  try {
    tool.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = tool.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }
  for (const auto& verb : verbs) {
    if (verb.app->parsed()) return verb.run();
  }
  return kExitUsage;
}
