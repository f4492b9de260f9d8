// ClusterKey: the secret every node of a cluster shares, and the tags made with keys.
//
// Tags are HMAC-SHA-512/256 (libsodium's crypto_auth_hmacsha512256). The cluster key tags
// each connection's challenge and derives that connection's key, which tags its hello and
// every frame (peer_handshake.h): frames are never tagged with the cluster key itself. A
// frame whose tag does not verify is never decoded. The key file holds exactly
// kClusterKeySize raw bytes (make one with `head -c 32 /dev/urandom > key; chmod 600 key`);
// a file that group or other may access, or that another user owns, is refused, since
// anyone who reads (or can rewrite) the key can speak for any node.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "base/result.h"
#include "proto/frame.h"

namespace tandem::sys {

inline constexpr std::size_t kClusterKeySize = 32;

struct ClusterKey {
  std::array<std::uint8_t, kClusterKeySize> bytes{};

  friend bool operator==(const ClusterKey&, const ClusterKey&) = default;
};

// Reads the key file at `path`. Refuses (naming the path) a file that is not a regular
// file, that is not owned by the daemon's effective uid (root), whose mode allows any
// group or other access (naming the mode, e.g. 0644), or that does not hold exactly
// kClusterKeySize bytes. tandemd calls it at start and again at every reload.
Result<ClusterKey> load_cluster_key(const std::string& path);

// The tag of `authenticated` (a handshake message, or a frame's header and payload).
proto::AuthTag compute_tag(const ClusterKey& key, std::span<const std::uint8_t> authenticated);

// Whether `tag` is the tag of `authenticated`, compared in constant time.
bool is_tag_valid(const ClusterKey& key, std::span<const std::uint8_t> authenticated,
                  std::span<const std::uint8_t> tag);

}  // namespace tandem::sys
