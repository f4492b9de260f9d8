#include "config/nodes_file.h"

#include <string>
#include <unordered_map>

#include "base/text.h"
#include "config/lines.h"

namespace tandem::config {

namespace {

// The address of a node's line, or an error without a place.
Result<IpAddress> parse_node_address(std::string_view content) {
  const auto fields = split_fields(content);
  if (fields.size() > 1) {
    return fail("", "unexpected " + quote(fields[1]) + " after the address " + quote(fields[0]) +
                        "; a line of the nodes file holds one address and nothing else");
  }
  if (fields[0].find('/') != std::string_view::npos) {
    return fail("", quote(fields[0]) + " has a prefix length; a node's private address is written without one");
  }
  auto address = IpAddress::parse(fields[0]);
  if (!address) return fail("", quote(fields[0]) + " is not a valid IPv4 or IPv6 address");
  return address;
}

}  // namespace

Result<std::vector<NodeEntry>> parse_nodes(std::string_view text, std::string_view file_name) {
  auto lines = content_lines(text, file_name, Comments::kKept);
  if (!lines) return fail(lines.error());
  std::vector<NodeEntry> nodes;
  std::unordered_map<IpAddress, std::size_t> seen;  // address -> index in `nodes`
  for (const Line& line : *lines) {
    const std::string_view content = trim(line.text);
    NodeEntry entry{NodeId(static_cast<std::uint32_t>(nodes.size())), std::nullopt, line.number};
    if (content.front() != '#') {
      auto address = parse_node_address(content);
      if (!address) return fail(place(file_name, line.number), address.error().cause);
      if (auto it = seen.find(*address); it != seen.end()) {
        const NodeEntry& first = nodes[it->second];
        return fail(place(file_name, line.number),
                    "address " + address->to_string() + " is already node " + std::to_string(first.pnn.value()) +
                        " on line " + std::to_string(first.line) + "; every node needs its own address");
      }
      entry.address = *address;
    }
    if (entry.address) seen.emplace(*entry.address, nodes.size());
    nodes.push_back(entry);
  }
  return nodes;
}

}  // namespace tandem::config
