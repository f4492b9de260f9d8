#include "support/cluster_text.h"

#include <memory>

#include "base/text.h"

namespace tandem::testing {

namespace {

Result<PublicAddress> parse_public_address(std::string_view prefix_text, std::string_view interfaces) {
  auto prefix = IpPrefix::parse(prefix_text);
  if (!prefix) return fail(prefix.error());
  PublicAddress address{*prefix, {}};
  for (auto name : split(interfaces, ',')) address.interfaces.emplace_back(std::string(name));
  return address;
}

Result<NodeView> parse_node(const std::vector<std::string_view>& fields, const SharedAddressList& shared) {
  auto pnn = parse_unsigned(fields[1]);
  if (!pnn) return fail("", "bad node number");
  NodeView node{NodeId(static_cast<std::uint32_t>(*pnn)), {}, {}, shared};
  for (std::size_t i = 2; i < fields.size(); ++i) {
    const auto field = fields[i];
    const auto equals = field.find('=');
    if (equals == std::string_view::npos) {
      for (auto name : split(field, ',')) {
        auto flag = NodeFlags::parse_one(name);
        if (!flag) return fail(flag.error());
        node.flags = node.flags.with(*flag);
      }
      continue;
    }
    const auto state = field.substr(equals + 1);
    if (state != "up" && state != "down") return fail("", "link state must be up or down");
    node.links[InterfaceName(std::string(field.substr(0, equals)))] = state == "up" ? LinkState::kUp : LinkState::kDown;
  }
  return node;
}

Result<GroupMember> parse_member(std::string_view text) {
  const auto at = text.rfind('@');
  auto address = IpAddress::parse(text.substr(0, at));
  if (!address) return fail(address.error());
  GroupMember member{*address, std::nullopt};
  if (at != std::string_view::npos) member.preferred = InterfaceName(std::string(text.substr(at + 1)));
  return member;
}

struct CaseParser {
  AllocationCase result;
  std::shared_ptr<AddressList> shared = std::make_shared<AddressList>();
  std::map<std::uint32_t, std::shared_ptr<AddressList>> own;
  std::vector<IpAssignment> current;

  Result<void> line(const std::vector<std::string_view>& f);
  AllocationCase finish();
};

Result<void> CaseParser::line(const std::vector<std::string_view>& f) {
  const auto& word = f[0];
  if (word == "tunable" && f.size() == 2) {
    const auto equals = f[1].find('=');
    if (equals == std::string_view::npos) return fail("", "tunable NAME=VALUE");
    return set_tunable_text(result.tunables, f[1].substr(0, equals), f[1].substr(equals + 1));
  }
  if (word == "addresses" && f.size() == 3) {
    auto address = parse_public_address(f[1], f[2]);
    if (!address) return fail(address.error());
    shared->push_back(*address);
    return success();
  }
  if (word == "node" && f.size() >= 2) {
    auto node = parse_node(f, shared);
    if (!node) return fail(node.error());
    result.view.nodes.push_back(*node);
    return success();
  }
  if (word == "node-address" && f.size() == 4) {
    auto pnn = parse_unsigned(f[1]);
    auto address = parse_public_address(f[2], f[3]);
    if (!pnn || !address) return fail("", "node-address PNN ADDRESS/PREFIX IF,...");
    auto& list = own[static_cast<std::uint32_t>(*pnn)];
    if (!list) list = std::make_shared<AddressList>();
    list->push_back(*address);
    return success();
  }
  if (word == "group" && f.size() >= 3) {
    IpGroup group{GroupName(std::string(f[1])), {}};
    for (std::size_t i = 2; i < f.size(); ++i) {
      if (f[i].starts_with("on-path-loss=")) {
        auto policy = parse_path_loss_policy(f[i].substr(f[i].find('=') + 1));
        if (!policy) return fail("", "on-path-loss=move|stay");
        group.on_path_loss = *policy;
        continue;
      }
      auto member = parse_member(f[i]);
      if (!member) return fail(member.error());
      group.members.push_back(*member);
    }
    result.view.groups.push_back(group);
    return success();
  }
  if (word == "current" && f.size() == 4) {
    auto address = IpAddress::parse(f[1]);
    auto pnn = parse_unsigned(f[2]);
    if (!address || !pnn) return fail("", "current ADDRESS PNN IF");
    current.push_back(
        {*address, Placement{NodeId(static_cast<std::uint32_t>(*pnn)), InterfaceName(std::string(f[3]))}, ""});
    return success();
  }
  if (word == "expect" && (f.size() == 3 || f.size() == 4)) {
    auto address = IpAddress::parse(f[1]);
    if (!address) return fail(address.error());
    if (f.size() == 3) {
      if (f[2] != "unhosted") return fail("", "expect ADDRESS unhosted");
      result.expected[*address] = std::nullopt;
      return success();
    }
    auto pnn = parse_unsigned(f[2]);
    if (!pnn) return fail("", "bad node number");
    result.expected[*address] = Placement{NodeId(static_cast<std::uint32_t>(*pnn)), InterfaceName(std::string(f[3]))};
    return success();
  }
  return fail("", "unknown or malformed directive '" + std::string(word) + "'");
}

AllocationCase CaseParser::finish() {
  for (auto& node : result.view.nodes) {
    if (auto it = own.find(node.pnn.value()); it != own.end()) node.addresses = it->second;
  }
  result.current = Assignment(std::move(current));
  return std::move(result);
}

}  // namespace

Result<AllocationCase> parse_case(std::string_view text) {
  CaseParser parser;
  const auto lines = split_lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto line = lines[i];
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto fields = split_fields(line);
    if (fields.empty()) continue;
    if (auto parsed = parser.line(fields); !parsed) return fail(parsed.error().within("line " + std::to_string(i + 1)));
  }
  return parser.finish();
}

std::string expect_lines(const Assignment& assignment) {
  std::string out;
  for (const auto& entry : assignment.ips()) {
    out += "expect " + entry.address.to_string();
    if (entry.placement) {
      out += " " + std::to_string(entry.placement->node.value()) + " " + entry.placement->interface.value();
    } else {
      out += " unhosted  # " + entry.unhosted_reason;
    }
    out += "\n";
  }
  return out;
}

}  // namespace tandem::testing
