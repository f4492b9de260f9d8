// The daemon's side of the control socket (docs/design/control-protocol.md): a request
// becomes an Event for the machine, or is answered from the daemon's own configuration.
#include <type_traits>

#include "app/daemon.h"
#include "base/overloaded.h"
#include "ctl/control_request.h"
#include "ctl/status_json.h"
#include "ctl/tickle_views.h"
#include "ctl/tunables_json.h"

namespace tandem::app {

namespace {

// The table of every routed address the reply names: a function of the address and this
// node's [routing] section, the same on every node that has the same section.
std::map<IpAddress, std::uint32_t> routing_tables_of(const proto::StatusReply& status,
                                                     const config::RoutingSettings& routing) {
  std::map<IpAddress, std::uint32_t> tables;
  auto note = [&](const IpAddress& address) {
    if (auto table = config::routing_table_of(routing, address)) tables.emplace(address, *table);
  };
  for (const auto& node : status.nodes) {
    for (const auto& address : node.addresses) note(address.address());
    for (const auto& held : node.held) note(held.prefix.address);
  }
  return tables;
}

}  // namespace

void Daemon::on_control_request(const std::string& request, sys::Responder responder) {
  auto parsed = ctl::parse_control_request(request);
  if (!parsed) {
    responder.reply(ctl::reply_error(ctl::ReplyCode::kBadRequest, parsed.error().message()));
    return;
  }
  std::visit(
      [&](auto& value) {
        using Request = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<Request, ctl::Status>) {
          const std::uint64_t id = next_request_id_++;
          pending_.emplace(id, std::move(responder));
          handle(cluster::StatusQuery{id});
        } else if constexpr (std::is_same_v<Request, ctl::Admin>) {
          // A command that acts on one node acts on this one when the request names none.
          if (!value.names_node) value.command = proto::acting_on(std::move(value.command), config_.self);
          const std::uint64_t id = next_request_id_++;
          pending_.emplace(id, std::move(responder));
          handle(cluster::AdminCommandReceived{id, value.command});
        } else if constexpr (std::is_same_v<Request, ctl::ListVars>) {
          responder.reply(ctl::reply_ok(ctl::listvars_result(config_.settings.tunables)));
        } else if constexpr (std::is_same_v<Request, ctl::GetVar>) {
          auto result = ctl::getvar_result(config_.settings.tunables, value.name);
          responder.reply(result ? ctl::reply_ok(*result)
                                 : ctl::reply_error(ctl::ReplyCode::kBadRequest, result.error().message()));
        } else if constexpr (std::is_same_v<Request, ctl::SetVar>) {
          auto result = ctl::apply_setvar(config_.settings.tunables, value);
          if (!result) {
            responder.reply(ctl::reply_error(ctl::ReplyCode::kBadRequest, result.error().message()));
            return;
          }
          log_->info("setvar {} = {}", value.name, value.value);
          apply_running_config();
          responder.reply(ctl::reply_ok(*result));
        } else if constexpr (std::is_same_v<Request, ctl::Statistics>) {
          responder.reply(ctl::reply_ok(ctl::to_json(metrics())));
        } else if constexpr (std::is_same_v<Request, ctl::History>) {
          responder.reply(ctl::reply_ok(history_.to_json(value.count)));
        } else if constexpr (std::is_same_v<Request, ctl::GetTickles>) {
          const auto* entry = node_->machine().tickle_lists().find(value.address);
          responder.reply(ctl::reply_ok(
              entry == nullptr ? ctl::tickles_result(value.address, std::nullopt, {})
                               : ctl::tickles_result(value.address, entry->recorded_by, entry->connections)));
        } else if constexpr (std::is_same_v<Request, ctl::TickleEdit>) {
          const std::uint64_t id = next_request_id_++;
          pending_.emplace(id, std::move(responder));
          handle(cluster::TickleEdit{id, value.is_add, value.connection});
        } else if constexpr (std::is_same_v<Request, ctl::Reload>) {
          // Answered when the reads, off the loop, are done (std::function needs a copyable
          // callable: the move-only Responder is shared).
          auto waiting = std::make_shared<sys::Responder>(std::move(responder));
          reload_files([this, waiting](const Result<void>& done) {
            waiting->reply(done ? ctl::reply_ok(ctl::message_result("configuration reloaded from " + config_.path))
                                : ctl::reply_error(ctl::ReplyCode::kRefused, done.error().message()));
          });
        } else {
          static_assert(kUnhandled<Request>, "a control request nobody handles");
        }
      },
      *parsed);
}

void Daemon::answer_admin(std::uint64_t request_id, bool ok, const std::string& message) {
  auto pending = pending_.extract(request_id);
  if (pending.empty()) return;
  pending.mapped().reply(ok ? ctl::reply_ok(ctl::message_result(message))
                            : ctl::reply_error(ctl::ReplyCode::kRefused, message));
}

void Daemon::answer_status(std::uint64_t request_id, const proto::StatusReply& status) {
  auto pending = pending_.extract(request_id);
  if (pending.empty()) return;
  const auto& machine = node_->machine();
  const ctl::StatusContext context{.this_node = config_.self,
                                   .leader = machine.leader(),
                                   .epoch = machine.epoch(),
                                   .node_addresses = config_.node_addresses(),
                                   .groups = config_.groups.groups(),
                                   .routing_tables = routing_tables_of(status, config_.settings.routing)};
  pending.mapped().reply(ctl::reply_ok(ctl::status_to_json(status, context)));
}

}  // namespace tandem::app
