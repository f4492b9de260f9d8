#include "lab/lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/text.h"
#include "base/unique_fd.h"
#include "lab/command_runner.h"
#include "lab/lab_commands.h"
#include "lab/lab_files.h"
#include "lab/lab_iscsi.h"
#include "lab/netns.h"
#include "lab/process.h"

namespace tandem::lab {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr int kLogTailLines = 15;

Result<std::set<std::string>> list_namespaces() {
  auto listed = run_checked({{"ip", "netns", "list"}});
  if (!listed) return fail(listed.error());
  std::set<std::string> names;
  for (auto line : split_lines(*listed)) {
    auto fields = split_fields(line);  // "NAME (id: 3)"
    if (!fields.empty()) names.emplace(fields.front());
  }
  return names;
}

// A process of a lab with this prefix: a daemon (its arguments name a file in the state
// dir) or a probe listener (`tandem-lab --prefix P listen ...`).
bool is_lab_process(const std::vector<std::string>& arguments, const std::string& prefix,
                    const std::string& state_dir) {
  bool names_state_dir = false;
  bool is_listener = false;
  bool names_prefix = false;
  for (const auto& argument : arguments) {
    names_state_dir = names_state_dir || argument.starts_with(state_dir + "/");
    is_listener = is_listener || argument == "listen";
    names_prefix = names_prefix || argument == prefix;
  }
  return names_state_dir || (is_listener && names_prefix);
}

// Kills what the pid files of every n<i>/ in the state dir name, if it still matches.
void kill_recorded_processes(const std::string& prefix, const std::string& state_dir, std::optional<Error>& error) {
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir, ignored)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 2 || name.front() != 'n' || !parse_unsigned(name.substr(1))) continue;
    std::string dir = entry.path().string();
    std::vector<std::pair<std::string, std::vector<std::string>>> recorded{
        {dir + "/tandemd.pid", {dir + "/tandem.conf"}},
        {dir + "/listener.pid", {"listen", prefix, name}},
        {dir + "/tgtd.pid", {dir + "/tgtd.pid"}}};  // tgtd's `-p` (lab_iscsi.h)
    for (const auto& [pid_file, markers] : recorded) {
      auto pid = read_pid_file(pid_file);
      if (!pid) continue;
      auto killed = kill_process(*pid, markers);
      if (!killed && !error) error = killed.error();
    }
  }
}

// tgtd's control socket and its lock, left in /var/run/tgtd/ by a killed tgtd (lab_iscsi.h).
void remove_tgtd_sockets(const std::string& prefix, const std::string& state_dir) {
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(state_dir, ignored)) {
    std::string name = entry.path().filename().string();
    auto index = name.size() >= 2 && name.front() == 'n' ? parse_unsigned(name.substr(1)) : std::nullopt;
    if (!index || !std::filesystem::exists(entry.path() / "tgtd.pid", ignored)) continue;
    std::string socket = "/var/run/tgtd/socket." + std::to_string(tgtd_control_port(prefix, static_cast<int>(*index)));
    std::filesystem::remove(socket, ignored);
    std::filesystem::remove(socket + ".lock", ignored);
  }
}

// Kills what still runs inside the lab's namespaces and is the lab's (a lost pid file).
void kill_namespace_processes(const std::string& prefix, const std::string& state_dir, const std::string& netns,
                              std::optional<Error>& error) {
  auto pids = run_checked({{"ip", "netns", "pids", netns}});
  if (!pids) return;
  for (auto line : split_lines(*pids)) {
    auto pid = parse_unsigned(trim(line));
    if (!pid) continue;
    auto arguments = process_arguments(static_cast<pid_t>(*pid));
    if (!arguments || !is_lab_process(*arguments, prefix, state_dir)) continue;
    auto killed = kill_process(static_cast<pid_t>(*pid), *arguments);
    if (!killed && !error) error = killed.error();
  }
}

