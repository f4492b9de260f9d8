#include "config/routing_section.h"

#include <algorithm>
#include <string>

#include "config/lines.h"

namespace tandem::config {

namespace {

int line_of(const toml::source_region& source) { return std::max(1, static_cast<int>(source.begin.line)); }

// The strings of an array value, each with its own line; a non-string element is an error.
struct Item {
  std::string_view text;
  int line = 0;
};

Result<std::vector<Item>> strings_of(const toml::node& value, std::string_view key, int key_line,
                                     std::string_view file_name) {
  const toml::array* array = value.as_array();
  if (array == nullptr)
    return fail(place(file_name, key_line), "routing." + std::string(key) + " must be an array of strings");
  std::vector<Item> items;
  for (const toml::node& element : *array) {
    const auto* text = element.as_string();
    const int line = element.source().begin.line > 0 ? line_of(element.source()) : key_line;
    if (text == nullptr) return fail(place(file_name, line), "routing." + std::string(key) + " must hold only strings");
    items.push_back(Item{text->get(), line});
  }
  return items;
}

Result<std::uint32_t> table_number(const toml::node& value, std::string_view key, const std::string& where) {
  const auto* number = value.as_integer();
  if (number == nullptr) return fail(where, "routing." + std::string(key) + " must be an integer");
  if (number->get() < 0 || number->get() > 0xFFFFFFFFll) {
    return fail(where,
                "routing." + std::string(key) + " must be from 1 to 4294967295, not " + std::to_string(number->get()));
  }
  return static_cast<std::uint32_t>(number->get());
}

Result<void> read_networks(const std::vector<Item>& items, std::string_view file_name, RoutingSettings& routing) {
  if (items.size() > kRoutedNetworksMax) {
    return fail(place(file_name, items[kRoutedNetworksMax].line),
                "more than " + std::to_string(kRoutedNetworksMax) + " routing networks");
  }
  for (const Item& item : items) {
    auto network = parse_routed_network(item.text);
    if (!network) return fail(place(file_name, item.line), network.error().cause);
    const bool is_repeat = std::any_of(routing.networks.begin(), routing.networks.end(),
                                       [&](const RoutedNetwork& seen) { return seen.network == network->network; });
    if (is_repeat)
      return fail(place(file_name, item.line), "network " + network->network.to_string() + " is listed twice");
    routing.networks.push_back(*network);
  }
  return success();
}

Result<void> read_routes(const std::vector<Item>& items, std::string_view file_name, RoutingSettings& routing) {
  if (items.size() > kExtraRoutesMax) {
    return fail(place(file_name, items[kExtraRoutesMax].line),
                "more than " + std::to_string(kExtraRoutesMax) + " extra routes");
  }
  for (const Item& item : items) {
    auto route = parse_extra_route(item.text);
    if (!route) return fail(place(file_name, item.line), route.error().cause);
    if (auto checked = check_extra_route(routing, *route); !checked) {
      return fail(place(file_name, item.line), checked.error().cause);
    }
    routing.routes.push_back(*route);
  }
  return success();
}

}  // namespace

Result<RoutingSettings> read_routing_section(const toml::table& table, std::string_view file_name) {
  RoutingSettings routing;
  int range_line = 0;        // the later of the two table keys' lines
  std::vector<Item> routes;  // read after the networks, which their gateways need
  for (auto&& [key, value] : table) {
    const int line = line_of(key.source());
    const std::string where = place(file_name, line);
    if (key.str() == "table_first" || key.str() == "table_last") {
      auto number = table_number(value, key.str(), where);
      if (!number) return fail(number.error());
      (key.str() == "table_first" ? routing.table_first : routing.table_last) = *number;
      range_line = std::max(range_line, line);
    } else if (key.str() == "networks" || key.str() == "routes") {
      auto items = strings_of(value, key.str(), line, file_name);
      if (!items) return fail(items.error());
      if (key.str() == "routes") {
        routes = std::move(*items);
        continue;
      }
      if (auto read = read_networks(*items, file_name, routing); !read) return fail(read.error());
    } else {
      return fail(where, "unknown key " + quote(key.str()) +
                             " in [routing]; the known keys are table_first, "
                             "table_last, networks, routes");
    }
  }
  if (auto range = check_table_range(routing.table_first, routing.table_last); !range) {
    return fail(place(file_name, std::max(1, range_line)), range.error().cause);
  }
  if (auto read = read_routes(routes, file_name, routing); !read) return fail(read.error());
  return routing;
}

}  // namespace tandem::config
