#include "ctl/history_views.h"

#include "ctl/json_reader.h"

namespace tandem::ctl {

namespace {

// The member `key` as text: a string as it is, a number in decimal; errors name the place.
Result<std::string> text_of(const Json& object, std::string_view key, const JsonPlace& place) {
  auto member = required_member(object, key, place);
  if (!member) return fail(member.error());
  if ((*member)->is_string()) return (*member)->get<std::string>();
  if ((*member)->is_number_unsigned()) return std::to_string((*member)->get<std::uint64_t>());
  return fail(place.member(key).to_string(), "expected a string or a whole number, got " + describe(**member));
}

std::string place_text(const Json& place) {
  if (!place.is_object() || !place.contains("node") || !place.contains("interface")) return "nowhere";
  const Json& node = place["node"];
  const Json& interface = place["interface"];
  return "node " + (node.is_number() ? std::to_string(node.get<std::uint64_t>()) : std::string("?")) + " " +
         (interface.is_string() ? interface.get<std::string>() : std::string("?"));
}

Result<std::string> move_line(const Json& move, const JsonPlace& place) {
  if (auto is_object = expect_object(move, place); !is_object) return fail(is_object.error());
  auto address = text_of(move, "address", place);
  auto why = text_of(move, "why", place);
  if (!address || !why) return fail(!address ? address.error() : why.error());
  const Json* group = optional_member(move, "group");
  const std::string group_text =
      group != nullptr && group->is_string() ? " (group " + group->get<std::string>() + ")" : "";
  const Json* from = optional_member(move, "from");
  const Json* to = optional_member(move, "to");
  return "  " + *address + group_text + " from " + place_text(from ? *from : Json()) + " to " +
         place_text(to ? *to : Json()) + ": " + *why + "\n";
}

Result<std::string> run_lines(const Json& run, const JsonPlace& place) {
  if (auto is_object = expect_object(run, place); !is_object) return fail(is_object.error());
  std::string texts[4];
  const char* keys[4] = {"time", "kind", "cause", "duration_ms"};
  for (std::size_t i = 0; i < 4; ++i) {
    auto text = text_of(run, keys[i], place);
    if (!text) return fail(text.error());
    texts[i] = std::move(*text);
  }
  const Json* ok = optional_member(run, "ok");
  const Json* id = optional_member(run, "run");
  std::string title = texts[1] == "takeover_run" ? "takeover run" : "local failover";
  if (id != nullptr && id->is_number_unsigned()) title += " " + std::to_string(id->get<std::uint64_t>());
  const bool is_ok = ok != nullptr && ok->is_boolean() && ok->get<bool>();
  std::string out = texts[0] + " " + title + ": " + (is_ok ? "done" : "failed") + " in " + texts[3] +
                    " ms, started by " + texts[2] + "\n";
  const Json* moves = optional_member(run, "moves");
  if (moves == nullptr || !moves->is_array()) return out;
  for (std::size_t i = 0; i < moves->size(); ++i) {
    auto line = move_line((*moves)[i], place.member("moves").element(i));
    if (!line) return fail(line.error());
    out += *line;
  }
  return out;
}

Result<std::string> hook_lines(const Json& hook, const JsonPlace& place) {
  if (auto is_object = expect_object(hook, place); !is_object) return fail(is_object.error());
  std::string texts[5];
  const char* keys[5] = {"time", "event", "script", "status", "duration_ms"};
  for (std::size_t i = 0; i < 5; ++i) {
    auto text = text_of(hook, keys[i], place);
    if (!text) return fail(text.error());
    texts[i] = std::move(*text);
  }
  std::string out = texts[0] + " " + texts[1] + " " + texts[2] + ": " + texts[3] + " in " + texts[4] + " ms\n";
  const Json* lines = optional_member(hook, "last_lines");
  if (lines == nullptr || !lines->is_array()) return out;
  for (const Json& line : *lines) {
    if (line.is_string()) out += "  | " + line.get<std::string>() + "\n";
  }
  return out;
}

}  // namespace

Result<std::string> history_text(const Json& result) {
  const JsonPlace place("result");
  if (auto is_object = expect_object(result, place); !is_object) return fail(is_object.error());
  std::string out;
  for (std::string_view key : {"runs", "hooks"}) {
    auto list = required_member(result, key, place);
    if (!list) return fail(list.error());
    const JsonPlace list_place = place.member(key);
    if (auto is_array = expect_array(**list, list_place); !is_array) return fail(is_array.error());
    if (key == "runs" && (*list)->empty()) out += "No takeover run or local failover since the daemon started.\n";
    if (key == "hooks") out += (*list)->empty() ? "No hook has run.\n" : "Last run of each hook:\n";
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      auto lines = key == "runs" ? run_lines((**list)[i], list_place.element(i))
                                 : hook_lines((**list)[i], list_place.element(i));
      if (!lines) return fail(lines.error());
      out += *lines;
    }
  }
  return out;
}

}  // namespace tandem::ctl