Result<void> check_executable(const std::string& path, const std::string& what) {
  if (path.empty() || ::access(path.c_str(), X_OK) != 0) {
    return fail(what, "no executable at \"" + path + "\"");
  }
  return success();
}

Result<void> run_all(const std::vector<Command>& commands) {
  for (const auto& command : commands) {
    if (auto ran = run_checked(command); !ran) return fail(ran.error());
  }
  return success();
}

bool answers_on_loopback(std::uint16_t port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return fd.is_valid() && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

// `ip -n NETNS -j addr show` (what = "addr") or `... link show` (what = "link"), parsed.
Result<std::vector<InterfaceState>> read_interfaces(const std::string& netns, const std::string& what) {
  Command command = ip_in(netns, {"-j", what, "show"});
  auto shown = run_checked(command);
  if (!shown) return fail(shown.error());
  return parse_ip_json(*shown, command.text());
}

ProcessState process_state(const std::string& pid_file, const std::vector<std::string>& markers) {
  auto pid = read_pid_file(pid_file);
  return ProcessState{pid.value_or(0), pid && is_running_with(*pid, markers)};
}

void append_to_log(const std::string& path, const std::string& text) {
  std::ofstream log(path, std::ios::app);
  log << text;
}

}  // namespace

std::vector<std::string> daemon_markers(const PlannedNode& node) { return {node.paths.config}; }

std::vector<std::string> tgtd_markers(const PlannedNode& node) { return {node.paths.dir + "/tgtd.pid"}; }

std::vector<std::string> listener_markers(const LabOptions& options, const PlannedNode& node) {
  return {"listen", options.prefix, node.name};
}

Result<Lab> Lab::up(const UpOptions& options) {
  if (options.has_daemons) {
    if (auto found = check_executable(options.tandemd, "tandemd"); !found) {
      return fail("tandemd", found.error().cause + " (build it, give --tandemd PATH, or use --no-daemon)");
    }
  }
  if (auto found = check_executable(options.lab_program, "tandem-lab"); !found) return fail(found.error());
  auto plan = make_lab_plan(options.lab);
  if (!plan) return fail(plan.error());
  if (auto gone = down(options.lab.prefix, options.lab.state_root); !gone) return fail(gone.error());
  if (options.lab.has_iscsi) {
    if (auto found = check_executable(options.iscsi_hook, "the iSCSI hook"); !found) return fail(found.error());
  }
  LabRecord record{options.lab, options.has_daemons, options.has_daemons ? options.tandemd : "", options.lab_program,
                   options.lab.has_iscsi ? options.iscsi_hook : ""};
  Lab lab(record, *plan);
  auto built = write_lab_files(*plan);
  if (built) built = write_text_file(plan->lab_json, lab_record_json(record), 0644);
  if (built) built = run_all(setup_commands(*plan));
  if (built && options.lab.has_iscsi) built = lab.install_iscsi();
  if (!built) {
    (void)down(options.lab.prefix, options.lab.state_root);
    return fail(built.error());
  }
  for (const auto& node : plan->nodes) {
    if (auto started = lab.start_listener(node); !started) return fail(started.error());
  }
  if (auto listening = lab.wait_for_listeners(milliseconds(5000)); !listening) return fail(listening.error());
  if (options.lab.has_iscsi) {
    for (const auto& node : plan->nodes) {
      if (auto started = lab.start_tgtd(node); !started) return fail(started.error());
    }
  }
  if (!options.has_daemons) return lab;
  for (const auto& node : plan->nodes) {
    if (auto started = lab.start_daemon(node); !started) return fail(started.error());
  }
  if (auto ready = lab.wait_until_ready(options.ready_limit); !ready) return fail(ready.error());
  return lab;
}

