// Scenario: a short DSL over sim::SimWorld for tests that read as specifications.
//
//   Scenario s({.nodes = 3, .interfaces = 2, .groups = 3, .group_size = 2, .seed = 1});
//   s.run_for(2s).expect_all_groups_hosted();
//   NodeId node = s.node_hosting("target1");
//   s.link_down(node, "eth1").run_for(10ms);
//   s.expect_group_on("target1", node).expect_ip_on_interface(s.ip("target1", 0), node, "eth2");
//
// Time is simulated. Every run_for() fails the test (with the seed and the trace tail) on
// the first safety violation, unless the scenario expects violations (a broken world).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sim_world.h"

namespace tandem::sim {

struct ScenarioOptions {
  std::uint32_t nodes = 3;
  std::uint32_t interfaces = 2;
  std::uint32_t groups = 3;
  std::uint32_t group_size = 2;
  std::uint64_t seed = 1;
  bool cluster_lock = true;
  // Test only: removals take effect this much later (a broken world, see WorldOptions).
  Duration late_removal{0};
  // Test only: kernels that ignore the serving limit (a broken world, see WorldOptions).
  bool ignores_serving_limit = false;
  Tunables tunables{};
  bool echo_address_changes = false;  // see WorldOptions
  bool probes = false;                // see WorldOptions
};

class Scenario {
 public:
  explicit Scenario(const ScenarioOptions& options);
  // A world made to measure (options beyond ScenarioOptions).
  explicit Scenario(const WorldOptions& options);

  Scenario& run_for(Duration span);

  // --- faults ---
  Scenario& link_down(NodeId node, std::string_view interface);
  Scenario& link_up(NodeId node, std::string_view interface);
  // A dead path behind a live carrier, and its end (SimWorld::silence_link).
  Scenario& silence(NodeId node, std::string_view interface, bool is_silent = true);
  Scenario& power_off(NodeId node);
  Scenario& power_on(NodeId node);
  Scenario& crash_daemon(NodeId node);
  Scenario& wipe_disk(NodeId node);             // its state directory is lost; its next daemon starts fresh
  Scenario& kill_daemon(NodeId node);           // SIGKILL, and no ExecStopPost or restart after it
  Scenario& stall(NodeId node, Duration span);  // SIGSTOP, SIGCONT `span` later
  // A planned stop (SIGTERM): the daemon releases with its hooks, tells the leader and exits.
  Scenario& shutdown(NodeId node);
  Scenario& start(NodeId node);                          // starts a stopped daemon again
  Scenario& partition(const std::vector<NodeId>& side);  // from every other node, both ways
  Scenario& cut(NodeId from, NodeId to);                 // one way
  Scenario& heal();
  Scenario& lose_lock();
  Scenario& fail_hook(NodeId node, HookEvent event);
  Scenario& slow_hook(NodeId node, HookEvent event);  // succeeds after WorldOptions::slow_hook
  Scenario& fail_removals(NodeId node);
  Scenario& heal_kernel(NodeId node);  // adds and removals work again
  // `ip addr del` of `address` on `node`, behind its daemon's back.
  Scenario& take_address(NodeId node, const IpAddress& address);
  // Runs in steps of `step` until `condition` holds or `limit` has passed; false on timeout.
  template <typename Condition>
  bool run_until(Condition condition, Duration limit, Duration step = std::chrono::milliseconds(10)) {
    for (Duration waited{0}; waited <= limit; waited += step) {
      if (condition()) return true;
      run_for(step);
    }
    return condition();
  }
  bool is_banned(NodeId node) const;
  // Sends `command` to `via`'s control socket and runs until the reply (at most 5 s).
  AdminReplyRecord admin(NodeId via, const proto::AdminCommand& command);
  // `tandem addtickle` (is_add) or `deltickle` on `via`, run until the reply (at most 5 s).
  AdminReplyRecord tickle_edit(NodeId via, bool is_add, const TcpConnection& connection);
  // Asks `via`'s control socket for the status and runs until the answer (at most 5 s).
  proto::StatusReply status(NodeId via);
  // Reloads `node`'s configuration (SIGHUP) after `edit` changed a copy of it.
  Scenario& reconfigure(NodeId node, const std::function<void(cluster::NodeConfig&)>& edit);
  Scenario& reconfigure_all(const std::function<void(cluster::NodeConfig&)>& edit);

  // --- questions ---
  IpAddress ip(std::string_view group, std::size_t member) const;
  std::optional<NodeId> node_hosting(std::string_view group) const;  // the node holding its first IP
  // The nodes whose kernels serve `address` now (held, and their serving limit not passed).
  std::vector<NodeId> servers(const IpAddress& address) const;
  std::optional<NodeId> leader() const;    // the live leader of the highest epoch
  std::uint64_t epoch(NodeId node) const;  // the highest epoch its daemon has seen (0: none runs)
  std::optional<InterfaceName> interface_of(const IpAddress& address, NodeId node) const;
  // When `node`'s kernel last added / removed `address` (nullopt: never).
  std::optional<TimePoint> last_added(const IpAddress& address, NodeId node) const;
  std::optional<TimePoint> last_removed(const IpAddress& address, NodeId node) const;
  std::vector<NodeId> nodes() const;
  bool is_running(NodeId node) const;
  SimWorld& world() { return *world_; }

  // --- expectations (gtest failures naming the seed) ---
  Scenario& expect_all_groups_hosted();  // every IP served by one node (a silenced copy may stay)
  Scenario& expect_group_on(std::string_view group, NodeId node);
  Scenario& expect_group_not_on(std::string_view group, NodeId node);
  Scenario& expect_ip_on_interface(const IpAddress& address, NodeId node, std::string_view interface);
  Scenario& expect_converged();  // invariant 3 now
  Scenario& expect_banned(NodeId node);
  // For broken worlds: the invariant `name` was reported.
  Scenario& expect_violation(std::string_view name);
  Scenario& expect_violations_allowed();  // run_for() stops failing on violations

 private:
  void fail_with_trace(const std::string& what) const;
  AdminReplyRecord reply_to(NodeId via, std::uint64_t request_id, std::string_view what);
  const IpGroup& group(std::string_view name) const;

  std::unique_ptr<SimWorld> world_;
  bool violations_allowed_ = false;
  std::size_t violations_reported_ = 0;
};

}  // namespace tandem::sim
