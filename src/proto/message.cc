#include "proto/message.h"

#include <iterator>

namespace tandem::proto {

MessageType message_type(const Message& message) {
  static constexpr MessageType kTypes[] = {
      MessageType::kHeartbeat,    MessageType::kStateReport, MessageType::kTakeoverOrder,
      MessageType::kTakeoverAck,  MessageType::kAdminRequest, MessageType::kAdminReply,
      MessageType::kVoteRequest,  MessageType::kVote,         MessageType::kStatusRequest,
      MessageType::kStatusReply,
  };
  static_assert(std::size(kTypes) == std::variant_size_v<Message>);
  return kTypes[message.index()];
}

std::string_view message_name(MessageType type) {
  switch (type) {
    case MessageType::kHeartbeat: return "Heartbeat";
    case MessageType::kStateReport: return "StateReport";
    case MessageType::kTakeoverOrder: return "TakeoverOrder";
    case MessageType::kTakeoverAck: return "TakeoverAck";
    case MessageType::kAdminRequest: return "AdminRequest";
    case MessageType::kAdminReply: return "AdminReply";
    case MessageType::kVoteRequest: return "VoteRequest";
    case MessageType::kVote: return "Vote";
    case MessageType::kStatusRequest: return "StatusRequest";
    case MessageType::kStatusReply: return "StatusReply";
  }
  return "unknown message";
}

bool is_known_message_type(std::uint16_t type) {
  return type >= static_cast<std::uint16_t>(MessageType::kHeartbeat) &&
         type <= static_cast<std::uint16_t>(MessageType::kStatusReply);
}

std::string_view command_word(AdminCommandKind kind) {
  switch (kind) {
    case AdminCommandKind::kDisable: return "disable";
    case AdminCommandKind::kEnable: return "enable";
    case AdminCommandKind::kBan: return "ban";
    case AdminCommandKind::kUnban: return "unban";
    case AdminCommandKind::kStop: return "stop";
    case AdminCommandKind::kContinue: return "continue";
    case AdminCommandKind::kMoveIp: return "moveip";
    case AdminCommandKind::kMoveGroup: return "movegroup";
    case AdminCommandKind::kReloadIps: return "reloadips";
    case AdminCommandKind::kSetInterfaceLink: return "setifacelink";
    case AdminCommandKind::kIpReallocate: return "ipreallocate";
  }
  return "unknown command";
}

bool is_no_misbehaviour(FailureCause cause) {
  switch (cause) {
    case FailureCause::kShuttingDown:
    case FailureCause::kNoLease: return true;
    case FailureCause::kUnknown:
    case FailureCause::kHookFailed:
    case FailureCause::kNotHeld:
    case FailureCause::kAddressFailed: return false;
  }
  return false;
}

bool acts_on_node(AdminCommandKind kind) {
  switch (kind) {
    case AdminCommandKind::kDisable:
    case AdminCommandKind::kEnable:
    case AdminCommandKind::kBan:
    case AdminCommandKind::kUnban:
    case AdminCommandKind::kStop:
    case AdminCommandKind::kContinue:
    case AdminCommandKind::kSetInterfaceLink: return true;
    case AdminCommandKind::kMoveIp:
    case AdminCommandKind::kMoveGroup:
    case AdminCommandKind::kReloadIps:
    case AdminCommandKind::kIpReallocate: return false;
  }
  return false;
}

bool may_name_node(AdminCommandKind kind) { return kind != AdminCommandKind::kIpReallocate; }

}  // namespace tandem::proto
