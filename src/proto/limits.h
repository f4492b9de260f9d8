// The named limits and fixed sizes of the wire protocol (docs/design/wire-protocol.md).
//
// Every length read from the network is checked against one of these before it is used,
// so a peer (or a bug, or a corrupt stream) can never make a node allocate or read more
// than they allow.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tandem::proto {

// "TNDM" in ASCII: the first four bytes of every frame.
inline constexpr std::uint8_t kMagic[4] = {'T', 'N', 'D', 'M'};

// A receiver accepts any minor version of its own major version (see the design page).
inline constexpr std::uint8_t kVersionMajor = 1;
// 1.1 added optional Heartbeat and StateReport fields, 1.2 StatusRequest and StatusReply,
// 1.3 the optional StateReport field shutting_down, 1.4 the optional TakeoverAck failure
// field cause, 1.5 the optional Heartbeat field pins,
// 1.6 the optional link field reason, 1.7 TickleList.
inline constexpr std::uint8_t kVersionMinor = 7;

// Fixed header: magic 4, major 1, minor 1, type 2, flags 2, sender 4, receiver 4,
// sequence 8, payload length 4.
inline constexpr std::size_t kHeaderSize = 30;
// The authentication tag that ends every frame (an HMAC or keyed BLAKE2 of the header and
// payload, computed by the runtime; zero until keys exist).
inline constexpr std::size_t kTagSize = 32;

// The largest payload a frame may carry, and so the largest frame a stream may hold.
inline constexpr std::size_t kPayloadSizeMax = std::size_t{1} << 20;  // 1 MiB
inline constexpr std::size_t kFrameSizeMax = kHeaderSize + kPayloadSizeMax + kTagSize;

// Strings on the wire.
inline constexpr std::size_t kInterfaceNameMax = 15;  // Linux's IFNAMSIZ less the NUL
inline constexpr std::size_t kGroupNameMax = 64;
inline constexpr std::size_t kTextMax = 1024;  // reasons and admin replies, in bytes

// The connections one TickleList may carry: each takes at most 64 bytes encoded (two IPv6
// endpoints), so the largest list stays within half of kPayloadSizeMax. A holder with
// more connections to one public IP sends the first kTickleConnectionsMax (in order) and
// logs that the rest are left out.
inline constexpr std::size_t kTickleConnectionsMax = 8192;

}  // namespace tandem::proto
