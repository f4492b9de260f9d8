#include "config/host_settings_record.h"

#include <algorithm>
#include <limits>
#include <map>

#include "base/text.h"
#include "config/lines.h"

namespace tandem::config {
namespace {

constexpr std::string_view kHeader =
    "# written by tandemd: host settings it changed (PATH ORIGINAL APPLIED, under /proc/sys),\n"
    "# restored at stop and by `tandemd --release-all`; see docs/design/network-paths.md\n";

std::optional<int> parse_value(std::string_view text) {
  auto value = parse_signed(text);
  if (!value || *value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

Result<RecordedSetting> parse_setting(const Line& line, std::string_view file_name) {
  const auto fields = split_fields(line.text);
  if (fields.size() != 3) {
    return fail(place(file_name, line.number), "expected PATH ORIGINAL APPLIED, not " + quote(line.text));
  }
  if (!is_host_setting_path(fields[0])) {
    return fail(place(file_name, line.number), quote(fields[0]) + " is not a host setting tandemd changes");
  }
  const auto original = parse_value(fields[1]);
  const auto applied = parse_value(fields[2]);
  if (!original || !applied) {
    return fail(place(file_name, line.number), "the values must be whole numbers, not " + quote(line.text));
  }
  return RecordedSetting{std::string(fields[0]), *original, *applied};
}

void sort_by_path(std::vector<RecordedSetting>& settings) {
  std::sort(settings.begin(), settings.end(),
            [](const RecordedSetting& a, const RecordedSetting& b) { return a.path < b.path; });
}

}  // namespace

std::string record_text(const HostSettingsRecord& record) {
  std::string text(kHeader);
  text += "boot_id " + record.boot_id + "\n";
  for (const auto& setting : record.settings) {
    text += setting.path + " " + std::to_string(setting.original) + " " + std::to_string(setting.applied) + "\n";
  }
  return text;
}

Result<HostSettingsRecord> parse_host_settings_record(std::string_view text, std::string_view file_name) {
  auto lines = content_lines(text, file_name, Comments::kDropped);
  if (!lines) return fail(lines.error());
  HostSettingsRecord record;
  std::map<std::string, int> seen;  // path -> line
  for (const Line& line : *lines) {
    const auto fields = split_fields(line.text);
    if (record.boot_id.empty()) {
      if (fields.size() != 2 || fields[0] != "boot_id") {
        return fail(place(file_name, line.number), "expected \"boot_id ID\" first, not " + quote(line.text));
      }
      record.boot_id = std::string(fields[1]);
      continue;
    }
    auto setting = parse_setting(line, file_name);
    if (!setting) return fail(setting.error());
    if (auto [it, is_new] = seen.emplace(setting->path, line.number); !is_new) {
      return fail(place(file_name, line.number),
                  setting->path + " is already recorded on line " + std::to_string(it->second));
    }
    record.settings.push_back(std::move(*setting));
  }
  if (record.boot_id.empty()) return fail(std::string(file_name), "has no \"boot_id ID\" line");
  sort_by_path(record.settings);
  return record;
}

HostSettingsRecord with_changes(HostSettingsRecord record, const std::vector<SysctlChange>& changes) {
  for (const auto& change : changes) {
    auto found = std::find_if(record.settings.begin(), record.settings.end(),
                              [&](const RecordedSetting& setting) { return setting.path == change.path; });
    if (found != record.settings.end()) {
      found->applied = change.to;
    } else {
      record.settings.push_back({change.path, change.from, change.to});
    }
  }
  sort_by_path(record.settings);
  return record;
}

HostSettingsRecord without(HostSettingsRecord record, const std::set<std::string>& paths) {
  std::erase_if(record.settings, [&](const RecordedSetting& setting) { return paths.contains(setting.path); });
  return record;
}

RestorePlan plan_restore(const HostSettingsRecord& record, const SysctlValues& current,
                         const std::set<std::string>& keep) {
  RestorePlan plan;
  for (const auto& setting : record.settings) {
    if (keep.contains(setting.path)) continue;
    plan.done.insert(setting.path);
    auto now = current.find(setting.path);
    if (now == current.end()) {
      plan.left.push_back(setting.path + ": not restored to " + std::to_string(setting.original) +
                          ": its value cannot be read");
    } else if (now->second != setting.applied) {
      plan.left.push_back(setting.path + ": left at " + std::to_string(now->second) + ", not restored to " +
                          std::to_string(setting.original) + ": it was changed since tandemd set it to " +
                          std::to_string(setting.applied));
    } else if (setting.original != setting.applied) {
      plan.writes.push_back({setting.path, setting.applied, setting.original, "restored"});
    }
  }
  return plan;
}

}  // namespace tandem::config
