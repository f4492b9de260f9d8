#include "scenario.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace tandem::sim {
namespace {

WorldOptions world_options(const ScenarioOptions& options) {
  WorldOptions world;
  world.seed = options.seed;
  world.shape = {options.nodes, options.interfaces, options.groups, options.group_size};
  world.has_cluster_lock = options.cluster_lock;
  world.late_removal = options.late_removal;
  world.ignores_serving_limit = options.ignores_serving_limit;
  world.tunables = options.tunables;
  world.echo_address_changes = options.echo_address_changes;
  world.probes = options.probes;
  world.stop_at_first_violation = false;  // a scenario looks at everything that went wrong
  return world;
}

std::string node_text(NodeId node) { return "node " + std::to_string(node.value()); }

}  // namespace

Scenario::Scenario(const ScenarioOptions& options) : Scenario(world_options(options)) {}

Scenario::Scenario(const WorldOptions& options) {
  auto created = SimWorld::create(options);
  TANDEM_CHECK(created.ok());
  world_ = std::move(created).value();
  if (options.late_removal.count() > 0 || options.ignores_serving_limit) violations_allowed_ = true;
}

Scenario& Scenario::run_for(Duration span) {
  world_->run_for(span);
  const auto& violations = world_->violations();
  if (!violations_allowed_ && violations.size() > violations_reported_) {
    std::string text;
    for (std::size_t i = violations_reported_; i < violations.size(); ++i) {
      text += "violation: " + violations[i].invariant + ": " + violations[i].details + "\n";
    }
    violations_reported_ = violations.size();
    fail_with_trace(text);
  }
  return *this;
}

void Scenario::fail_with_trace(const std::string& what) const {
  std::string trace;
  for (const auto& line : world_->trace_tail()) trace += "  " + line + "\n";
  ADD_FAILURE() << what << "\nseed " << world_->options().seed << ", at "
                << std::chrono::duration<double>(world_->now().time_since_epoch()).count() << " s; last trace lines:\n"
                << trace;
}

// --- faults ---

Scenario& Scenario::link_down(NodeId node, std::string_view interface) {
  world_->set_link(node.value(), InterfaceName(std::string(interface)), LinkState::kDown);
  return *this;
}
Scenario& Scenario::silence(NodeId node, std::string_view interface, bool is_silent) {
  world_->silence_link(node.value(), InterfaceName(std::string(interface)), is_silent);
  return *this;
}
Scenario& Scenario::link_up(NodeId node, std::string_view interface) {
  world_->set_link(node.value(), InterfaceName(std::string(interface)), LinkState::kUp);
  return *this;
}
Scenario& Scenario::power_off(NodeId node) {
  world_->power_off(node.value());
  return *this;
}
Scenario& Scenario::power_on(NodeId node) {
  world_->power_on(node.value());
  return *this;
}
Scenario& Scenario::crash_daemon(NodeId node) {
  world_->crash_daemon(node.value());
  return *this;
}
Scenario& Scenario::wipe_disk(NodeId node) {
  world_->wipe_disk(node.value());
  return *this;
}
Scenario& Scenario::kill_daemon(NodeId node) {
  world_->kill_daemon(node.value());
  return *this;
}
Scenario& Scenario::stall(NodeId node, Duration span) {
  world_->stall(node.value(), span);
  return *this;
}
Scenario& Scenario::shutdown(NodeId node) {
  world_->shutdown_daemon(node.value());
  return *this;
}
Scenario& Scenario::start(NodeId node) {
  world_->start(node.value());
  return *this;
}
Scenario& Scenario::partition(const std::vector<NodeId>& side) {
  std::vector<NodeIndex> indexes;
  for (NodeId node : side) indexes.push_back(node.value());
  world_->partition(indexes);
  return *this;
}
Scenario& Scenario::cut(NodeId from, NodeId to) {
  world_->cut(from.value(), to.value());
  return *this;
}
Scenario& Scenario::heal() {
  world_->heal_network();
  return *this;
}
Scenario& Scenario::lose_lock() {
  world_->lose_lock();
  return *this;
}
Scenario& Scenario::fail_hook(NodeId node, HookEvent event) {
  world_->set_hook_fault(node.value(), event, HookFault::kFail);
  return *this;
}
Scenario& Scenario::slow_hook(NodeId node, HookEvent event) {
  world_->set_hook_fault(node.value(), event, HookFault::kSlow);
  return *this;
}
Scenario& Scenario::fail_removals(NodeId node) {
  world_->set_kernel_faults(node.value(), {.removals_fail = true});
  return *this;
}

