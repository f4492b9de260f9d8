#include "node/node.h"

#include <type_traits>

#include "base/overloaded.h"

namespace tandem::node {

Node::Node(cluster::NodeConfig config, NodeIo io) : machine_(std::move(config)), io_(std::move(io)) {}

void Node::handle(const cluster::Event& event, TimePoint now) {
  // An action that fails at once (an address the kernel refuses) becomes an event of its
  // own, handled after the batch, so the machine is never re-entered from inside on().
  std::vector<cluster::Event> pending{event};
  for (std::size_t i = 0; i < pending.size(); ++i) {
    for (const auto& action : machine_.on(pending[i], now)) {
      if (const auto* add = std::get_if<cluster::AddAddress>(&action)) {
        if (auto done = io_.net.add_address(add->prefix, add->interface); !done) {
          pending.push_back(cluster::AddressFailed{add->prefix, add->interface, true, done.error().message()});
        }
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
  io_.timers.wake_at(machine_.next_wakeup());
}

void Node::carry_out(const cluster::Action& action, TimePoint) {
  std::visit(
      [this](const auto& step) {
        using Step = std::decay_t<decltype(step)>;
        if constexpr (std::is_same_v<Step, cluster::SendMessage>) {
          io_.transport.send(step.to, step.message);
        } else if constexpr (std::is_same_v<Step, cluster::Announce>) {
          io_.net.announce(step.address, step.interface);
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
        } else if constexpr (std::is_same_v<Step, cluster::AddAddress> || std::is_same_v<Step, cluster::RemoveAddress>) {
          // Carried out in handle(), where failures are fed back.
        } else {
          static_assert(kUnhandled<Step>, "an action nobody carries out");
        }
      },
      action);
}

}  // namespace tandem::node
