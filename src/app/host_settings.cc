#include "app/host_settings.h"

#include <algorithm>

#include "config/host_settings.h"
#include "config/host_settings_record.h"

namespace tandem::app {
namespace {

constexpr const char* kBootIdPath = "kernel/random/boot_id";

// The record in force: the file's, or an empty one for this boot (none, unreadable, or left
// by an earlier boot, whose values the kernel no longer has).
config::HostSettingsRecord load_record(const HostSettingsPlace& place, spdlog::logger& log) {
  auto boot_id = place.proc.read_text(kBootIdPath);
  config::HostSettingsRecord fresh{boot_id ? *boot_id : "unknown", {}};
  auto text = sys::read_file_if_present(place.record_path);
  if (!text) {
    log.error("host settings: {}; the values it records will not be restored", text.error().message());
    return fresh;
  }
  if (!text->has_value()) return fresh;
  auto record = config::parse_host_settings_record(**text, place.record_path);
  if (!record) {
    log.error("host settings: {}; the values it records will not be restored", record.error().message());
    return fresh;
  }
  if (record->boot_id != fresh.boot_id) {
    log.info("host settings: {} is from an earlier boot; its values are gone with it", place.record_path);
    return fresh;
  }
  return std::move(*record);
}

Result<void> save_record(const HostSettingsPlace& place, const config::HostSettingsRecord& record) {
  if (record.is_empty()) return sys::remove_file(place.record_path);
  return sys::replace_file(place.record_path, config::record_text(record));
}

config::SysctlValues read_values(const HostSettingsPlace& place, const std::vector<std::string>& paths,
                                 spdlog::logger& log) {
  config::SysctlValues values;
  for (const auto& path : paths) {
    auto value = place.proc.read(path);
    if (value) {
      values[path] = *value;
    } else {
      log.warn("host settings: {}", value.error().message());
    }
  }
  return values;
}

// Writes each change and logs it; gives the paths whose write failed.
std::set<std::string> write_changes(const HostSettingsPlace& place, const std::vector<config::SysctlChange>& changes,
                                    spdlog::logger& log) {
  std::set<std::string> failed;
  for (const auto& change : changes) {
    if (auto written = place.proc.write(change.path, change.to); !written) {
      log.error("host settings: {}", written.error().message());
      failed.insert(change.path);
      continue;
    }
    log.info("host settings: {} {} -> {} ({})", place.proc.full_path(change.path), change.from, change.to, change.why);
  }
  return failed;
}

// Restores what `record` holds outside `keep`; gives the record that is left and counts
// the failures.
config::HostSettingsRecord restore(const HostSettingsPlace& place, config::HostSettingsRecord record,
                                   const std::set<std::string>& keep, spdlog::logger& log, int& failures) {
  std::vector<std::string> paths;
  for (const auto& setting : record.settings) {
    if (!keep.contains(setting.path)) paths.push_back(setting.path);
  }
  const auto plan = config::plan_restore(record, read_values(place, paths, log), keep);
  for (const auto& line : plan.left) log.warn("host settings: {}", line);
  const auto failed = write_changes(place, plan.writes, log);
  failures += static_cast<int>(failed.size());
  std::set<std::string> done;
  for (const auto& path : plan.done) {
    if (!failed.contains(path)) done.insert(path);
  }
  return config::without(std::move(record), done);
}

void warn_wrong(const HostSettingsPlace& place, const config::HostSettingsCheck& check, spdlog::logger& log) {
  for (const auto& change : check.changes) {
    log.warn(
        "host settings: {} is {}, should be {} ({}); tandemd leaves it, as [network] manage_host_settings "
        "is false",
        place.proc.full_path(change.path), change.from, change.to, change.why);
  }
}

}  // namespace

HostSettingsPlace host_settings_place(const std::string& state_dir) {
  return HostSettingsPlace{sys::ProcSys(), state_dir + "/host_settings"};
}

void apply_host_settings(const AddressList& addresses, bool is_managed, const HostSettingsPlace& place,
                         spdlog::logger& log) {
  const auto loaded = load_record(place, log);
  int failures = 0;
  const auto keep = is_managed ? config::wanted_interface_paths(addresses) : std::set<std::string>{};
  auto record = restore(place, loaded, keep, log, failures);
  auto on_disk = loaded;
  const auto check =
      config::check_host_settings(addresses, read_values(place, config::host_setting_paths(addresses), log));
  for (const auto& problem : check.problems) log.warn("host settings: {}", problem);
  if (!is_managed) {
    warn_wrong(place, check, log);
  } else if (!check.changes.empty()) {
    auto changed = config::with_changes(record, check.changes);
    // Recorded first: a value written is always one that can be restored.
    if (auto saved = save_record(place, changed); !saved) {
      log.error("host settings: {}; nothing changed, as the values before could not be recorded",
                saved.error().message());
      return;
    }
    on_disk = changed;
    std::set<std::string> failed_new;  // failed, and never set before: nothing to restore
    for (const auto& path : write_changes(place, check.changes, log)) {
      const bool was_recorded = std::any_of(record.settings.begin(), record.settings.end(),
                                            [&](const config::RecordedSetting& s) { return s.path == path; });
      if (!was_recorded) failed_new.insert(path);
    }
    record = config::without(std::move(changed), failed_new);
  }
  if (record == on_disk) return;
  if (auto saved = save_record(place, record); !saved) log.error("host settings: {}", saved.error().message());
}

int restore_host_settings(const HostSettingsPlace& place, spdlog::logger& log) {
  const auto loaded = load_record(place, log);
  int failures = 0;
  const auto record = restore(place, loaded, {}, log, failures);
  if (auto saved = save_record(place, record); !saved) {
    log.error("host settings: {}", saved.error().message());
    ++failures;
  }
  return failures;
}

}  // namespace tandem::app
