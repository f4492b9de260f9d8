#include "ctl/cluster_state_json.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "alloc/allocate.h"
#include "ctl/json_reader.h"

namespace tandem::ctl {

namespace {

constexpr std::string_view kRoot = "state";
constexpr std::string_view kNotHosted = "not hosted";

// What the nodes' address lists say, by address: the interfaces each address may use on
// some node, and which nodes exist. Each distinct list is read once, so nodes that share
// the top-level list cost nothing here.
class AddressIndex {
 public:
  explicit AddressIndex(const std::vector<NodeView>& nodes) {
    std::unordered_set<const AddressList*> seen;
    for (const NodeView& node : nodes) {
      nodes_.insert(node.pnn);
      if (!seen.insert(node.addresses.get()).second) continue;
      for (const PublicAddress& entry : *node.addresses) {
        auto& known = interfaces_[entry.address()];
        for (const InterfaceName& name : entry.interfaces) {
          if (std::find(known.begin(), known.end(), name) == known.end()) known.push_back(name);
        }
      }
    }
  }

  // nullptr when no node lists the address.
  const std::vector<InterfaceName>* interfaces_of(const IpAddress& address) const {
    const auto it = interfaces_.find(address);
    return it == interfaces_.end() ? nullptr : &it->second;
  }

  bool has_node(NodeId pnn) const { return nodes_.contains(pnn); }

 private:
  std::unordered_map<IpAddress, std::vector<InterfaceName>> interfaces_;
  std::unordered_set<NodeId> nodes_;
};

// Linux's limit (IFNAMSIZ less the terminator) and the characters the text formats use as
// separators: "eth1,eth2" pasted from public_addresses must not pass as one name.
Result<InterfaceName> to_interface_name(std::string_view text) {
  constexpr std::size_t kInterfaceNameMax = 15;
  if (text.empty() || text.size() > kInterfaceNameMax || text.find_first_of(" \t\r\n/:@,") != std::string_view::npos) {
    return fail("", "'" + std::string(text) +
                        "' is not an interface name (1 to 15 characters, no spaces, '/', ':', '@' or ',')");
  }
  return InterfaceName(std::string(text));
}

Result<InterfaceName> read_interface_name(const Json& value, const JsonPlace& place) {
  auto text = read_string(value, place);
  if (!text) return fail(text.error());
  auto name = to_interface_name(*text);
  if (!name) return fail(name.error().within(place.to_string()));
  return name;
}

Result<NodeId> read_pnn(const Json& value, const JsonPlace& place) {
  auto number = read_unsigned(value, place);
  if (!number) return fail(number.error());
  if (*number > std::numeric_limits<NodeId::Underlying>::max()) {
    return fail(place.to_string(), "pnn " + std::to_string(*number) + " is too large");
  }
  return NodeId(static_cast<NodeId::Underlying>(*number));
}

Result<Tunables> read_tunables(const Json& value, const JsonPlace& place) {
  if (auto is_object = expect_object(value, place); !is_object) return fail(is_object.error());
  Tunables tunables;
  for (const auto& [name, setting] : value.items()) {
    const JsonPlace here = place.member(name);
    Result<void> set = success();
    if (setting.is_number_unsigned()) {
      set = set_tunable(tunables, name, setting.get<std::uint64_t>());
    } else if (setting.is_string()) {
      set = set_tunable_text(tunables, name, setting.get_ref<const std::string&>());
    } else {
      return fail(here.to_string(), "expected a whole number of 0 or more, or a string, got " + describe(setting));
    }
    if (!set) return fail(set.error().within(here.to_string()));
  }
  return tunables;
}

Result<std::vector<InterfaceName>> read_address_interfaces(const Json& value, const JsonPlace& place) {
  if (auto is_array = expect_array(value, place); !is_array) return fail(is_array.error());
  if (value.empty()) return fail(place.to_string(), "an address needs at least one interface");
  std::vector<InterfaceName> names;
  names.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPlace here = place.element(i);
    auto name = read_interface_name(value[i], here);
    if (!name) return fail(name.error());
    if (std::find(names.begin(), names.end(), *name) != names.end()) {
      return fail(here.to_string(), "interface '" + name->value() + "' is listed twice");
    }
    names.push_back(std::move(*name));
  }
  return names;
}

Result<PublicAddress> read_address(const Json& value, const JsonPlace& place) {
  if (auto is_object = expect_object(value, place); !is_object) return fail(is_object.error());
  if (auto keys = expect_known_keys(value, place, {"ip", "interfaces"}); !keys) return fail(keys.error());
  auto ip = required_member(value, "ip", place);
  if (!ip) return fail(ip.error());
  const JsonPlace ip_place = place.member("ip");
  auto text = read_string(**ip, ip_place);
  if (!text) return fail(text.error());
  auto prefix = IpPrefix::parse(*text);
  if (!prefix) return fail(prefix.error().within(ip_place.to_string()));
  auto interfaces = required_member(value, "interfaces", place);
  if (!interfaces) return fail(interfaces.error());
  auto names = read_address_interfaces(**interfaces, place.member("interfaces"));
  if (!names) return fail(names.error());
  return PublicAddress{*prefix, std::move(*names)};
}

Result<SharedAddressList> read_address_list(const Json& value, const JsonPlace& place) {
  if (auto is_array = expect_array(value, place); !is_array) return fail(is_array.error());
  auto list = std::make_shared<AddressList>();
  list->reserve(value.size());
  std::unordered_set<IpAddress> seen;  // here rather than in validate(), which cannot name the JSON place
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPlace here = place.element(i);
    auto address = read_address(value[i], here);
    if (!address) return fail(address.error());
    if (!seen.insert(address->address()).second) {
      return fail(here.to_string(), address->address().to_string() + " is listed twice");
    }
    list->push_back(std::move(*address));
  }
  return SharedAddressList(std::move(list));
}

