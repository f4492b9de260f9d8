// Host checks for `tandem check`: does this machine have what the configuration names?
//
// The facts (what a path is, which interfaces exist) are gathered at the edge
// (app/host_facts.h); the judgements here are pure: they compare parsed configuration with
// those facts and name the place to fix ("FILE:LINE: cause", or "FILE: cause" where there
// is no line). They never stat a file or ask the kernel.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "config/ip_groups_file.h"
#include "config/settings.h"
#include "model/public_address.h"

namespace tandem::config {

// What the host says about one path (after symlinks).
struct PathFacts {
  enum class Kind : std::uint8_t { kMissing, kRegular, kDirectory, kOther, kUnreachable };
  Kind kind = Kind::kMissing;
  std::uint32_t mode = 0;      // permission bits (07777)
  std::uint32_t owner = 0;     // uid
  bool is_executable = false;  // by its owner (the daemon runs as root)
  std::string reason;          // kUnreachable: the system's words (e.g. "Permission denied")

  friend bool operator==(const PathFacts&, const PathFacts&) = default;
};

// The cluster key must belong to `owner_expected` (root: the daemon runs as root), so that
// no other account can rewrite it. Its mode and length are sys::load_cluster_key()'s to judge,
// as the daemon does.
std::vector<Error> check_key_owner(std::string_view key_path, const PathFacts& key, std::uint32_t owner_expected);

// The events directory: missing is allowed (no hooks run), anything but a directory is not.
// `conf` names the setting's file for the message.
std::vector<Error> check_events_dir(std::string_view conf, std::string_view events_dir, const PathFacts& facts);

// The cluster lock setting against the host: for a lock file, `facts` are those of the
// directory that holds it (the file itself is made by the daemon), which must be a
// reachable directory; for a helper, those of its program, which must be a regular
// executable file. Nothing to check without a lock.
std::vector<Error> check_cluster_lock(std::string_view conf, const ClusterLockSetting& lock, const PathFacts& facts);

// The path whose facts check_cluster_lock() needs: the lock file's directory, the helper's
// program, or "" without a lock.
std::string cluster_lock_path_to_inspect(const ClusterLockSetting& lock);

// Every interface named in a public_addresses file (its text, already parsed without error)
// that this host does not have, at the line that names it.
std::vector<Error> check_interfaces_exist(std::string_view file_name, std::string_view text,
                                          const std::set<std::string>& host_interfaces);

// validate_cluster() seen from one node: each group checked alone against this node's
// addresses, so every group gets its own message. Other nodes' files are not here, so the
// caller reports these as warnings: an address only other nodes list is not an error.
std::vector<Error> check_groups_against_node(const IpGroupsFile& groups, const AddressList& addresses);

}  // namespace tandem::config
