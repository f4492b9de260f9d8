#include "node/node.h"

#include <set>
#include <type_traits>

#include "base/overloaded.h"
#include "node/notify_watch.h"

namespace tandem::node {

Node::Node(const cluster::NodeConfig& config, NodeIo io)
    : machine_(config), io_(std::move(io)), watch_(config.self, config.groups) {}

MachineGlance Node::glance(TimePoint now) const {
  return MachineGlance{.leader = machine_.leader(),
                       .is_leader = machine_.is_leader(),
                       .flags = machine_.flags(),
                       .has_lease = machine_.has_lease(now)};
}

void Node::report(const MoveRecord& record) {
  counters_.count(record);
  if (io_.log) {
    for (const auto& move : record.moves)
      io_.log(cluster::Log{cluster::Log::Level::kInfo, describe(record, move), std::nullopt});
  }
  if (moved_) moved_(record);
}

void Node::handle(const cluster::Event& event, TimePoint now) {
  if (const auto* finished = std::get_if<cluster::HookFinished>(&event);
      finished && finished->id >= kNotifyHookIdBase) {
    on_notify_finished(*finished);
    return;
  }
  std::optional<LinkState> previous_link;
  if (const auto* start = std::get_if<cluster::Start>(&event)) links_ = start->links;
  if (const auto* change = std::get_if<cluster::LinkChanged>(&event)) {
    if (auto known = links_.find(change->interface); known != links_.end()) previous_link = known->second;
    links_[change->interface] = change->state;
  }
  const MachineGlance before = glance(now);
  const cluster::AddressRepairs repairs_before = machine_.repairs();
  run_machine(event, now);
  const MachineGlance after = glance(now);
  counters_.observe(before, after);
  counters_.observe(repairs_before, machine_.repairs());
  if (!after.is_leader) watch_.leadership_lost(now);
  for (auto& arguments : notifications(before, after, event, previous_link)) queue_notify(std::move(arguments));
  for (const auto& record : watch_.take_finished()) report(record);
  io_.timers.wake_at(machine_.next_wakeup());
}

void Node::run_machine(const cluster::Event& event, TimePoint now) {
  // An action that fails at once (an address the kernel refuses) becomes an event of its
  // own, handled after the batch, so the machine is never re-entered from inside on().
  std::vector<cluster::Event> pending{event};
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const std::vector<cluster::Action> actions = machine_.on(pending[i], now);
    // An address the kernel refused is not announced: no client is sent to a node that
    // does not have it (the machine hears of the failure next and stops its repeats).
    std::set<IpAddress> refused;
    counters_.observe(pending[i], actions);
    if (auto question = watch_.observe(pending[i], actions, now)) pending.push_back(*question);
    for (const auto& action : actions) {
      if (const auto* reply = std::get_if<cluster::ReplyStatus>(&action);
          reply && reply->request_id >= kWatchStatusIdBase) {
        watch_.on_status(reply->status);
        continue;
      }
      if (const auto* add = std::get_if<cluster::AddAddress>(&action)) {
        if (auto done = io_.net.add_address(add->prefix, add->interface); !done) {
          pending.push_back(cluster::AddressFailed{add->prefix, add->interface, true, done.error().message()});
          refused.insert(add->prefix.address);
        }
        continue;
      }
      if (const auto* announce = std::get_if<cluster::Announce>(&action);
          announce && refused.contains(announce->address)) {
        continue;
      }
      if (const auto* tickle = std::get_if<cluster::SendTickles>(&action);
          tickle && refused.contains(tickle->address)) {
        continue;
      }
      if (const auto* list = std::get_if<cluster::ListConnections>(&action)) {
        if (io_.connections != nullptr) pending.push_back(listed(*io_.connections, list->addresses));
        continue;
      }
      if (const auto* remove = std::get_if<cluster::RemoveAddress>(&action)) {
        if (auto done = io_.net.remove_address(remove->prefix, remove->interface); !done) {
          pending.push_back(cluster::AddressFailed{remove->prefix, remove->interface, false, done.error().message()});
        }
        continue;
      }
      carry_out(action, now);
    }
  }
}

cluster::ConnectionsListed Node::listed(io::TcpConnections& connections,
                                        const std::vector<IpAddress>& addresses) const {
  auto found = connections.list(addresses);
  if (found) return cluster::ConnectionsListed{true, std::move(*found)};
  if (io_.log) {
    io_.log(cluster::Log{cluster::Log::Level::kWarning, "tickle lists: " + found.error().message(), std::nullopt});
  }
  return cluster::ConnectionsListed{false, {}};
}

