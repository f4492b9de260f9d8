#include "node/counters.h"

namespace tandem::node {

void Counters::observe(const cluster::Event& event, const std::vector<cluster::Action>& actions) {
  if (const auto* finished = std::get_if<cluster::HookFinished>(&event)) {
    if (auto running = running_hooks_.extract(finished->id); !running.empty() && !finished->ok) {
      ++statistics_.hooks[running.mapped()].failures;
    }
  }
  if (std::holds_alternative<cluster::AddressFailed>(event)) ++statistics_.address_failures;
  if (std::holds_alternative<cluster::AdminCommandReceived>(event)) ++statistics_.admin_commands;
  for (const auto& action : actions) {
    if (std::holds_alternative<cluster::AddAddress>(action)) ++statistics_.addresses_taken;
    if (std::holds_alternative<cluster::RemoveAddress>(action)) ++statistics_.addresses_released;
    if (const auto* hook = std::get_if<cluster::RunHook>(&action)) {
      const std::string name(hook_event_name(hook->event));
      ++statistics_.hooks[name].runs;
      running_hooks_[hook->id] = name;
    }
  }
}

void Counters::observe(const MachineGlance& before, const MachineGlance& after) {
  if (before.has_lease && !after.has_lease) ++statistics_.lease_lapses;
  if (!before.is_leader && after.is_leader) ++statistics_.elections_won;
  if (after.leader && before.leader != after.leader) ++statistics_.leader_changes;
  if (!before.flags.has(NodeFlags::kBanned) && after.flags.has(NodeFlags::kBanned)) ++statistics_.times_banned;
}

void Counters::observe(const cluster::AddressRepairs& before, const cluster::AddressRepairs& after) {
  statistics_.addresses_restored += after.restored - before.restored;
  statistics_.foreign_addresses_removed += after.foreign_removed - before.foreign_removed;
}

void Counters::count(const MoveRecord& record) {
  if (record.kind == MoveRecord::Kind::kLocalFailover) {
    ++statistics_.local_failovers;
    statistics_.local_failover_moves += record.moves.size();
    return;
  }
  ++(record.ok ? statistics_.takeover_runs_done : statistics_.takeover_runs_failed);
  statistics_.takeover_run_time += record.ended - record.started;
  statistics_.takeover_moves += record.moves.size();
}

}  // namespace tandem::node
