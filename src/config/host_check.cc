#include "config/host_check.h"

#include <cstdio>

#include "config/cluster_check.h"
#include "config/lines.h"

namespace tandem::config {

namespace {

std::string octal(std::uint32_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Error at(std::string_view place, std::string cause) { return Error{std::string(place), std::move(cause)}; }

std::string_view kind_word(PathFacts::Kind kind) {
  switch (kind) {
    case PathFacts::Kind::kMissing:
      return "does not exist";
    case PathFacts::Kind::kRegular:
      return "is a regular file";
    case PathFacts::Kind::kDirectory:
      return "is a directory";
    case PathFacts::Kind::kOther:
      return "is neither a regular file nor a directory";
    case PathFacts::Kind::kUnreachable:
      return "cannot be reached";
  }
  return "cannot be reached";
}

std::string why(const PathFacts& facts) {
  std::string text(kind_word(facts.kind));
  if (facts.kind == PathFacts::Kind::kUnreachable && !facts.reason.empty()) text += " (" + facts.reason + ")";
  return text;
}

std::string parent_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

std::vector<Error> check_key_owner(std::string_view key_path, const PathFacts& key, std::uint32_t owner_expected) {
  if (key.kind != PathFacts::Kind::kRegular || key.owner == owner_expected) return {};
  return {at(key_path, "the cluster key belongs to uid " + std::to_string(key.owner) + ", not uid " +
                           std::to_string(owner_expected) + " (mode " + octal(key.mode) +
                           "); chown it so no other account can rewrite it")};
}

std::vector<Error> check_events_dir(std::string_view conf, std::string_view events_dir, const PathFacts& facts) {
  if (facts.kind == PathFacts::Kind::kMissing || facts.kind == PathFacts::Kind::kDirectory) return {};
  return {at(conf, "[paths] events " + quote(events_dir) + " " + why(facts) + "; it must be a directory")};
}

std::string cluster_lock_path_to_inspect(const ClusterLockSetting& lock) {
  switch (lock.kind) {
    case ClusterLockSetting::Kind::kNone:
      return "";
    case ClusterLockSetting::Kind::kFile:
      return parent_of(lock.file);
    case ClusterLockSetting::Kind::kHelper:
      return lock.helper.front();
  }
  return "";
}

std::vector<Error> check_cluster_lock(std::string_view conf, const ClusterLockSetting& lock, const PathFacts& facts) {
  const std::string path = cluster_lock_path_to_inspect(lock);
  switch (lock.kind) {
    case ClusterLockSetting::Kind::kNone:
      return {};
    case ClusterLockSetting::Kind::kFile:
      if (facts.kind == PathFacts::Kind::kDirectory) return {};
      return {at(conf, "[cluster] lock " + quote(lock.file) + ": its directory " + quote(path) + " " + why(facts) +
                           "; the lock file's directory must exist on every node (the cluster filesystem)")};
    case ClusterLockSetting::Kind::kHelper:
      if (facts.kind == PathFacts::Kind::kRegular && facts.is_executable) return {};
      if (facts.kind == PathFacts::Kind::kRegular) {
        return {at(conf, "[cluster] lock helper " + quote(path) + " is not executable")};
      }
      return {at(conf, "[cluster] lock helper " + quote(path) + " " + why(facts) + "; it must be an executable file")};
  }
  return {};
}

std::vector<Error> check_interfaces_exist(std::string_view file_name, std::string_view text,
                                          const std::set<std::string>& host_interfaces) {
  std::vector<Error> problems;
  auto lines = content_lines(text, file_name, Comments::kDropped);
  if (!lines) return {lines.error()};
  for (const Line& line : *lines) {
    // "ADDRESS/PREFIX IFACE[,IFACE...]": the parser has accepted it, so the second word is the list.
    const auto first_end = line.text.find_first_of(" \t");
    const auto list_begin = line.text.find_first_not_of(" \t", first_end);
    if (first_end == std::string_view::npos || list_begin == std::string_view::npos) continue;
    const auto list_end = line.text.find_first_of(" \t", list_begin);
    std::string_view list = line.text.substr(list_begin, list_end - list_begin);
    while (!list.empty()) {
      const auto comma = list.find(',');
      const std::string name(list.substr(0, comma));
      if (!host_interfaces.contains(name)) {
        problems.push_back(at(place(file_name, line.number), "interface " + name + " does not exist on this host"));
      }
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  return problems;
}

std::vector<Error> check_groups_against_node(const IpGroupsFile& groups, const AddressList& addresses) {
  std::vector<Error> warnings;
  const NodeAddresses self{NodeId(0), addresses};
  for (const GroupEntry& entry : groups.entries) {
    const IpGroupsFile one{groups.file_name, {entry}};
    auto checked = validate_cluster(one, std::span(&self, 1));
    if (!checked) {
      Error warning = checked.error();
      warning.cause += " (judged from this node's public_addresses alone: other nodes may list it)";
      warnings.push_back(std::move(warning));
    }
  }
  return warnings;
}

}  // namespace tandem::config
