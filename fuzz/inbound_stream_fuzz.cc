// A proven inbound connection fed frames of fuzzed types, headers and payloads, each signed
// with the connection's key (the fuzzer cannot forge tags, so without signing it would only
// ever reach the tag check), cut into fuzzed chunk sizes. The stream must never crash, and
// every message it delivers must encode again without tripping an encoder invariant.
//
// Input: byte 0 sets the chunk size; then records of [control byte][length: 2 bytes][payload].
// Control: bits 0-3 the type (0..15, unknown ones included), bit 4 a foreign receiver,
// bit 5 a repeated sequence number, bit 6 another sender, bit 7 a damaged magic.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <span>
#include <vector>

#include "proto/limits.h"
#include "proto/payload.h"
#include "proto/writer.h"
#include "sys/inbound_stream.h"
#include "sys/peer_handshake.h"

using namespace tandem;

namespace {

const NodeId kSelf(0);
const NodeId kPeer(1);

sys::ClusterKey fixed_key() {
  sys::ClusterKey key;
  key.bytes.fill(0x5a);
  return key;
}

sys::Nonce fixed_nonce() {
  sys::Nonce nonce;
  nonce.fill(0x17);
  return nonce;
}

void put_be(std::vector<std::uint8_t>& out, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::vector<std::uint8_t> frame(std::uint8_t control, std::uint64_t sequence, std::span<const std::uint8_t> payload,
                                const sys::ConnectionKey& key) {
  std::vector<std::uint8_t> out;
  for (std::uint8_t byte : proto::kMagic) out.push_back(byte);
  if (control & 0x80) out[0] ^= 0x01;
  out.push_back(proto::kVersionMajor);
  out.push_back(proto::kVersionMinor);
  put_be(out, control & 0x0f, 2);                        // type
  put_be(out, 0, 2);                                     // flags
  put_be(out, (control & 0x40) ? 2 : kPeer.value(), 4);  // sender
  put_be(out, (control & 0x10) ? 7 : kSelf.value(), 4);  // receiver
  put_be(out, sequence, 8);
  put_be(out, payload.size(), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  out.resize(out.size() + proto::kTagSize);
  sys::sign_frame(out, key);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const sys::ClusterKey cluster_key = fixed_key();
  const sys::ConnectionKey key = sys::connection_key(cluster_key, kSelf, fixed_nonce());
  std::vector<std::uint8_t> stream = sys::encode_hello(key, kPeer, kSelf);
  const std::size_t chunk = 1 + data[0] % 200;
  std::uint64_t sequence = 0;
  for (std::size_t at = 1; at + 3 <= size;) {
    const std::uint8_t control = data[at];
    const std::size_t length = std::min<std::size_t>((std::size_t{data[at + 1]} << 8) | data[at + 2], size - at - 3);
    if (!(control & 0x20)) ++sequence;
    const auto bytes = frame(control, sequence, std::span(data + at + 3, length), key);
    stream.insert(stream.end(), bytes.begin(), bytes.end());
    at += 3 + length;
  }
  sys::InboundStream inbound(cluster_key, kSelf, std::set<NodeId>{kPeer, NodeId(2)}, fixed_nonce());
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t limit = std::min({chunk, stream.size() - at, inbound.read_limit()});
    auto batch = inbound.feed(std::span(stream.data() + at, limit));
    at += limit;
    for (const auto& received : batch.messages) {
      proto::Writer out;
      proto::encode_payload(received.message, out);
    }
    if (batch.broken) break;
  }
  return 0;
}