Result<Lab> Lab::open(const std::string& prefix, const std::string& state_root) {
  if (auto checked = check_prefix(prefix); !checked) return fail(checked.error());
  std::string path = state_root + "/" + prefix + "/lab.json";
  std::ifstream file(path);
  if (!file)
    return fail("lab " + prefix, "not up (no " + path + "); start it with `tandem-lab --prefix " + prefix + " up`");
  std::stringstream text;
  text << file.rdbuf();
  auto record = parse_lab_record(text.str(), path);
  if (!record) return fail(record.error());
  auto plan = make_lab_plan(record->options);
  if (!plan) return fail(plan.error().within(path));
  return Lab(std::move(*record), std::move(*plan));
}

Result<void> Lab::down(const std::string& prefix, const std::string& state_root) {
  if (auto checked = check_prefix(prefix); !checked) return checked;
  std::string state_dir = state_root + "/" + prefix;
  std::optional<Error> error;
  kill_recorded_processes(prefix, state_dir, error);
  auto namespaces = list_namespaces();
  if (!namespaces) return fail(namespaces.error());
  for (const auto& netns : *namespaces) {
    if (!is_lab_namespace(prefix, netns)) continue;
    kill_namespace_processes(prefix, state_dir, netns, error);
    auto deleted = run_checked({{"ip", "netns", "delete", netns}});
    if (!deleted && !error) error = deleted.error();
  }
  remove_tgtd_sockets(prefix, state_dir);
  std::error_code removed;
  std::filesystem::remove_all(state_dir, removed);
  if (removed && !error) error = Error{state_dir, "cannot remove: " + removed.message()};
  if (error) return fail(*error);
  return success();
}

std::vector<IpAddress> Lab::public_ips() const {
  std::vector<IpAddress> addresses;
  for (const auto& address : plan_.public_addresses()) addresses.push_back(address.prefix.address);
  return addresses;
}

Result<const PlannedNode*> Lab::find_node(std::string_view name) const {
  const PlannedNode* node = plan_.find_node(name);
  if (node == nullptr) {
    return fail("node " + std::string(name),
                "not in lab " + plan_.options.prefix + " (n0 to n" + std::to_string(plan_.nodes.size() - 1) + ")");
  }
  return node;
}

Result<std::string> Lab::netns_of(std::string_view target) const {
  if (target == "client") return plan_.client_netns;
  if (target == "sw" || target == "switch") return plan_.switch_netns;
  auto node = find_node(target);
  if (!node) return fail(node.error());
  return (*node)->netns;
}

Result<std::string> Lab::ip(std::string_view target, std::vector<std::string> arguments) const {
  auto netns = netns_of(target);
  if (!netns) return fail(netns.error());
  return run_checked(ip_in(*netns, std::move(arguments)));
}

Result<std::unique_ptr<ProbeSession>> Lab::probe(ProbeOptions options) const { return probe(public_ips(), options); }

Result<std::unique_ptr<ProbeSession>> Lab::probe(std::vector<IpAddress> addresses, ProbeOptions options) const {
  options.port = plan_.options.probe_port;
  return ProbeSession::start(plan_.client_netns, std::move(addresses), options);
}

Result<void> Lab::start_listener(const PlannedNode& node) const {
  Command command{{"ip", "netns", "exec", node.netns, record_.lab_program, "--prefix", plan_.options.prefix, "listen",
                   "--name", node.name, "--port", std::to_string(plan_.options.probe_port)}};
  auto pid = spawn_detached(command, node.paths.listener_log);
  if (!pid) return fail(pid.error());
  return write_pid_file(node.paths.listener_pid, *pid);
}

Result<void> Lab::start_daemon(const PlannedNode& node) const {
  if (!record_.has_daemons) return fail("lab " + plan_.options.prefix, "was built with --no-daemon");
  Command command{
      {"ip", "netns", "exec", node.netns, record_.tandemd, "--config", node.paths.config, "--log-target", "stderr"}};
  append_to_log(node.paths.log, "--- tandem-lab: starting " + command.text() + "\n");
  auto pid = spawn_detached(command, node.paths.log);
  if (!pid) return fail(pid.error());
  return write_pid_file(node.paths.daemon_pid, *pid);
}

