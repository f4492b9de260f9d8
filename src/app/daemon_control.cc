// The daemon's side of the control socket (docs/design/control-protocol.md): a request
// becomes an Event for the machine, or is answered from the daemon's own configuration.
#include <type_traits>

#include "app/daemon.h"
#include "ctl/control_request.h"
#include "ctl/status_json.h"
#include "ctl/tunables_json.h"

namespace tandem::app {

namespace {

// Commands that act on one node act on this one when the request names none.
bool applies_to_one_node(proto::AdminCommandKind kind) {
  using Kind = proto::AdminCommandKind;
  switch (kind) {
    case Kind::kDisable:
    case Kind::kEnable:
    case Kind::kBan:
    case Kind::kUnban:
    case Kind::kStop:
    case Kind::kContinue:
    case Kind::kSetInterfaceLink: return true;
    default: return false;
  }
}

}  // namespace

void Daemon::on_control_request(std::string request, sys::Responder responder) {
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
          if (!value.command.node && applies_to_one_node(value.command.kind)) value.command.node = config_.self;
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
        } else if constexpr (std::is_same_v<Request, ctl::Reload>) {
          auto done = reload_files();
          responder.reply(done ? ctl::reply_ok(ctl::message_result("configuration reloaded from " + config_.path))
                               : ctl::reply_error(ctl::ReplyCode::kRefused, done.error().message()));
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
                                   .groups = config_.groups.groups()};
  pending.mapped().reply(ctl::reply_ok(ctl::status_to_json(status, context)));
}

}  // namespace tandem::app