Result<NodeFlags> read_flags(const Json& value, const JsonPlace& place) {
  if (auto is_array = expect_array(value, place); !is_array) return fail(is_array.error());
  NodeFlags flags;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPlace here = place.element(i);
    auto name = read_string(value[i], here);
    if (!name) return fail(name.error());
    auto flag = NodeFlags::parse_one(*name);
    if (!flag) return fail(flag.error().within(here.to_string()));
    flags = flags.with(*flag);
  }
  return flags;
}

Result<std::map<InterfaceName, LinkState>> read_links(const Json& value, const JsonPlace& place) {
  if (auto is_object = expect_object(value, place); !is_object) return fail(is_object.error());
  std::map<InterfaceName, LinkState> links;
  for (const auto& [key, state] : value.items()) {
    const JsonPlace here = place.member(key);
    auto name = to_interface_name(key);
    if (!name) return fail(name.error().within(here.to_string()));
    if (state == "up") {
      links.emplace(std::move(*name), LinkState::kUp);
    } else if (state == "down") {
      links.emplace(std::move(*name), LinkState::kDown);
    } else {
      return fail(here.to_string(), "expected \"up\" or \"down\", got " + describe(state));
    }
  }
  return links;
}

// `shared` is the top-level list, for a node without "addresses" of its own.
Result<NodeView> read_node(const Json& value, const JsonPlace& place, const SharedAddressList& shared) {
  if (auto is_object = expect_object(value, place); !is_object) return fail(is_object.error());
  if (auto keys = expect_known_keys(value, place, {"pnn", "flags", "interfaces", "addresses"}); !keys) {
    return fail(keys.error());
  }
  auto pnn = required_member(value, "pnn", place);
  if (!pnn) return fail(pnn.error());
  NodeView node;
  auto id = read_pnn(**pnn, place.member("pnn"));
  if (!id) return fail(id.error());
  node.pnn = *id;
  if (const Json* flags = optional_member(value, "flags")) {
    auto read = read_flags(*flags, place.member("flags"));
    if (!read) return fail(read.error());
    node.flags = *read;
  }
  if (const Json* links = optional_member(value, "interfaces")) {
    auto read = read_links(*links, place.member("interfaces"));
    if (!read) return fail(read.error());
    node.links = std::move(*read);
  }
  node.addresses = shared;
  if (const Json* own = optional_member(value, "addresses")) {
    auto read = read_address_list(*own, place.member("addresses"));
    if (!read) return fail(read.error());
    node.addresses = std::move(*read);
  }
  return node;
}

// The top-level "addresses" and the "nodes" of `state`.
Result<std::vector<NodeView>> read_nodes(const Json& state, const JsonPlace& place) {
  SharedAddressList shared = std::make_shared<const AddressList>();
  if (const Json* addresses = optional_member(state, "addresses")) {
    auto read = read_address_list(*addresses, place.member("addresses"));
    if (!read) return fail(read.error());
    shared = std::move(*read);
  }
  auto value = required_member(state, "nodes", place);
  if (!value) return fail(value.error());
  const JsonPlace nodes_place = place.member("nodes");
  if (auto is_array = expect_array(**value, nodes_place); !is_array) return fail(is_array.error());
  std::vector<NodeView> nodes;
  nodes.reserve((*value)->size());
  for (std::size_t i = 0; i < (*value)->size(); ++i) {
    auto node = read_node((**value)[i], nodes_place.element(i), shared);
    if (!node) return fail(node.error());
    nodes.push_back(std::move(*node));
  }
  return nodes;
}

