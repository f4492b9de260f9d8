// Frames: one message on the wire, with its header and authentication tag.
//
// Layout (docs/design/wire-protocol.md), all integers big-endian:
//   magic "TNDM" | major u8 | minor u8 | type u16 | flags u16 | sender u32 | receiver u32 |
//   sequence u64 | payload length u32 | payload | tag (kTagSize bytes)
// The tag covers every byte before it. This module only places the tag; computing and
// checking it (with the cluster key) is the runtime's job, and nothing here may trust a
// frame whose tag has not been checked. Pure: no sockets, clocks or crypto.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "model/ids.h"
#include "proto/message.h"

namespace tandem::proto {

using AuthTag = std::array<std::uint8_t, 32>;

// The receiver of a frame meant for every peer.
inline constexpr NodeId kBroadcast{0xFFFFFFFFu};

// A message with the header fields its sender chooses.
struct Envelope {
  NodeId sender;
  NodeId receiver = kBroadcast;
  std::uint64_t sequence = 0;  // per sender and connection, from 1; for replay refusal
  std::uint16_t flags = 0;     // none defined in 1.0: written 0, ignored when read
  Message message;
  AuthTag tag{};  // zero until the runtime signs the frame

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// A frame whose header has been checked (magic, major version, sizes), its payload not yet
// decoded. The spans point into the caller's buffer.
struct FrameView {
  std::uint8_t version_major = 0;
  std::uint8_t version_minor = 0;
  std::uint16_t type = 0;  // possibly unknown to this version: see is_known_message_type()
  std::uint16_t flags = 0;
  NodeId sender;
  NodeId receiver;
  std::uint64_t sequence = 0;
  std::span<const std::uint8_t> payload;
  std::span<const std::uint8_t> authenticated;  // header and payload: what the tag covers
  std::span<const std::uint8_t> tag;            // the last kTagSize bytes
};

// The whole size of the frame that starts with `header` (at least kHeaderSize bytes), after
// checking its magic, major version and payload length. An error means the stream is not
// a Tandem stream of this major version and the connection should be dropped.
Result<std::size_t> frame_size(std::span<const std::uint8_t> header);

// Checks that `bytes` is exactly one frame and returns its parts.
Result<FrameView> parse_frame(std::span<const std::uint8_t> bytes);

// The frame of an envelope, with the envelope's tag (zero unless set), at version
// kVersionMajor.kVersionMinor. The payload must fit kPayloadSizeMax (checked: a bug).
std::vector<std::uint8_t> encode(const Envelope& envelope);

// Overwrites the tag of an encoded frame, once the runtime has computed it over
// parse_frame(frame)->authenticated.
void write_tag(std::span<std::uint8_t> frame, const AuthTag& tag);

// parse_frame() and decode_payload(): the envelope, or the first thing wrong with it.
Result<Envelope> decode(std::span<const std::uint8_t> bytes);

}  // namespace tandem::proto
