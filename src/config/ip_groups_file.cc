#include "config/ip_groups_file.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "base/text.h"
#include "config/interface_names.h"
#include "config/lines.h"

namespace tandem::config {

namespace {

bool is_name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

Result<GroupName> parse_group_name(std::string_view text) {
  // A forgotten name is the likely mistake when the first field is an address.
  if (IpAddress::parse(text.substr(0, text.find_first_of("@/"))).ok()) {
    return fail("", "the line starts with the address " + quote(text) +
                        " where the group's name should be; write NAME ADDRESS[@INTERFACE] ...");
  }
  bool is_valid = !text.empty() && text.size() <= kGroupNameMax;
  for (char c : text) is_valid = is_valid && is_name_character(c);
  if (!is_valid) {
    return fail("", "group name " + quote(text) + " is not 1 to " + std::to_string(kGroupNameMax) +
                        " letters, digits, '_', '.' or '-'");
  }
  return GroupName(std::string(text));
}

// ADDRESS or ADDRESS@INTERFACE.
Result<GroupMember> parse_member(std::string_view text) {
  const auto at = text.rfind('@');
  const std::string_view address_text = text.substr(0, at);
  if (address_text.find('/') != std::string_view::npos) {
    return fail(
        "", quote(address_text) + " has a prefix length; prefixes belong in public_addresses, write the address alone");
  }
  auto address = IpAddress::parse(address_text);
  if (!address) return fail("", quote(address_text) + " is not a valid IPv4 or IPv6 address");
  GroupMember member{*address, std::nullopt};
  if (at == std::string_view::npos) return member;
  const std::string_view interface_text = text.substr(at + 1);
  if (interface_text.empty()) {
    return fail("", quote(text) + " has no interface after '@'; write ADDRESS@INTERFACE or the address alone");
  }
  if (interface_text.find(',') != std::string_view::npos) {
    return fail("", quote(text) + " names several interfaces; an address has at most one preferred interface");
  }
  auto name = parse_interface_name(interface_text);
  if (!name) return fail("", "preferred interface of " + address->to_string() + ": " + name.error().cause);
  member.preferred = *name;
  return member;
}

// An option after the addresses, `KEY=VALUE`; only on-path-loss=move|stay so far.
Result<void> apply_option(std::string_view text, IpGroup& group, bool& has_policy) {
  const auto equals = text.find('=');
  const std::string_view key = text.substr(0, equals);
  const std::string_view value = text.substr(equals + 1);
  if (key != "on-path-loss") {
    return fail("", "unknown option " + quote(key) + " in group " + group.name.value() +
                        "; the only option is on-path-loss=move|stay");
  }
  if (has_policy) {
    return fail("", "on-path-loss is given twice in group " + group.name.value() + "; give it once");
  }
  auto policy = parse_path_loss_policy(value);
  if (!policy) {
    return fail("", "unknown on-path-loss policy " + quote(value) + " in group " + group.name.value() +
                        "; write on-path-loss=move or on-path-loss=stay");
  }
  group.on_path_loss = *policy;
  has_policy = true;
  return success();
}

// An address, or an option (it has '=', which no address has). Options come after every
// address, so that the line reads as the group first and how it behaves second.
Result<void> add_field(std::string_view field, IpGroup& group, bool& has_policy) {
  if (field.find('=') != std::string_view::npos) {
    if (group.members.empty()) {
      return fail("", "option " + quote(field) + " comes before the addresses of group " + group.name.value() +
                          "; write NAME ADDRESS[@INTERFACE] ... [on-path-loss=move|stay]");
    }
    return apply_option(field, group, has_policy);
  }
  if (has_policy) {
    return fail("", "address " + quote(field) + " comes after an option in group " + group.name.value() +
                        "; options go after every address");
  }
  auto member = parse_member(field);
  if (!member) return fail(member.error());
  for (const GroupMember& other : group.members) {
    if (other.address == member->address) {
      return fail("", "address " + member->address.to_string() + " is listed twice in group " + group.name.value());
    }
  }
  group.members.push_back(*member);
  return success();
}

// One line, or an error without a place. Checks within the line only.
Result<IpGroup> parse_line(std::string_view content) {
  const auto fields = split_fields(content);
  auto name = parse_group_name(fields[0]);
  if (!name) return fail(name.error());
  const auto addresses =
      static_cast<std::size_t>(std::count_if(fields.begin() + 1, fields.end(), [](std::string_view field) {
        return field.find('=') == std::string_view::npos;
      }));
  if (addresses > kGroupSizeMax) {
    return fail("", "group " + name->value() + " has " + std::to_string(addresses) +
                        " addresses; a group may have at most " + std::to_string(kGroupSizeMax));
  }
  IpGroup group{*name, {}};
  bool has_policy = false;
  for (std::size_t i = 1; i < fields.size(); ++i) {
    if (auto added = add_field(fields[i], group, has_policy); !added) return fail(added.error());
  }
  if (group.members.empty()) {
    return fail("", "group " + name->value() + " has no addresses; write NAME ADDRESS[@INTERFACE] ...");
  }
  return group;
}

// The checks across lines: names unique, every address in one group only.
class FileChecker {
 public:
  Result<void> add(const GroupEntry& entry) {
    const std::string& name = entry.group.name.value();
    if (auto it = name_lines_.find(name); it != name_lines_.end()) {
      return fail("", "group name " + name + " is already used on line " + std::to_string(it->second) +
                          "; every group needs its own name");
    }
    for (const GroupMember& member : entry.group.members) {
      if (auto it = owners_.find(member.address); it != owners_.end()) {
        return fail("", "address " + member.address.to_string() + " is already in group " + it->second.group_name +
                            " on line " + std::to_string(it->second.line) + "; an address may be in one group only");
      }
    }
    name_lines_.emplace(name, entry.line);
    for (const GroupMember& member : entry.group.members) owners_.emplace(member.address, Owner{name, entry.line});
    return success();
  }

 private:
  struct Owner {
    std::string group_name;
    int line = 0;
  };
  std::unordered_map<std::string, int> name_lines_;  // group name -> its line
  std::unordered_map<IpAddress, Owner> owners_;      // address -> the group that has it
};

}  // namespace

std::vector<IpGroup> IpGroupsFile::groups() const {
  std::vector<IpGroup> out;
  out.reserve(entries.size());
  for (const GroupEntry& entry : entries) out.push_back(entry.group);
  return out;
}

Result<IpGroupsFile> parse_ip_groups(std::string_view text, std::string_view file_name) {
  auto lines = content_lines(text, file_name, Comments::kDropped);
  if (!lines) return fail(lines.error());
  IpGroupsFile file{std::string(file_name), {}};
  FileChecker checker;
  for (const Line& line : *lines) {
    auto group = parse_line(line.text);
    if (!group) return fail(place(file_name, line.number), group.error().cause);
    GroupEntry entry{std::move(*group), line.number};
    if (auto added = checker.add(entry); !added) return fail(place(file_name, line.number), added.error().cause);
    file.entries.push_back(std::move(entry));
  }
  return file;
}

}  // namespace tandem::config
