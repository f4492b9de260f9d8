#include "sys/inbound_stream.h"

#include <string>
#include <utility>

#include "proto/frame.h"
#include "proto/payload.h"

namespace tandem::sys {
namespace {

std::string frame_place(const proto::FrameView& view) {
  return "frame from node " + std::to_string(view.sender.value()) + " sequence " +
         std::to_string(view.sequence);
}

}  // namespace

InboundStream::Batch InboundStream::feed(std::span<const std::uint8_t> chunk) {
  Batch batch;
  if (broken_) {
    batch.broken = broken_;
    return batch;
  }
  auto frames = splitter_.feed(chunk);
  if (!frames) {
    broken_ = frames.error();
    batch.broken = broken_;
    return batch;
  }
  for (const auto& frame : *frames) {
    auto accepted = accept_frame(frame, batch);
    if (!accepted) {
      broken_ = accepted.error();
      batch.broken = broken_;
      break;
    }
  }
  return batch;
}

Result<void> InboundStream::accept_frame(std::span<const std::uint8_t> frame, Batch& batch) {
  auto view = proto::parse_frame(frame);
  if (!view) return fail(view.error());
  // Nothing of the frame is trusted until its tag verifies, not even its sender.
  if (!is_tag_valid(key_, view->authenticated, view->tag)) {
    return fail("frame", "authentication tag does not verify (wrong cluster key or tampered)");
  }
  const std::string place = frame_place(*view);
  if (!peers_.contains(view->sender)) return fail(place, "the sender is not a configured peer");
  if (peer_ && view->sender != *peer_) {
    return fail(place, "this connection speaks for node " + std::to_string(peer_->value()));
  }
  if (view->receiver != self_ && view->receiver != proto::kBroadcast) {
    return fail(place, "meant for node " + std::to_string(view->receiver.value()) +
                           ", not this node");
  }
  if (view->sequence <= last_sequence_) {
    return fail(place, "replayed: sequence not above " + std::to_string(last_sequence_));
  }
  peer_ = view->sender;
  last_sequence_ = view->sequence;
  if (!proto::is_known_message_type(view->type)) {
    batch.skipped.push_back(Error{place, "unknown message type " + std::to_string(view->type)});
    return success();
  }
  auto message = proto::decode_payload(view->type, view->payload);
  if (!message) return fail(message.error().within(place));
  batch.messages.push_back(Received{view->sender, std::move(*message)});
  return success();
}

}  // namespace tandem::sys