std::string joined(const std::vector<InterfaceName>& names) {
  std::string out;
  for (const InterfaceName& name : names) out += (out.empty() ? "" : ", ") + name.value();
  return out;
}

// "ADDRESS[@INTERFACE]", split at the last '@'. A preferred interface must be one that some
// node allows for the address, or the preference could never be met: a typo.
Result<GroupMember> read_member(const Json& value, const JsonPlace& place, const AddressIndex& index) {
  auto text = read_string(value, place);
  if (!text) return fail(text.error());
  const auto at = text->rfind('@');
  auto address = IpAddress::parse(text->substr(0, at));
  if (!address) return fail(address.error().within(place.to_string()));
  GroupMember member{*address, std::nullopt};
  if (at == std::string_view::npos) return member;
  const std::string_view interface_text = text->substr(at + 1);
  if (interface_text.empty()) return fail(place.to_string(), "no interface after '@' (ADDRESS@INTERFACE)");
  auto name = to_interface_name(interface_text);
  if (!name) return fail(name.error().within(place.to_string()));
  const std::vector<InterfaceName>* allowed = index.interfaces_of(*address);
  if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), *name) == allowed->end()) {
    return fail(place.to_string(), "no node allows " + address->to_string() + " on interface '" + name->value() +
                                       "' (allowed: " + joined(*allowed) + ")");
  }
  member.preferred = std::move(*name);
  return member;
}

Result<GroupName> read_group_name(const Json& value, const JsonPlace& place) {
  auto name = read_string(value, place);
  if (!name) return fail(name.error());
  if (name->empty() || name->find_first_of(" \t\r\n") != std::string_view::npos) {
    return fail(place.to_string(), "'" + std::string(*name) + "' is not a group name (not empty, no spaces)");
  }
  return GroupName(std::string(*name));
}

// "move" (the default) or "stay", as on-path-loss= in ip_groups.
Result<PathLossPolicy> read_path_loss_policy(const Json& value, const JsonPlace& place) {
  auto text = read_string(value, place);
  if (!text) return fail(text.error());
  auto policy = parse_path_loss_policy(*text);
  if (!policy) return fail(place.to_string(), "expected \"move\" or \"stay\", got \"" + std::string(*text) + "\"");
  return *policy;
}

Result<IpGroup> read_group(const Json& value, const JsonPlace& place, const AddressIndex& index) {
  if (auto is_object = expect_object(value, place); !is_object) return fail(is_object.error());
  if (auto keys = expect_known_keys(value, place, {"name", "ips", "on_path_loss"}); !keys) return fail(keys.error());
  auto name_value = required_member(value, "name", place);
  if (!name_value) return fail(name_value.error());
  auto name = read_group_name(**name_value, place.member("name"));
  if (!name) return fail(name.error());
  auto ips = required_member(value, "ips", place);
  if (!ips) return fail(ips.error());
  const JsonPlace ips_place = place.member("ips");
  if (auto is_array = expect_array(**ips, ips_place); !is_array) return fail(is_array.error());
  if ((*ips)->empty()) return fail(ips_place.to_string(), "a group needs at least one IP");
  IpGroup group{std::move(*name), {}};
  for (std::size_t i = 0; i < (*ips)->size(); ++i) {
    auto member = read_member((**ips)[i], ips_place.element(i), index);
    if (!member) return fail(member.error());
    group.members.push_back(std::move(*member));
  }
  if (const Json* policy = optional_member(value, "on_path_loss")) {
    auto read = read_path_loss_policy(*policy, place.member("on_path_loss"));
    if (!read) return fail(read.error());
    group.on_path_loss = *read;
  }
  return group;
}

Result<std::vector<IpGroup>> read_groups(const Json& value, const JsonPlace& place, const AddressIndex& index) {
  if (auto is_array = expect_array(value, place); !is_array) return fail(is_array.error());
  std::vector<IpGroup> groups;
  groups.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto group = read_group(value[i], place.element(i), index);
    if (!group) return fail(group.error());
    groups.push_back(std::move(*group));
  }
  return groups;
}

Result<Placement> read_placement(const Json& value, const JsonPlace& place, const AddressIndex& index) {
  if (auto is_object = expect_object(value, place); !is_object) {
    return fail(place.to_string(), "expected {\"pnn\": ..., \"interface\": ...} or null, got " + describe(value));
  }
  if (auto keys = expect_known_keys(value, place, {"pnn", "interface"}); !keys) return fail(keys.error());
  auto pnn_value = required_member(value, "pnn", place);
  if (!pnn_value) return fail(pnn_value.error());
  const JsonPlace pnn_place = place.member("pnn");
  auto pnn = read_pnn(**pnn_value, pnn_place);
  if (!pnn) return fail(pnn.error());
  if (!index.has_node(*pnn)) return fail(pnn_place.to_string(), "no node has pnn " + std::to_string(pnn->value()));
  auto interface_value = required_member(value, "interface", place);
  if (!interface_value) return fail(interface_value.error());
  auto interface = read_interface_name(**interface_value, place.member("interface"));
  if (!interface) return fail(interface.error());
  return Placement{*pnn, std::move(*interface)};
}

