// The fault verbs of Lab (lab.h): links, power, daemon crashes and stalls, partitions.
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "lab/command_runner.h"
#include "lab/lab.h"
#include "lab/lab_commands.h"
#include "lab/process.h"

namespace tandem::lab {
namespace {

Result<void> run_all(const std::vector<Command>& commands) {
  for (const auto& command : commands) {
    if (auto ran = run_checked(command); !ran) return fail(ran.error());
  }
  return success();
}

}  // namespace

Result<int> Lab::find_link(const PlannedNode& node, std::string_view interface) const {
  for (std::size_t k = 0; k < node.links.size(); ++k) {
    if (node.links[k].interface == interface) return static_cast<int>(k);
  }
  return fail(node.name + " " + std::string(interface),
              "no such interface (eth0 to eth" + std::to_string(node.links.size() - 1) + ")");
}

Result<void> Lab::set_ports(const PlannedNode& node, bool is_up) const {
  for (std::size_t k = 0; k < node.links.size(); ++k) {
    if (auto set = run_checked(set_port_command(plan_, node, static_cast<int>(k), is_up)); !set)
      return fail(set.error());
  }
  return success();
}

Result<void> Lab::nic_down(std::string_view node_name, std::string_view interface) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  auto link = find_link(**node, interface);
  if (!link) return fail(link.error());
  return run_all({set_port_command(plan_, **node, *link, false)});
}

Result<void> Lab::nic_up(std::string_view node_name, std::string_view interface) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  auto link = find_link(**node, interface);
  if (!link) return fail(link.error());
  return run_all({set_port_command(plan_, **node, *link, true)});
}

Result<void> Lab::set_path(std::string_view node_name, std::string_view interface, bool forwards) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  auto link = find_link(**node, interface);
  if (!link) return fail(link.error());
  return run_all({set_port_forwarding_command(plan_, **node, *link, forwards)});
}

Result<void> Lab::crash(std::string_view node_name) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  if (auto down = set_ports(**node, false); !down) return down;
  if (auto killed = kill_daemon(**node); !killed) return killed;
  return plan_.options.has_iscsi ? kill_tgtd(**node) : success();
}

Result<void> Lab::restart(std::string_view node_name) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  if (is_daemon_running(**node)) return fail(std::string(node_name), "its tandemd is running: crash it first");
  if (auto forgotten = run_all(forget_public_state_commands(**node)); !forgotten) return forgotten;
  if (auto up = set_ports(**node, true); !up) return up;
  if (plan_.options.has_iscsi) {
    if (auto started = start_tgtd(**node); !started) return started;
  }
  if (!record_.has_daemons) return success();
  return start_daemon(**node);
}

Result<void> Lab::kill(std::string_view node_name) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  if (!record_.has_daemons) return fail("lab " + plan_.options.prefix, "was built with --no-daemon");
  if (auto killed = kill_daemon(**node); !killed) return killed;
  Command release{
      {"ip", "netns", "exec", (*node)->netns, record_.tandemd, "--config", (*node)->paths.config, "--release-all"}};
  auto output = run_command(release);
  if (!output) return fail(output.error());
  std::ofstream log((*node)->paths.log, std::ios::app);
  log << "--- tandem-lab: " << release.text() << " (as ExecStopPost) exited " << output->exit_code << "\n"
      << output->out << output->err;
  if (output->exit_code != 0) {
    return fail("`" + release.text() + "`", "exited " + std::to_string(output->exit_code) + ": " + output->err);
  }
  return success();
}

Result<void> Lab::kill_alone(std::string_view node_name) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  if (!record_.has_daemons) return fail("lab " + plan_.options.prefix, "was built with --no-daemon");
  return kill_daemon(**node);
}

Result<void> Lab::signal_daemon(std::string_view node_name, int signal) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  auto pid = read_pid_file((*node)->paths.daemon_pid);
  if (!pid) return fail(std::string(node_name), "its tandemd is not running");
  auto sent = signal_process(*pid, daemon_markers(**node), signal);
  if (!sent) return fail(sent.error());
  if (!*sent) return fail(std::string(node_name), "its tandemd is not running");
  return success();
}

Result<void> Lab::pause(std::string_view node_name) const { return signal_daemon(node_name, SIGSTOP); }

Result<void> Lab::resume(std::string_view node_name) const { return signal_daemon(node_name, SIGCONT); }

Result<void> Lab::stall(std::string_view node_name, std::chrono::milliseconds span) const {
  if (auto paused = pause(node_name); !paused) return paused;
  std::this_thread::sleep_for(span);
  return resume(node_name);
}

Result<void> Lab::start(std::string_view node_name) const {
  auto node = find_node(node_name);
  if (!node) return fail(node.error());
  if (is_daemon_running(**node)) return fail(std::string(node_name), "its tandemd is already running");
  return start_daemon(**node);
}

Result<void> Lab::partition(const std::vector<std::string>& node_names) const {
  std::vector<bool> is_cut(plan_.nodes.size(), false);
  for (const auto& name : node_names) {
    auto node = find_node(name);
    if (!node) return fail(node.error());
    is_cut[static_cast<std::size_t>((*node)->index)] = true;
  }
  std::vector<Command> commands;
  for (const auto& node : plan_.nodes) {
    commands.push_back(
        attach_private_port_command(plan_, node, is_cut[static_cast<std::size_t>(node.index)] ? "swq" : "swp"));
  }
  return run_all(commands);
}

Result<void> Lab::heal() const { return partition({}); }

// `ip -o addr show to ADDRESS` prints "3: eth1    inet 198.51.100.10/24 brd ...": the
// interface is the second word, the address with its prefix length the fourth.
Result<std::string> Lab::delete_address(std::string_view node_name, const IpAddress& address) const {
  auto shown = ip(node_name, {"-o", "addr", "show", "to", address.to_string()});
  if (!shown) return fail(shown.error());
  std::istringstream words(*shown);
  std::string index, interface, family, prefix;
  if (!(words >> index >> interface >> family >> prefix)) {
    return fail(std::string(node_name) + " " + address.to_string(), "the node does not hold this address");
  }
  if (auto deleted = ip(node_name, {"addr", "del", prefix, "dev", interface}); !deleted) return fail(deleted.error());
  return interface;
}

}  // namespace tandem::lab
