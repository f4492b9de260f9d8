#include "proto/frame.h"

#include <algorithm>
#include <string>

#include "base/check.h"
#include "proto/limits.h"
#include "proto/payload.h"
#include "proto/reader.h"
#include "proto/writer.h"

namespace tandem::proto {

namespace {

constexpr std::size_t kPayloadLengthOffset = kHeaderSize - 4;

struct Header {
  std::uint8_t version_major = 0;
  std::uint8_t version_minor = 0;
  std::uint16_t type = 0;
  std::uint16_t flags = 0;
  std::uint32_t sender = 0;
  std::uint32_t receiver = 0;
  std::uint64_t sequence = 0;
  std::uint32_t payload_length = 0;
};

std::string version_text(std::uint8_t major, std::uint8_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Reads and checks the fixed header; `header` holds at least kHeaderSize bytes.
Result<Header> read_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) {
    return fail("frame", std::to_string(bytes.size()) + " bytes is shorter than the " + std::to_string(kHeaderSize) +
                             "-byte header");
  }
  if (!std::equal(std::begin(kMagic), std::end(kMagic), bytes.begin())) {
    return fail("frame", "bad magic: not a Tandem frame");
  }
  Reader reader(bytes.subspan(4, kHeaderSize - 4));
  Header header;
  // The bounds were checked above, so every read succeeds.
  header.version_major = reader.u8().value_or(0);
  header.version_minor = reader.u8().value_or(0);
  header.type = reader.u16().value_or(0);
  header.flags = reader.u16().value_or(0);
  header.sender = reader.u32().value_or(0);
  header.receiver = reader.u32().value_or(0);
  header.sequence = reader.u64().value_or(0);
  header.payload_length = reader.u32().value_or(0);
  if (header.version_major != kVersionMajor) {
    return fail("frame", "protocol version " + version_text(header.version_major, header.version_minor) +
                             " is not supported (this node speaks " + version_text(kVersionMajor, kVersionMinor) + ")");
  }
  if (header.payload_length > kPayloadSizeMax) {
    return fail("frame", "payload length " + std::to_string(header.payload_length) + " exceeds " +
                             std::to_string(kPayloadSizeMax));
  }
  return header;
}

}  // namespace

Result<std::size_t> frame_size(std::span<const std::uint8_t> header) {
  auto parsed = read_header(header);
  if (!parsed) return fail(parsed.error());
  return kHeaderSize + std::size_t{parsed->payload_length} + kTagSize;
}

Result<FrameView> parse_frame(std::span<const std::uint8_t> bytes) {
  auto header = read_header(bytes);
  if (!header) return fail(header.error());
  const std::size_t size = kHeaderSize + std::size_t{header->payload_length} + kTagSize;
  if (bytes.size() != size) {
    return fail("frame", "is " + std::to_string(bytes.size()) + " bytes but its header says " + std::to_string(size));
  }
  if (header->sender == kBroadcast.value()) return fail("frame", "the sender is the broadcast id");
  FrameView view;
  view.version_major = header->version_major;
  view.version_minor = header->version_minor;
  view.type = header->type;
  view.flags = header->flags;
  view.sender = NodeId(header->sender);
  view.receiver = NodeId(header->receiver);
  view.sequence = header->sequence;
  view.payload = bytes.subspan(kHeaderSize, header->payload_length);
  view.authenticated = bytes.first(kHeaderSize + header->payload_length);
  view.tag = bytes.last(kTagSize);
  return view;
}

std::vector<std::uint8_t> encode(const Envelope& envelope) {
  TANDEM_CHECK(envelope.sender != kBroadcast);
  Writer out;
  out.bytes(kMagic);
  out.u8(kVersionMajor);
  out.u8(kVersionMinor);
  out.u16(static_cast<std::uint16_t>(message_type(envelope.message)));
  out.u16(envelope.flags);
  out.u32(envelope.sender.value());
  out.u32(envelope.receiver.value());
  out.u64(envelope.sequence);
  out.u32(0);  // payload length, patched below
  encode_payload(envelope.message, out);
  const std::size_t payload_length = out.size() - kHeaderSize;
  TANDEM_CHECK(payload_length <= kPayloadSizeMax);
  out.patch_u32(kPayloadLengthOffset, static_cast<std::uint32_t>(payload_length));
  out.bytes(envelope.tag);
  return out.take();
}

void write_tag(std::span<std::uint8_t> frame, const AuthTag& tag) {
  TANDEM_CHECK(frame.size() >= kHeaderSize + kTagSize);
  std::copy(tag.begin(), tag.end(), frame.last(kTagSize).begin());
}

Result<Envelope> decode(std::span<const std::uint8_t> bytes) {
  auto view = parse_frame(bytes);
  if (!view) return fail(view.error());
  auto message = decode_payload(view->type, view->payload);
  if (!message) return fail(message.error());
  Envelope envelope;
  envelope.sender = view->sender;
  envelope.receiver = view->receiver;
  envelope.sequence = view->sequence;
  envelope.flags = view->flags;
  envelope.message = std::move(*message);
  std::copy(view->tag.begin(), view->tag.end(), envelope.tag.begin());
  return envelope;
}

}  // namespace tandem::proto
