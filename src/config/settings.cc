#include "config/settings.h"

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include <toml++/toml.h>

#include "base/text.h"
#include "config/interface_names.h"
#include "config/lines.h"
#include "config/routing_section.h"

// Debian's libtomlplusplus is built with exceptions and exports only that flavour of
// toml::parse (toml::v3::ex), so this file must see TOML_EXCEPTIONS too. The one throw the
// library makes, toml::parse_error, is caught in parse_toml() and never leaves this file.
static_assert(TOML_EXCEPTIONS, "the system toml++ reports syntax errors by exception");

namespace tandem::config {

namespace {

// One key of a TOML table with where it is: a toml::table iterates in key order, and the
// first error reported must be the first in the file.
struct Entry {
  std::string_view key;
  const toml::node* value = nullptr;
  int line = 0;
  int column = 0;
};

std::vector<Entry> in_file_order(const toml::table& table) {
  std::vector<Entry> entries;
  for (auto&& [key, value] : table) {
    const toml::source_position& begin = key.source().begin;
    // Lines fit an int because check_file_size() bounds the text; 0 means "unknown".
    entries.push_back(
        Entry{key.str(), &value, std::max(1, static_cast<int>(begin.line)), static_cast<int>(begin.column)});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return entries;
}

std::string_view type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown value";
}

std::string joined(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

// A [section] being read: it knows the file and the section's name for every message.
class Section {
 public:
  Section(std::string_view file_name, std::string_view name) : file_name_(file_name), name_(name) {}

  std::string_view file_name() const { return file_name_; }

  std::string key_name(const Entry& entry) const { return std::string(name_) + "." + printable(entry.key, kQuoteMax); }
  Failure error(const Entry& entry, std::string cause) const {
    return fail(place(file_name_, entry.line), std::move(cause));
  }
  Failure unknown_key(const Entry& entry, std::span<const std::string_view> known) const {
    return error(entry, "unknown key " + quote(entry.key) + " in [" + std::string(name_) + "]; the known keys are " +
                            joined(known));
  }
  Failure wrong_type(const Entry& entry, std::string_view wanted) const {
    return error(entry, key_name(entry) + " must be " + std::string(wanted) + ", not " +
                            std::string(type_name(entry.value->type())));
  }
  Result<std::string> string_of(const Entry& entry) const {
    const auto* value = entry.value->as_string();
    if (value == nullptr) return wrong_type(entry, "a string");
    return value->get();
  }
  Result<std::int64_t> integer_of(const Entry& entry) const {
    const auto* value = entry.value->as_integer();
    if (value == nullptr) return wrong_type(entry, "an integer");
    return value->get();
  }

 private:
  std::string_view file_name_;
  std::string_view name_;
};

// An error without a place, for a path setting named `key_name`.
Result<void> check_path(std::string_view path, const std::string& key_name) {
  if (path.empty()) return fail("", key_name + " must not be empty");
  if (path.find('\0') != std::string_view::npos) {
    return fail("", key_name + " " + quote(path) + " contains a NUL character");
  }
  if (path.front() != '/') {
    return fail("", key_name + " must be an absolute path (starting with '/'), not " + quote(path) +
                        "; the daemon's working directory is not fixed");
  }
  return success();
}

Result<void> read_node(const Section& section, const toml::table& table, Settings& settings) {
  static constexpr std::array<std::string_view, 1> kKeys{"address"};
  for (const Entry& entry : in_file_order(table)) {
    if (entry.key != "address") return section.unknown_key(entry, kKeys);
    auto text = section.string_of(entry);
    if (!text) return fail(text.error());
    if (text->find('/') != std::string::npos) {
      return section.error(
          entry, "node.address " + quote(*text) + " has a prefix length; write the address as in the nodes file");
    }
    auto address = IpAddress::parse(*text);
    if (!address) {
      return section.error(entry, "node.address " + quote(*text) + " is not a valid IPv4 or IPv6 address");
    }
    settings.node_address = *address;
  }
  return success();
}

Result<void> read_paths(const Section& section, const toml::table& table, Settings& settings) {
  struct PathKey {
    std::string_view key;
    std::string Paths::*field;
  };
  static constexpr std::array<PathKey, 6> kPathKeys{{{"nodes", &Paths::nodes},
                                                     {"public_addresses", &Paths::public_addresses},
                                                     {"ip_groups", &Paths::ip_groups},
                                                     {"events", &Paths::events},
                                                     {"state", &Paths::state},
                                                     {"socket", &Paths::socket}}};
  static constexpr std::array<std::string_view, 6> kKeys{"nodes", "public_addresses", "ip_groups", "events", "state",
                                                         "socket"};
  for (const Entry& entry : in_file_order(table)) {
    const auto* key = std::find_if(kPathKeys.begin(), kPathKeys.end(),
                                   [&](const PathKey& candidate) { return candidate.key == entry.key; });
    if (key == kPathKeys.end()) return section.unknown_key(entry, kKeys);
    auto text = section.string_of(entry);
    if (!text) return fail(text.error());
    if (auto checked = check_path(*text, section.key_name(entry)); !checked) {
      return section.error(entry, checked.error().cause);
    }
    settings.paths.*(key->field) = std::move(*text);
  }
  return success();
}

Result<void> read_cluster_entry(const Section& section, const Entry& entry, Settings& settings) {
  if (entry.key == "port") {
    auto port = section.integer_of(entry);
    if (!port) return fail(port.error());
    if (*port < 1 || *port > 65535) {
      return section.error(entry, "cluster.port must be from 1 to 65535, not " + std::to_string(*port));
    }
    settings.port = static_cast<std::uint16_t>(*port);
    return success();
  }
  auto text = section.string_of(entry);
  if (!text) return fail(text.error());
  if (entry.key == "key_file") {
    if (auto checked = check_path(*text, "cluster.key_file"); !checked) {
      return section.error(entry, checked.error().cause);
    }
    settings.key_file = std::move(*text);
    return success();
  }
  auto lock = parse_cluster_lock(*text);
  if (!lock) return section.error(entry, lock.error().cause);
  settings.cluster_lock = std::move(*lock);
  return success();
}

Result<void> read_cluster(const Section& section, const toml::table& table, Settings& settings) {
  static constexpr std::array<std::string_view, 3> kKeys{"lock", "key_file", "port"};
  for (const Entry& entry : in_file_order(table)) {
    if (std::find(kKeys.begin(), kKeys.end(), entry.key) == kKeys.end()) {
      return section.unknown_key(entry, kKeys);
    }
    if (auto read = read_cluster_entry(section, entry, settings); !read) return read;
  }
  return success();
}

Result<void> read_network(const Section& section, const toml::table& table, Settings& settings) {
  static constexpr std::array<std::string_view, 1> kKeys{"manage_host_settings"};
  for (const Entry& entry : in_file_order(table)) {
    if (entry.key != kKeys[0]) return section.unknown_key(entry, kKeys);
    const auto* flag = entry.value->as_boolean();
    if (flag == nullptr) return section.wrong_type(entry, "true or false");
    settings.manage_host_settings = flag->get();
  }
  return success();
}

// The cause of a tunable's value error, or success; `spec` is the tunable the key names.
Result<void> set_tunable_value(const TunableSpec& spec, const toml::node& value, Tunables& tunables) {
  if (const auto* number = value.as_integer()) {
    if (number->get() < 0) {
      return fail("",
                  "tunable " + std::string(spec.name) + " must not be negative, not " + std::to_string(number->get()));
    }
    return set_tunable(tunables, spec.name, static_cast<std::uint64_t>(number->get()));
  }
  if (const auto* text = value.as_string()) return set_tunable_text(tunables, spec.name, text->get());
  if (const auto* flag = value.as_boolean(); flag != nullptr && spec.max == 1) {
    return set_tunable(tunables, spec.name, flag->get() ? 1 : 0);
  }
  return fail("", "tunable " + std::string(spec.name) + " must be a whole number" +
                      (spec.max == 1 ? " or a boolean" : "") + ", not " + std::string(type_name(value.type())));
}

Result<void> read_tunables(const Section& section, const toml::table& table, Settings& settings) {
  std::map<const TunableSpec*, int> lines;  // tunable -> the line that set it
  for (const Entry& entry : in_file_order(table)) {
    const TunableSpec* spec = find_tunable(entry.key);
    if (spec == nullptr) {
      std::vector<std::string_view> known;
      for (const TunableSpec& candidate : tunable_specs()) known.push_back(candidate.name);
      return section.error(entry, "unknown tunable " + quote(entry.key) + "; the known tunables are " + joined(known));
    }
    if (auto [it, is_new] = lines.emplace(spec, entry.line); !is_new) {
      return section.error(entry, "tunable " + std::string(spec->name) + " is already set on line " +
                                      std::to_string(it->second) + " (tunable names ignore case)");
    }
    if (auto set = set_tunable_value(*spec, *entry.value, settings.tunables); !set) {
      return section.error(entry, set.error().cause);
    }
  }
  return success();
}

Result<void> read_routing(const Section& section, const toml::table& table, Settings& settings) {
  auto routing = read_routing_section(table, section.file_name());
  if (!routing) return fail(routing.error());
  settings.routing = std::move(*routing);
  return success();
}

Result<void> read_metrics(const Section& section, const toml::table& table, Settings& settings) {
  static constexpr std::array<std::string_view, 1> kKeys{"textfile"};
  for (const Entry& entry : in_file_order(table)) {
    if (entry.key != "textfile") return section.unknown_key(entry, kKeys);
    auto text = section.string_of(entry);
    if (!text) return fail(text.error());
    if (!text->empty()) {
      if (auto checked = check_path(*text, section.key_name(entry)); !checked) {
        return section.error(entry, checked.error().cause);
      }
    }
    settings.metrics_textfile = std::move(*text);
  }
  return success();
}

// One interface's targets: an array of address strings, or one string of blank-separated
// addresses. The error has no place; the caller knows the line.
Result<std::vector<IpAddress>> probe_targets_of(const toml::node& value, const std::string& key_name) {
  std::vector<std::string_view> words;
  if (const auto* text = value.as_string()) {
    words = split_fields(text->get());
  } else if (const auto* array = value.as_array()) {
    for (const toml::node& element : *array) {
      const auto* item = element.as_string();
      if (item == nullptr) return fail("", key_name + " must hold only strings (addresses)");
      words.push_back(item->get());
    }
  } else {
    return fail("", key_name + " must be an array of addresses, or a string of them, not " +
                        std::string(type_name(value.type())));
  }
  if (words.empty()) return fail("", key_name + " names no address to probe");
  if (words.size() > kProbeTargetsMax) {
    return fail("", key_name + " names more than " + std::to_string(kProbeTargetsMax) + " addresses to probe");
  }
  std::vector<IpAddress> targets;
  for (std::string_view word : words) {
    auto address = IpAddress::parse(word);
    if (!address) return fail("", key_name + ": " + quote(word) + " is not an IPv4 or IPv6 address");
    if (std::find(targets.begin(), targets.end(), *address) != targets.end()) {
      return fail("", key_name + ": " + address->to_string() + " is listed twice");
    }
    targets.push_back(*address);
  }
  return targets;
}

// [reachability]: one key per public interface, naming the addresses its probes go to.
Result<void> read_reachability(const Section& section, const toml::table& table, Settings& settings) {
  for (const Entry& entry : in_file_order(table)) {
    auto interface = parse_interface_name(entry.key);
    if (!interface) {
      return section.error(
          entry, "[reachability] key " + quote(entry.key) + " is not an interface name: " + interface.error().cause);
    }
    auto targets = probe_targets_of(*entry.value, section.key_name(entry));
    if (!targets) return section.error(entry, targets.error().cause);
    settings.reachability.push_back(ProbeTargetSetting{*interface, std::move(*targets), entry.line});
  }
  return success();
}

using SectionReader = Result<void> (*)(const Section&, const toml::table&, Settings&);

struct SectionSpec {
  std::string_view name;
  SectionReader read;
};

constexpr std::array<SectionSpec, 8> kSections{{{"node", &read_node},
                                                {"paths", &read_paths},
                                                {"cluster", &read_cluster},
                                                {"network", &read_network},
                                                {"tunables", &read_tunables},
                                                {"routing", &read_routing},
                                                {"metrics", &read_metrics},
                                                {"reachability", &read_reachability}}};

std::string known_sections() {
  std::string out;
  for (const SectionSpec& spec : kSections) out += (out.empty() ? "[" : ", [") + std::string(spec.name) + "]";
  return out;
}

Result<void> read_root(std::string_view file_name, const toml::table& root, Settings& settings) {
  for (const Entry& entry : in_file_order(root)) {
    const auto* spec = std::find_if(kSections.begin(), kSections.end(),
                                    [&](const SectionSpec& candidate) { return candidate.name == entry.key; });
    const toml::table* table = entry.value->as_table();
    const std::string where = place(file_name, entry.line);
    if (spec == kSections.end()) {
      return fail(where, (table != nullptr ? "unknown section [" + printable(entry.key, kQuoteMax) + "]"
                                           : "key " + quote(entry.key) + " is outside any section") +
                             "; the known sections are " + known_sections());
    }
    if (table == nullptr) {
      return fail(where, "[" + std::string(spec->name) + "] must be a section (a table), not " +
                             std::string(type_name(entry.value->type())));
    }
    if (auto read = spec->read(Section(file_name, spec->name), *table, settings); !read) return read;
  }
  return success();
}

Result<toml::table> parse_toml(std::string_view text, std::string_view file_name) {
  try {
    return toml::parse(text, file_name);
  } catch (const toml::parse_error& error) {
    const int line = std::max(1, static_cast<int>(error.source().begin.line));
    return fail(place(file_name, line), "not valid TOML: " + printable(error.description(), 200));
  }
}

}  // namespace

Result<ClusterLockSetting> parse_cluster_lock(std::string_view text) {
  ClusterLockSetting lock;
  if (text.empty()) return lock;
  if (text.find('\0') != std::string_view::npos) {
    return fail("", "cluster.lock " + quote(text) + " contains a NUL character");
  }
  if (text.front() == '!') {
    for (std::string_view field : split_fields(text.substr(1))) lock.helper.emplace_back(field);
    if (lock.helper.empty()) {
      return fail("", "cluster.lock " + quote(text) + " names no helper; write \"!COMMAND ARGS...\"");
    }
    lock.kind = ClusterLockSetting::Kind::kHelper;
    return lock;
  }
  if (text.front() != '/') {
    return fail("",
                "cluster.lock must be an absolute path to lock, \"!COMMAND ARGS...\" to run a "
                "helper, or \"\" for no lock, not " +
                    quote(text));
  }
  lock.kind = ClusterLockSetting::Kind::kFile;
  lock.file = std::string(text);
  return lock;
}

Result<Settings> parse_settings(std::string_view text, std::string_view file_name) {
  if (auto size = check_file_size(text, file_name); !size) return fail(size.error());
  auto root = parse_toml(text, file_name);
  if (!root) return fail(root.error());
  Settings settings;
  if (auto read = read_root(file_name, *root, settings); !read) return fail(read.error());
  return settings;
}

Result<void> check_probed_interfaces(const Settings& settings, const AddressList& addresses, std::string_view file_name,
                                     std::string_view addresses_file) {
  for (const ProbeTargetSetting& probed : settings.reachability) {
    const bool is_public = std::any_of(addresses.begin(), addresses.end(), [&](const PublicAddress& address) {
      return std::find(address.interfaces.begin(), address.interfaces.end(), probed.interface) !=
             address.interfaces.end();
    });
    if (!is_public) {
      return fail(place(file_name, probed.line), "[reachability] " + probed.interface.value() +
                                                     " is not an interface of any public address in " +
                                                     std::string(addresses_file));
    }
  }
  return success();
}

}  // namespace tandem::config
