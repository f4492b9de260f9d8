// Reading JSON input whose every error names its place ("state.nodes[2].pnn: ...").
//
// nlohmann::json's own errors ("type must be number, but is string") do not say where, and
// its accessors throw. These helpers check the type before they read, so nothing here
// throws, and each failure is an Error whose place is the path from the document's root.
// Parsing is strict: a key repeated in one object is an error (nlohmann would keep the last
// silently), so a pasted-twice entry cannot hide.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace tandem::ctl {

using Json = nlohmann::json;

// Where a value sits in a document: the root's name, then members and elements.
//
// Built on the stack while a reader descends, and spelled out only when there is an error,
// so reading a large document costs no string per value. A JsonPlace refers to the one it
// was made from, and to the key it was given: neither may end before it does. Make each
// one a named local, or a temporary passed straight to a function.
class JsonPlace {
 public:
  explicit JsonPlace(std::string_view root) : name_(root) {}

  JsonPlace member(std::string_view key) const;
  JsonPlace element(std::size_t index) const;

  // "state.nodes[2].interfaces.eth1"; a key that is not a plain word is quoted:
  // state.current["198.51.100.10"].
  std::string to_string() const;

 private:
  const JsonPlace* parent_ = nullptr;
  std::string_view name_;  // the root's name, or the member's key
  std::size_t index_ = 0;
  bool is_element_ = false;
};

// Parses `text` as one JSON document whose root is called `root` in errors. Errors: not
// valid JSON (with line and column), anything after the document (a NUL byte included),
// or a key that appears twice in one object.
Result<Json> parse_json(std::string_view text, std::string_view root);

// A value as an error message shows it: strings and numbers as written (long strings cut),
// "an object" or "an array" for containers.
std::string describe(const Json& value);

Result<void> expect_object(const Json& value, const JsonPlace& place);
Result<void> expect_array(const Json& value, const JsonPlace& place);

// An object whose keys are all among `known`; the error names the first stranger.
Result<void> expect_known_keys(const Json& object, const JsonPlace& place,
                               std::initializer_list<std::string_view> known);

// The member `key` of `object` (which must be an object), or an error naming the object.
Result<const Json*> required_member(const Json& object, std::string_view key, const JsonPlace& place);

// The member `key` of `object` (which must be an object), or nullptr when it has none.
const Json* optional_member(const Json& object, std::string_view key);

// A view of the string inside `value`, which must outlive it.
Result<std::string_view> read_string(const Json& value, const JsonPlace& place);

Result<std::uint64_t> read_unsigned(const Json& value, const JsonPlace& place);

}  // namespace tandem::ctl
