// Keys and nonces of a known content, for the peer mesh's tests.
#pragma once

#include <cstdint>

#include "sys/cluster_key.h"
#include "sys/peer_handshake.h"

namespace tandem::sys::mesh_testing {

inline ClusterKey key_of(std::uint8_t fill) {
  ClusterKey key;
  key.bytes.fill(fill);
  return key;
}

inline Nonce nonce_of(std::uint8_t fill) {
  Nonce nonce;
  nonce.fill(fill);
  return nonce;
}

}  // namespace tandem::sys::mesh_testing
