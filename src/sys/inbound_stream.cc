#include "sys/inbound_stream.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "proto/frame.h"
#include "proto/payload.h"

namespace tandem::sys {
namespace {

std::string frame_place(const proto::FrameView& view) {
  return "frame from node " + std::to_string(view.sender.value()) + " sequence " + std::to_string(view.sequence);
}

}  // namespace

std::size_t InboundStream::read_limit() const {
  return is_proven() ? std::numeric_limits<std::size_t>::max() : kHelloSize - hello_.size();
}

InboundStream::Batch InboundStream::feed(std::span<const std::uint8_t> chunk) {
  Batch batch;
  if (!broken_ && !is_proven()) {
    auto taken = take_hello(chunk);
    if (taken)
      chunk = chunk.subspan(*taken);
    else
      broken_ = taken.error();
  }
  if (broken_) {
    batch.broken = broken_;
    return batch;
  }
  if (chunk.empty()) return batch;
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

Result<std::size_t> InboundStream::take_hello(std::span<const std::uint8_t> chunk) {
  const std::size_t taken = std::min(chunk.size(), kHelloSize - hello_.size());
  hello_.insert(hello_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(taken));
  if (auto prefix = check_handshake_prefix(hello_, HandshakeKind::kHello); !prefix) {
    return fail(prefix.error());
  }
  if (hello_.size() < kHelloSize) return taken;
  auto connector = parse_hello(key_, self_, hello_);
  if (!connector) return fail(connector.error());
  if (!peers_.contains(*connector)) {
    return fail("hello from node " + std::to_string(connector->value()), "not a configured peer");
  }
  peer_ = *connector;
  hello_.clear();
  hello_.shrink_to_fit();
  return taken;
}

Result<void> InboundStream::accept_frame(std::span<const std::uint8_t> frame, Batch& batch) {
  auto view = proto::parse_frame(frame);
  if (!view) return fail(view.error());
  // Nothing of the frame is trusted until its tag verifies, not even its sender.
  if (!is_tag_valid(key_.key, view->authenticated, view->tag)) {
    return fail("frame",
                "authentication tag does not verify (tampered, or made for another "
                "connection: a replay)");
  }
  const std::string place = frame_place(*view);
  if (view->sender != *peer_) {
    return fail(place, "this connection speaks for node " + std::to_string(peer_->value()));
  }
  if (view->receiver != self_ && view->receiver != proto::kBroadcast) {
    return fail(place, "meant for node " + std::to_string(view->receiver.value()) + ", not this node");
  }
  if (view->sequence <= last_sequence_) {
    return fail(place, "replayed: sequence not above " + std::to_string(last_sequence_));
  }
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
