// The durable state file, `[paths] state` + "/durable_state": its text, written and read.
// PURE: text in, Result out; the daemon reads and writes the file (app/durable_state.h).
//
//   # written by tandemd: ... do not edit
//   version 1
//   node 2
//   epoch 17
//   voted_epoch 17
//   checksum 5f1d3a0c
//
// `checksum` is the CRC-32 of every byte before its line, so a file cut short or changed
// is refused rather than trusted: a vote read wrong could be cast twice. `node` is the
// node that wrote it, so a state directory copied from another node is refused too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "model/durable_state.h"
#include "model/ids.h"

namespace tandem::config {

// The largest durable state file read: a real one is under 200 bytes.
inline constexpr std::size_t kDurableStateSizeMax = 4096;

std::string durable_state_text(const DurableState& state, NodeId self);

// The state in `text`, written by node `self`; errors name `file_name` and the line.
Result<DurableState> parse_durable_state(std::string_view text, std::string_view file_name, NodeId self);

// CRC-32 (IEEE 802.3, reflected, as zlib's crc32()).
std::uint32_t crc32_of(std::string_view bytes);

}  // namespace tandem::config