Scenario& Scenario::take_address(NodeId node, const IpAddress& address) {
  world_->take_address(node.value(), address);
  return *this;
}

Scenario& Scenario::heal_kernel(NodeId node) {
  world_->set_kernel_faults(node.value(), {});
  return *this;
}

bool Scenario::is_banned(NodeId node) const {
  const SimNode& sim_node = world_->node(node.value());
  return sim_node.is_running() && sim_node.daemon->machine().flags().has(NodeFlags::kBanned);
}

AdminReplyRecord Scenario::admin(NodeId via, const proto::AdminCommand& command) {
  return reply_to(via, world_->admin(via.value(), command), proto::command_word(command));
}

AdminReplyRecord Scenario::tickle_edit(NodeId via, bool is_add, const TcpConnection& connection) {
  return reply_to(via, world_->tickle_edit(via.value(), is_add, connection), is_add ? "addtickle" : "deltickle");
}

AdminReplyRecord Scenario::reply_to(NodeId via, std::uint64_t id, std::string_view what) {
  for (int step = 0; step < 500; ++step) {
    for (const auto& reply : world_->replies()) {
      if (reply.request_id == id && reply.node == via.value()) return reply;
    }
    run_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "no reply to " << what << " within 5 s (seed " << world_->options().seed << ")";
  return AdminReplyRecord{};
}

proto::StatusReply Scenario::status(NodeId via) {
  const std::uint64_t id = world_->status(via.value());
  for (int step = 0; step < 500; ++step) {
    for (const auto& reply : world_->status_replies()) {
      if (reply.request_id == id && reply.node == via.value()) return reply.status;
    }
    run_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "no status answer within 5 s (seed " << world_->options().seed << ")";
  return proto::StatusReply{};
}

Scenario& Scenario::reconfigure(NodeId node, const std::function<void(cluster::NodeConfig&)>& edit) {
  cluster::NodeConfig config = world_->node(node.value()).config;
  edit(config);
  world_->reconfigure(node.value(), config);
  return *this;
}

Scenario& Scenario::reconfigure_all(const std::function<void(cluster::NodeConfig&)>& edit) {
  for (NodeId node : nodes()) reconfigure(node, edit);
  return *this;
}

// --- questions ---

const IpGroup& Scenario::group(std::string_view name) const {
  for (const auto& g : world_->layout().groups) {
    if (g.name.value() == name) return g;
  }
  TANDEM_CHECK(false && "no such group");
  return world_->layout().groups.front();
}

IpAddress Scenario::ip(std::string_view group_name, std::size_t member) const {
  return group(group_name).members.at(member).address;
}

std::optional<NodeId> Scenario::node_hosting(std::string_view group_name) const {
  const auto holders = world_->holders(ip(group_name, 0));
  if (holders.empty()) return std::nullopt;
  return NodeId(holders.front());
}

std::vector<NodeId> Scenario::servers(const IpAddress& address) const {
  std::vector<NodeId> nodes;
  for (NodeIndex index : world_->servers(address)) nodes.emplace_back(index);
  return nodes;
}

std::uint64_t Scenario::epoch(NodeId node) const {
  const SimNode& sim_node = world_->node(node.value());
  return sim_node.is_running() ? sim_node.daemon->machine().epoch() : 0;
}

std::optional<NodeId> Scenario::leader() const {
  std::optional<NodeId> best;
  std::uint64_t best_epoch = 0;
  for (NodeIndex i = 0; i < world_->node_count(); ++i) {
    const SimNode& node = world_->node(i);
    if (!node.is_running() || !node.daemon->machine().is_leader()) continue;
    if (!best || node.daemon->machine().epoch() > best_epoch) {
      best = NodeId(i);
      best_epoch = node.daemon->machine().epoch();
    }
  }
  return best;
}

std::optional<InterfaceName> Scenario::interface_of(const IpAddress& address, NodeId node) const {
  for (const auto& held : world_->node(node.value()).kernel.held()) {
    if (held.prefix.address == address) return held.interface;
  }
  return std::nullopt;
}

std::optional<TimePoint> Scenario::last_added(const IpAddress& address, NodeId node) const {
  std::optional<TimePoint> last;
  for (const auto& change : world_->address_history()) {
    if (change.added && change.node == node.value() && change.prefix.address == address) last = change.at;
  }
  return last;
}

std::optional<TimePoint> Scenario::last_removed(const IpAddress& address, NodeId node) const {
  std::optional<TimePoint> last;
  for (const auto& change : world_->address_history()) {
    if (!change.added && change.node == node.value() && change.prefix.address == address) last = change.at;
  }
  return last;
}

std::vector<NodeId> Scenario::nodes() const {
  std::vector<NodeId> all;
  for (NodeIndex i = 0; i < world_->node_count(); ++i) all.emplace_back(i);
  return all;
}

bool Scenario::is_running(NodeId node) const { return world_->node(node.value()).is_running(); }

// --- expectations ---

Scenario& Scenario::expect_all_groups_hosted() {
  for (const auto& g : world_->layout().groups) {
    for (const auto& member : g.members) {
      if (world_->servers(member.address).size() != 1) {
        fail_with_trace("group " + g.name.value() + ": " + member.address.to_string() + " is served by " +
                        std::to_string(world_->servers(member.address).size()) + " nodes, expected 1");
        return *this;
      }
    }
  }
  return *this;
}

Scenario& Scenario::expect_group_on(std::string_view group_name, NodeId node) {
  for (const auto& member : group(group_name).members) {
    const auto holders = world_->holders(member.address);
    if (holders != std::vector<NodeIndex>{node.value()}) {
      fail_with_trace(std::string("group ") + std::string(group_name) + ": " + member.address.to_string() +
                      " is not (only) on " + node_text(node));
      return *this;
    }
  }
  return *this;
}

Scenario& Scenario::expect_group_not_on(std::string_view group_name, NodeId node) {
  for (const auto& member : group(group_name).members) {
    const auto holders = world_->holders(member.address);
    if (std::find(holders.begin(), holders.end(), node.value()) != holders.end()) {
      fail_with_trace(std::string("group ") + std::string(group_name) + ": " + member.address.to_string() +
                      " is still on " + node_text(node));
      return *this;
    }
  }
  return *this;
}

Scenario& Scenario::expect_ip_on_interface(const IpAddress& address, NodeId node, std::string_view interface) {
  const auto found = interface_of(address, node);
  if (!found || found->value() != interface) {
    fail_with_trace(address.to_string() + " is on " + (found ? found->value() : std::string("no interface")) + " of " +
                    node_text(node) + ", expected " + std::string(interface));
  }
  return *this;
}

Scenario& Scenario::expect_converged() {
  const auto found = world_->check_convergence();
  if (!found.empty()) {
    std::string text;
    for (const auto& v : found) text += "violation: " + v.invariant + ": " + v.details + "\n";
    violations_reported_ = world_->violations().size();
    fail_with_trace(text);
  }
  return *this;
}

Scenario& Scenario::expect_banned(NodeId node) {
  if (!is_banned(node)) {
    fail_with_trace(node_text(node) + " is not BANNED (by its own flags)");
  }
  return *this;
}

Scenario& Scenario::expect_violation(std::string_view name) {
  for (const auto& v : world_->violations()) {
    if (v.invariant == name) return *this;
  }
  std::string got;
  for (const auto& v : world_->violations()) got += "\n  " + v.invariant + ": " + v.details;
  fail_with_trace("expected a " + std::string(name) + " violation, got " + std::to_string(world_->violations().size()) +
                  " of other kinds:" + got);
  return *this;
}

Scenario& Scenario::expect_violations_allowed() {
  violations_allowed_ = true;
  return *this;
}

}  // namespace tandem::sim
