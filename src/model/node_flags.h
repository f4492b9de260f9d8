// NodeFlags: the states that stop a node from hosting public IPs, with CTDB's names.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tandem {

class NodeFlags {
 public:
  enum Flag : std::uint32_t {
    kDisconnected = 1u << 0,  // not in contact with the leader
    kUnhealthy = 1u << 1,     // its monitor hook fails
    kDisabled = 1u << 2,      // disabled by an administrator
    kBanned = 1u << 3,        // banned for misbehaving, for BanPeriod
    kDeleted = 1u << 4,       // commented out in the nodes file
    kStopped = 1u << 5,       // stopped by an administrator
  };

  constexpr NodeFlags() = default;
  constexpr explicit NodeFlags(std::uint32_t bits) : bits_(bits) {}

  constexpr bool has(Flag flag) const { return (bits_ & flag) != 0; }
  constexpr NodeFlags with(Flag flag) const { return NodeFlags(bits_ | flag); }
  constexpr NodeFlags without(Flag flag) const { return NodeFlags(bits_ & ~static_cast<std::uint32_t>(flag)); }
  constexpr std::uint32_t bits() const { return bits_; }

  // CTDB's "inactive": the node cannot take part at all.
  constexpr bool is_inactive() const { return (bits_ & (kDisconnected | kBanned | kDeleted | kStopped)) != 0; }
  // CTDB's "disabled": the node runs but should not serve (unhealthy or disabled by hand).
  constexpr bool is_disabled() const { return (bits_ & (kUnhealthy | kDisabled)) != 0; }
  constexpr bool is_healthy() const { return bits_ == 0; }

  // Names in upper case, as CTDB prints them: "DISCONNECTED", "BANNED", ...
  std::vector<std::string> names() const;
  static Result<Flag> parse_one(std::string_view name);  // case-insensitive

  friend constexpr bool operator==(NodeFlags, NodeFlags) = default;

 private:
  std::uint32_t bits_ = 0;
};

// Every flag with CTDB's name for it, in CTDB's order: the one table of the names.
struct NamedNodeFlag {
  NodeFlags::Flag flag;
  std::string_view name;
};
inline constexpr std::array<NamedNodeFlag, 6> kNodeFlagNames{{
    {NodeFlags::kDisconnected, "DISCONNECTED"},
    {NodeFlags::kUnhealthy, "UNHEALTHY"},
    {NodeFlags::kDisabled, "DISABLED"},
    {NodeFlags::kBanned, "BANNED"},
    {NodeFlags::kDeleted, "DELETED"},
    {NodeFlags::kStopped, "STOPPED"},
}};

}  // namespace tandem
