// The `nodes` file (CTDB format): the private address of every node, one per line.
//
// A node's PNN is the index of its line among the non-blank lines, from 0. A line whose
// first non-blank character is '#' is a DELETED node, as in CTDB: it keeps its PNN so that
// the nodes after it are not renumbered. For that reason this file has NO comments; any
// '#' line takes a PNN. Blank lines take no PNN. The same file must be on every node.
//
// Pure: parse_nodes() takes the text and the name to print; it never reads a file.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem::config {

struct NodeEntry {
  NodeId pnn;
  std::optional<IpAddress> address;  // nullopt: a deleted node ('#' line)
  int line = 0;                      // where it is in the file, from 1

  bool is_deleted() const { return !address.has_value(); }
  friend bool operator==(const NodeEntry&, const NodeEntry&) = default;
};

// Every node in PNN order, deleted ones included. Errors ("FILE:LINE"): an address that
// does not parse or has a prefix length, text after the address, an address given twice
// (naming the first line). An empty file gives an empty list: the caller decides.
Result<std::vector<NodeEntry>> parse_nodes(std::string_view text, std::string_view file_name);

}  // namespace tandem::config
