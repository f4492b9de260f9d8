#include "ctl/tickle_views.h"

#include "ctl/json_reader.h"

namespace tandem::ctl {

Json tickles_result(const IpAddress& address, std::optional<NodeId> recorded_by,
                    const std::set<TcpConnection>& connections) {
  Json list = Json::array();
  for (const auto& connection : connections) {
    list.push_back(Json{{"source", connection.client.to_string()}, {"destination", connection.server.to_string()}});
  }
  return Json{{"address", address.to_string()},
              {"recorded_by", recorded_by ? Json(recorded_by->value()) : Json(nullptr)},
              {"connections", std::move(list)}};
}

namespace {

Result<std::string> string_member(const Json& object, std::string_view key, const JsonPlace& place) {
  auto value = required_member(object, key, place);
  if (!value) return fail(value.error());
  auto text = read_string(**value, place.member(key));
  if (!text) return fail(text.error());
  return std::string(*text);
}

}  // namespace

Result<std::string> tickles_text(const Json& result) {
  const JsonPlace place("result");
  if (auto is_object = expect_object(result, place); !is_object) return fail(is_object.error());
  auto address = string_member(result, "address", place);
  if (!address) return fail(address.error());
  const Json* recorded_by = optional_member(result, "recorded_by");
  std::string by;
  if (recorded_by != nullptr && !recorded_by->is_null()) {
    auto node = read_unsigned(*recorded_by, place.member("recorded_by"));
    if (!node) return fail(node.error());
    by = " (recorded by node " + std::to_string(*node) + ")";
  }
  auto connections = required_member(result, "connections", place);
  if (!connections) return fail(connections.error());
  const JsonPlace list_place = place.member("connections");
  if (auto is_array = expect_array(**connections, list_place); !is_array) return fail(is_array.error());
  std::string lines;
  for (std::size_t i = 0; i < (*connections)->size(); ++i) {
    const Json& connection = (**connections)[i];
    const JsonPlace at = list_place.element(i);
    if (auto is_object = expect_object(connection, at); !is_object) return fail(is_object.error());
    auto source = string_member(connection, "source", at);
    if (!source) return fail(source.error());
    auto destination = string_member(connection, "destination", at);
    if (!destination) return fail(destination.error());
    lines += "SRC: " + *source + " DST: " + *destination + "\n";
  }
  return "Connections for IP " + *address + ": " + std::to_string((*connections)->size()) + by + "\n" + lines;
}

}  // namespace tandem::ctl
