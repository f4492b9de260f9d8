#include "ctl/cluster_status.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "ctl/json_reader.h"

namespace tandem::ctl {

namespace {

// Reads the members of one object; the first error sticks and later reads give defaults,
// so a reader of a whole object is a list of reads and one check at the end.
class Fields {
 public:
  Fields(const Json& object, const JsonPlace& place) : object_(object), place_(place) {
    if (auto checked = expect_object(object, place); !checked) error_ = checked.error();
  }

  bool ok() const { return !error_; }
  const Error& error() const { return *error_; }

  std::uint64_t number(std::string_view key) {
    const Json* value = member(key);
    if (value == nullptr) return 0;
    auto number = read_unsigned(*value, place_.member(key));
    return keep(std::move(number), std::uint64_t{0});
  }

  std::uint32_t pnn(std::string_view key) { return to_pnn(key, number(key)); }

  std::optional<std::uint32_t> optional_pnn(std::string_view key) {
    const Json* value = optional(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    return pnn(key);
  }

  std::string text(std::string_view key) {
    const Json* value = member(key);
    if (value == nullptr) return {};
    return std::string(keep(read_string(*value, place_.member(key)), std::string_view()));
  }

  std::optional<std::uint64_t> optional_number(std::string_view key) {
    const Json* value = optional(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    return number(key);
  }

  std::optional<std::string> optional_text(std::string_view key) {
    const Json* value = optional(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    return text(key);
  }

  bool boolean(std::string_view key) {
    const Json* value = member(key);
    if (value == nullptr) return false;
    if (!value->is_boolean()) {
      error_ = Error{place_.member(key).to_string(), "expected true or false, got " + describe(*value)};
      return false;
    }
    return value->get<bool>();
  }

  std::vector<std::string> texts(std::string_view key) {
    std::vector<std::string> out;
    each(key, true, [&](const Json& value, const JsonPlace& place) {
      out.emplace_back(keep(read_string(value, place), std::string_view()));
    });
    return out;
  }

  std::vector<std::uint32_t> pnns(std::string_view key) {
    std::vector<std::uint32_t> out;
    each(key, true, [&](const Json& value, const JsonPlace& place) {
      const std::uint64_t number = keep(read_unsigned(value, place), std::uint64_t{0});
      if (number > std::numeric_limits<std::uint32_t>::max()) error_ = Error{place.to_string(), "not a PNN"};
      out.push_back(static_cast<std::uint32_t>(number));
    });
    return out;
  }

  // Calls `read` with each element of the array `key` and its place; a missing key is an
  // error when `is_required`, else an empty array.
  template <typename Read>
  void each(std::string_view key, bool is_required, Read read) {
    const Json* array = is_required ? member(key) : optional(key);
    if (array == nullptr || !ok()) return;
    const JsonPlace place = place_.member(key);
    if (auto checked = expect_array(*array, place); !checked) {
      error_ = checked.error();
      return;
    }
    for (std::size_t i = 0; i < array->size() && ok(); ++i) read((*array)[i], place.element(i));
  }

  void set_error(const Error& error) {
    if (ok()) error_ = error;
  }

 private:
  const Json* optional(std::string_view key) const { return ok() ? optional_member(object_, key) : nullptr; }

  const Json* member(std::string_view key) {
    if (!ok()) return nullptr;
    auto found = required_member(object_, key, place_);
    if (!found) {
      error_ = found.error();
      return nullptr;
    }
    return *found;
  }

  template <typename T, typename Default>
  T keep(Result<T> result, Default fallback) {
    if (result) return std::move(*result);
    set_error(result.error());
    return fallback;
  }

  std::uint32_t to_pnn(std::string_view key, std::uint64_t number) {
    if (number <= std::numeric_limits<std::uint32_t>::max()) return static_cast<std::uint32_t>(number);
    set_error(Error{place_.member(key).to_string(), "not a PNN: " + std::to_string(number)});
    return 0;
  }

  const Json& object_;
  const JsonPlace& place_;
  std::optional<Error> error_;
};

// Reads every element of the array `key` with `read` into `out`.
template <typename T, typename Read>
void read_all(Fields& fields, std::string_view key, std::vector<T>& out, Read read, bool is_required = true) {
  fields.each(key, is_required, [&](const Json& element, const JsonPlace& at) {
    auto value = read(element, at);
    if (value) {
      out.push_back(std::move(*value));
    } else {
      fields.set_error(value.error());
    }
  });
}

Result<StatusInterface> read_interface(const Json& value, const JsonPlace& place) {
  Fields fields(value, place);
  StatusInterface out{fields.text("name"), fields.text("link"), fields.number("addresses"),
                      fields.optional_text("reason")};
  if (!fields.ok()) return fail(fields.error());
  return out;
}

Result<StatusNode> read_node(const Json& value, const JsonPlace& place) {
  Fields fields(value, place);
  StatusNode out;
  out.pnn = fields.pnn("pnn");
  out.address = fields.optional_text("address");
  out.connected = fields.boolean("connected");
  out.flags = fields.texts("flags");
  out.healthy = fields.boolean("healthy");
  out.has_report = fields.boolean("has_report");
  out.this_node = fields.boolean("this_node");
  read_all(fields, "interfaces", out.interfaces, read_interface);
  if (!fields.ok()) return fail(fields.error());
  return out;
}

Result<StatusHolding> read_holding(const Json& value, const JsonPlace& place) {
  Fields fields(value, place);
  StatusHolding out{fields.pnn("pnn"), fields.text("interface")};
  if (!fields.ok()) return fail(fields.error());
  return out;
}

Result<StatusCandidate> read_candidate(const Json& value, const JsonPlace& place) {
  Fields fields(value, place);
  StatusCandidate out{fields.pnn("pnn"), fields.texts("interfaces")};
  if (!fields.ok()) return fail(fields.error());
  return out;
}

Result<StatusAddress> read_address(const Json& value, const JsonPlace& place) {
  Fields fields(value, place);
  StatusAddress out;
  out.address = fields.text("address");
  out.prefix = fields.number("prefix");
  const auto node = fields.optional_pnn("node");
  const auto interface = fields.optional_text("interface");
  if (node) out.holder = StatusHolding{*node, interface.value_or("")};
  read_all(fields, "also_on", out.also_on, read_holding, /*is_required=*/false);
  out.group = fields.optional_text("group");
  out.table = fields.optional_number("table");
  read_all(fields, "candidates", out.candidates, read_candidate);
  if (!fields.ok()) return fail(fields.error());
  return out;
}

Result<StatusGroup> read_group(const Json& value, const JsonPlace& place) {
  Fields fields(value, place);
  StatusGroup out;
  out.name = fields.text("name");
  out.node = fields.optional_pnn("node");
  out.nodes = fields.pnns("nodes");
  out.addresses = fields.texts("addresses");
  if (!fields.ok()) return fail(fields.error());
  return out;
}

}  // namespace

bool StatusNode::has_flag(std::string_view flag) const {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

bool StatusAddress::concerns(std::uint32_t pnn) const {
  const auto is_pnn = [pnn](const auto& entry) { return entry.pnn == pnn; };
  return (holder && holder->pnn == pnn) || std::any_of(also_on.begin(), also_on.end(), is_pnn) ||
         std::any_of(candidates.begin(), candidates.end(), is_pnn);
}

const StatusNode* ClusterStatus::find_node(std::uint32_t pnn) const {
  const auto found = std::find_if(nodes.begin(), nodes.end(), [pnn](const auto& node) { return node.pnn == pnn; });
  return found == nodes.end() ? nullptr : &*found;
}

const StatusAddress* ClusterStatus::find_address(std::string_view address) const {
  const auto found = std::find_if(addresses.begin(), addresses.end(),
                                  [address](const auto& entry) { return entry.address == address; });
  return found == addresses.end() ? nullptr : &*found;
}

Result<ClusterStatus> read_cluster_status(const Json& result) {
  const JsonPlace place("result");
  Fields fields(result, place);
  ClusterStatus out;
  out.this_node = fields.pnn("this_node");
  out.leader = fields.optional_pnn("leader");
  out.epoch = fields.number("epoch");
  out.from_leader = fields.boolean("from_leader");
  read_all(fields, "nodes", out.nodes, read_node);
  read_all(fields, "addresses", out.addresses, read_address);
  read_all(fields, "groups", out.groups, read_group);
  if (!fields.ok()) return fail(fields.error());
  return out;
}

}  // namespace tandem::ctl