bool Lab::is_daemon_running(const PlannedNode& node) const {
  auto pid = read_pid_file(node.paths.daemon_pid);
  return pid && is_running_with(*pid, daemon_markers(node));
}

Result<void> Lab::kill_daemon(const PlannedNode& node) const {
  auto pid = read_pid_file(node.paths.daemon_pid);
  if (!pid) return success();
  auto killed = kill_process(*pid, daemon_markers(node));
  if (!killed) return fail(killed.error());
  return success();
}

Result<void> Lab::wait_for_listeners(milliseconds limit) const {
  auto deadline = Clock::now() + limit;
  for (const auto& node : plan_.nodes) {
    bool is_answering = false;
    auto entered = run_in_netns(node.netns, [&] {
      while (!(is_answering = answers_on_loopback(plan_.options.probe_port)) && Clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(10));
      }
    });
    if (!entered) return entered;
    if (!is_answering) {
      return fail(node.name + "'s probe listener", "not listening after " + std::to_string(limit.count()) +
                                                       " ms; its log:\n" +
                                                       tail_of(node.paths.listener_log, kLogTailLines));
    }
  }
  return success();
}

Result<void> Lab::check_daemons_alive() const {
  for (const auto& node : plan_.nodes) {
    if (!is_daemon_running(node)) {
      return fail(node.name + "'s tandemd",
                  "exited; the end of " + node.paths.log + ":\n" + tail_of(node.paths.log, kLogTailLines));
    }
  }
  return success();
}

Result<void> Lab::wait_until_ready(milliseconds limit) const {
  auto session = probe();
  if (!session) return fail(session.error());
  std::int64_t since = monotonic_ms();
  auto deadline = Clock::now() + limit;
  for (const auto& address : public_ips()) {
    while (!(*session)->wait_for_answer(address, since, milliseconds(200))) {
      if (auto alive = check_daemons_alive(); !alive) return alive;
      if (Clock::now() >= deadline) {
        return fail("lab " + plan_.options.prefix, address.to_string() + " did not answer from the client within " +
                                                       std::to_string(limit.count()) + " ms (see " + plan_.state_dir +
                                                       "/n*/tandemd.log; `tandem-lab --prefix " + plan_.options.prefix +
                                                       " status`)");
      }
    }
  }
  return success();
}

Result<LabStatus> Lab::status() const {
  LabStatus status{plan_.options.prefix,
                   plan_.state_dir,
                   plan_.options.public_interface_count,
                   plan_.options.group_count,
                   record_.has_daemons,
                   {},
                   {},
                   {}};
  auto namespaces = list_namespaces();
  if (!namespaces) return fail(namespaces.error());
  std::vector<InterfaceState> ports;
  if (namespaces->contains(plan_.switch_netns)) {
    auto read = read_interfaces(plan_.switch_netns, "link");
    if (!read) return fail(read.error());
    ports = std::move(*read);
  }
  for (const auto& node : plan_.nodes) {
    NodeState state{node.name, node.netns, namespaces->contains(node.netns), {}, false, {}, {}};
    if (state.has_netns) {
      auto read = read_interfaces(node.netns, "addr");
      if (!read) return fail(read.error());
      state.interfaces = std::move(*read);
    }
    for (const auto& port : ports) {
      if (port.name == node.links.front().port) state.is_cut_off = port.master == "swq";
    }
    state.daemon = process_state(node.paths.daemon_pid, daemon_markers(node));
    state.listener = process_state(node.paths.listener_pid, listener_markers(plan_.options, node));
    status.nodes.push_back(std::move(state));
  }
  if (namespaces->contains(plan_.client_netns)) {
    auto read = read_interfaces(plan_.client_netns, "addr");
    if (!read) return fail(read.error());
    status.client = std::move(*read);
  }
  status.public_ips = locate_public_ips(plan_, status.nodes);
  return status;
}

}  // namespace tandem::lab
