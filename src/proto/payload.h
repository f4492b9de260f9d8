// The payload of each message: its TLV fields and their tags (docs/design/wire-protocol.md).
//
// Pure: bytes in, Result out. Decoding never reads past the span, skips fields it does
// not know, and names the message and field of the first problem. It must never accept a
// message without one of its required fields or with a value out of range.
#pragma once

#include <cstdint>
#include <span>

#include "base/result.h"
#include "proto/message.h"
#include "proto/writer.h"

namespace tandem::proto {

// Appends the message's fields (not its type: the frame header carries that).
void encode_payload(const Message& message, Writer& out);

// The message of `type` whose fields are `payload`; an unknown type is an error.
Result<Message> decode_payload(std::uint16_t type, std::span<const std::uint8_t> payload);

}  // namespace tandem::proto