void Node::queue_notify(std::vector<std::string> arguments) {
  if (notify_queue_.size() == kNotifyQueueMax) {
    notify_queue_.pop_front();
    if (io_.log)
      io_.log(
          cluster::Log{cluster::Log::Level::kWarning, "notify: too many waiting; dropped the oldest", std::nullopt});
  }
  notify_queue_.push_back(std::move(arguments));
  if (!notify_running_) start_notify();
}

void Node::start_notify() {
  if (notify_queue_.empty()) return;
  notify_running_ = next_notify_id_++;
  const cluster::RunHook run{*notify_running_, HookEvent::kNotify, std::move(notify_queue_.front())};
  notify_queue_.pop_front();
  counters_.observe(cluster::Tick{}, {run});
  io_.hooks.run(run.id, run.event, run.arguments);
}

void Node::on_notify_finished(const cluster::HookFinished& finished) {
  if (finished.id != notify_running_) return;
  counters_.observe(finished, {});
  if (!finished.ok && io_.log) io_.log(cluster::Log{cluster::Log::Level::kWarning, "notify hook failed", std::nullopt});
  notify_running_.reset();
  start_notify();
}

void Node::carry_out(const cluster::Action& action, TimePoint) {
  std::visit(
      [this](const auto& step) {
        using Step = std::decay_t<decltype(step)>;
        if constexpr (std::is_same_v<Step, cluster::SendMessage>) {
          io_.transport.send(step.to, step.message);
        } else if constexpr (std::is_same_v<Step, cluster::Announce>) {
          io_.net.announce(step.address, step.interface);
        } else if constexpr (std::is_same_v<Step, cluster::LimitServing>) {
          if (io_.limiter == nullptr) return;
          if (auto done = io_.limiter->limit(step.until, step.addresses); !done && io_.log) {
            io_.log(cluster::Log{cluster::Log::Level::kError,
                                 "limiting serving to the lease failed: " + done.error().message(), std::nullopt});
          }
        } else if constexpr (std::is_same_v<Step, cluster::PersistState>) {
          // The store makes a failed write safe itself (app/durable_state.h): a later
          // start then finds no state it could trust, never an outdated one.
          if (io_.store == nullptr) return;
          if (auto done = io_.store->save(step.state); !done && io_.log) {
            io_.log(cluster::Log{cluster::Log::Level::kError,
                                 "saving the durable state failed: " + done.error().message(), std::nullopt});
          }
        } else if constexpr (std::is_same_v<Step, cluster::SendProbe>) {
          if (io_.prober != nullptr) io_.prober->probe(step.interface, step.target);
        } else if constexpr (std::is_same_v<Step, cluster::RunHook>) {
          io_.hooks.run(step.id, step.event, step.arguments);
        } else if constexpr (std::is_same_v<Step, cluster::TryLock>) {
          if (io_.lock != nullptr) io_.lock->try_acquire();
        } else if constexpr (std::is_same_v<Step, cluster::ReleaseLock>) {
          if (io_.lock != nullptr) io_.lock->release();
        } else if constexpr (std::is_same_v<Step, cluster::ReplyAdmin>) {
          if (io_.reply) io_.reply(step.request_id, step.ok, step.message);
        } else if constexpr (std::is_same_v<Step, cluster::ReplyStatus>) {
          if (io_.status) io_.status(step.request_id, step.status);
        } else if constexpr (std::is_same_v<Step, cluster::Log>) {
          if (io_.log) io_.log(step);
        } else if constexpr (std::is_same_v<Step, cluster::ShutdownDone>) {
          if (io_.shutdown_done) io_.shutdown_done();
        } else if constexpr (std::is_same_v<Step, cluster::ResetConnections>) {
          if (io_.connections != nullptr) (void)io_.connections->reset(step.addresses);
        } else if constexpr (std::is_same_v<Step, cluster::SendTickles>) {
          if (io_.connections != nullptr) io_.connections->send_tickles(step.connections);
        } else if constexpr (std::is_same_v<Step, cluster::AddAddress> ||
                             std::is_same_v<Step, cluster::RemoveAddress> ||
                             std::is_same_v<Step, cluster::ListConnections>) {
          // Carried out in handle(), where failures are fed back.
        } else {
          static_assert(kUnhandled<Step>, "an action nobody carries out");
        }
      },
      action);
}

}  // namespace tandem::node
