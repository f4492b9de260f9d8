// The wire decoder on arbitrary bytes: a whole frame (parse_frame, decode), and a payload
// of every message type. Whatever decodes must encode again without tripping an invariant
// of the encoder (its TANDEM_CHECKs on names and sizes), and decode to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/frame.h"
#include "proto/payload.h"
#include "proto/writer.h"

using namespace tandem;

namespace {

void round_trip(const proto::Message& message) {
  proto::Writer out;
  proto::encode_payload(message, out);
  auto again = proto::decode_payload(static_cast<std::uint16_t>(proto::message_type(message)), out.data());
  if (!again.ok() || !(*again == message)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto envelope = proto::decode(bytes); envelope.ok()) round_trip(envelope->message);
  if (size >= 1) {
    // The first byte picks the type (unknown ones included), the rest is the payload.
    auto message = proto::decode_payload(static_cast<std::uint16_t>(data[0] % 12), bytes.subspan(1));
    if (message.ok()) round_trip(*message);
  }
  return 0;
}
