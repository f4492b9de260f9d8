#include "proto/message.h"

#include <iterator>

namespace tandem::proto {

MessageType message_type(const Message& message) {
  static constexpr MessageType kTypes[] = {
      MessageType::kHeartbeat,     MessageType::kStateReport, MessageType::kTakeoverOrder, MessageType::kTakeoverAck,
      MessageType::kAdminRequest,  MessageType::kAdminReply,  MessageType::kVoteRequest,   MessageType::kVote,
      MessageType::kStatusRequest, MessageType::kStatusReply, MessageType::kTickleList,
  };
  static_assert(std::size(kTypes) == std::variant_size_v<Message>);
  return kTypes[message.index()];
}

std::string_view message_name(MessageType type) {
  switch (type) {
    case MessageType::kHeartbeat:
      return "Heartbeat";
    case MessageType::kStateReport:
      return "StateReport";
    case MessageType::kTakeoverOrder:
      return "TakeoverOrder";
    case MessageType::kTakeoverAck:
      return "TakeoverAck";
    case MessageType::kAdminRequest:
      return "AdminRequest";
    case MessageType::kAdminReply:
      return "AdminReply";
    case MessageType::kVoteRequest:
      return "VoteRequest";
    case MessageType::kVote:
      return "Vote";
    case MessageType::kStatusRequest:
      return "StatusRequest";
    case MessageType::kStatusReply:
      return "StatusReply";
    case MessageType::kTickleList:
      return "TickleList";
  }
  return "unknown message";
}

bool is_known_message_type(std::uint16_t type) {
  return type >= static_cast<std::uint16_t>(MessageType::kHeartbeat) &&
         type <= static_cast<std::uint16_t>(MessageType::kTickleList);
}

bool is_no_misbehaviour(FailureCause cause) {
  switch (cause) {
    case FailureCause::kShuttingDown:
    case FailureCause::kNoLease:
      return true;
    case FailureCause::kUnknown:
    case FailureCause::kHookFailed:
    case FailureCause::kNotHeld:
    case FailureCause::kAddressFailed:
      return false;
  }
  return false;
}

}  // namespace tandem::proto