// Keys are addresses without prefix; two spellings of one address are an error.
Result<Assignment> read_current(const Json& value, const JsonPlace& place, const AddressIndex& index) {
  if (auto is_object = expect_object(value, place); !is_object) return fail(is_object.error());
  std::vector<IpAssignment> entries;
  entries.reserve(value.size());
  std::unordered_set<IpAddress> seen;
  for (const auto& [key, entry] : value.items()) {
    const JsonPlace here = place.member(key);
    auto address = IpAddress::parse(key);
    if (!address) return fail(address.error().within(here.to_string()));
    if (index.interfaces_of(*address) == nullptr) {
      return fail(here.to_string(), address->to_string() + " is not a public address of any node");
    }
    if (!seen.insert(*address).second) {
      return fail(here.to_string(), address->to_string() + " is listed twice, spelled two ways");
    }
    if (entry.is_null()) {
      entries.push_back(IpAssignment{*address, std::nullopt, std::string(kNotHosted)});
      continue;
    }
    auto placement = read_placement(entry, here, index);
    if (!placement) return fail(placement.error());
    entries.push_back(IpAssignment{*address, std::move(*placement), ""});
  }
  return Assignment(std::move(entries));
}

Result<AllocationRequest> read_state(const Json& state, const JsonPlace& place) {
  if (auto is_object = expect_object(state, place); !is_object) return fail(is_object.error());
  if (auto keys = expect_known_keys(state, place, {"tunables", "addresses", "nodes", "groups", "current"}); !keys) {
    return fail(keys.error());
  }
  AllocationRequest request;
  if (const Json* tunables = optional_member(state, "tunables")) {
    auto read = read_tunables(*tunables, place.member("tunables"));
    if (!read) return fail(read.error());
    request.tunables = *read;
  }
  auto nodes = read_nodes(state, place);
  if (!nodes) return fail(nodes.error());
  request.view.nodes = std::move(*nodes);
  const AddressIndex index(request.view.nodes);
  if (const Json* groups = optional_member(state, "groups")) {
    auto read = read_groups(*groups, place.member("groups"), index);
    if (!read) return fail(read.error());
    request.view.groups = std::move(*read);
  }
  if (const Json* current = optional_member(state, "current")) {
    auto read = read_current(*current, place.member("current"), index);
    if (!read) return fail(read.error());
    request.current = std::move(*read);
  }
  return request;
}

// Appends without nlohmann's search for an existing key, which is linear in an ordered
// object; the keys are distinct addresses, so there is nothing to find.
void append(nlohmann::ordered_json& object, std::string key, nlohmann::ordered_json value) {
  auto& members = object.get_ref<nlohmann::ordered_json::object_t&>();
  static_cast<nlohmann::ordered_json::object_t::Container&>(members).emplace_back(std::move(key), std::move(value));
}

}  // namespace

Result<AllocationRequest> parse_cluster_state(std::string_view json_text) {
  auto document = parse_json(json_text, kRoot);
  if (!document) return fail(document.error());
  auto request = read_state(*document, JsonPlace(kRoot));
  if (!request) return request;
  // validate() names places in the view ("groups[1]"), which has the document's layout.
  if (auto valid = alloc::validate(request->view); !valid) {
    const Error& error = valid.error();
    return fail(std::string(kRoot) + (error.place.empty() ? "" : "." + error.place), error.cause);
  }
  return request;
}

std::string render_assignment(const Assignment& result, const Assignment& current) {
  using OrderedJson = nlohmann::ordered_json;
  OrderedJson assignment = OrderedJson::object();
  OrderedJson unhosted = OrderedJson::object();
  for (const IpAssignment& entry : result.ips()) {
    std::string key = entry.address.to_string();
    if (entry.placement) {
      append(assignment, std::move(key),
             OrderedJson{{"pnn", entry.placement->node.value()}, {"interface", entry.placement->interface.value()}});
    } else {
      append(assignment, key, nullptr);
      append(unhosted, std::move(key), entry.unhosted_reason);
    }
  }
  OrderedJson out = OrderedJson::object();
  append(out, "assignment", std::move(assignment));
  append(out, "unhosted", std::move(unhosted));
  append(out, "moves", count_moves(current, result));
  return out.dump(2, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

}  // namespace tandem::ctl
