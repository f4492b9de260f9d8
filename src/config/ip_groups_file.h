// The cluster-wide `ip_groups` file: public IPs that must always be hosted by one node.
//
// One group per line, `NAME ADDRESS[@INTERFACE] ADDRESS[@INTERFACE] ... [on-path-loss=POLICY]`:
//   target1 198.51.100.10@eth1 203.0.113.10@eth2
//   target2 198.51.100.11@eth1 203.0.113.11@eth2 on-path-loss=stay
// on-path-loss (move, the default, or stay) says what the group does when its node loses
// every allowed interface of one of its IPs (model/ip_group.h, PathLossPolicy).
// `@INTERFACE` names the address's preferred interface. Addresses carry no prefix length
// (that lives in each node's public_addresses). An IPv6 address contains ':' but never
// '@', so the text is split at its last '@'. Lines whose first non-blank character is '#'
// are comments; blank lines are ignored. An address in no group is a group of its own.
//
// Pure: parse_ip_groups() takes the text and the name to print; it never reads a file.
// Whether nodes can host the groups is validate_cluster()'s question (cluster_check.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/ip_group.h"

namespace tandem::config {

// Group names: letters, digits, '_', '.', '-'; they appear in logs, hook arguments and
// the command-line tool, so they are kept short and free of anything a shell would read.
inline constexpr std::size_t kGroupNameMax = 64;

struct GroupEntry {
  IpGroup group;
  int line = 0;  // where it is in the file, from 1

  friend bool operator==(const GroupEntry&, const GroupEntry&) = default;
};

// A parsed ip_groups file; it keeps the file's name and lines so that later checks can
// point at the line to fix.
struct IpGroupsFile {
  std::string file_name;
  std::vector<GroupEntry> entries;  // in file order

  std::vector<IpGroup> groups() const;
  friend bool operator==(const IpGroupsFile&, const IpGroupsFile&) = default;
};

// Errors ("FILE:LINE"): a bad name (or an address where the name should be), a group
// with no addresses or more than kGroupSizeMax, a bad address, an address with a prefix
// length, an empty or invalid interface after '@', a name used twice, an address twice in
// one group, an address in two groups (naming the other group and its line), an unknown
// option or policy, an option before an address or given twice.
Result<IpGroupsFile> parse_ip_groups(std::string_view text, std::string_view file_name);

}  // namespace tandem::config
