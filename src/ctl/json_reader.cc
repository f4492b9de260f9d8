#include "ctl/json_reader.h"

#include <algorithm>
#include <set>
#include <vector>

#include "base/check.h"

namespace tandem::ctl {

namespace {

bool is_plain_word(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void append_member(std::string& out, std::string_view key) {
  if (is_plain_word(key)) {
    out += '.';
    out += key;
    return;
  }
  out += '[';
  out += Json(std::string(key)).dump(-1, ' ', false, Json::error_handler_t::replace);
  out += ']';
}

void append_element(std::string& out, std::size_t index) { out += "[" + std::to_string(index) + "]"; }

// Reads a document once without building it, to find what nlohmann's DOM parser does not
// report: where a syntax error is, and the first key repeated in one object. (nlohmann's
// parser callback could see keys too, but its parser rescans a parent array each time an
// element object ends, which is quadratic: seconds for 10,000 addresses.)
class DocumentChecker : public nlohmann::json_sax<Json> {
 public:
  explicit DocumentChecker(std::string_view root) : root_(root) {}

  // Valid once sax_parse() has returned false.
  Error error() const { return Error{problem_place_, problem_}; }

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }

  bool key(string_t& key) override {
    Frame& frame = frames_.back();
    frame.key = key;
    if (frame.keys.insert(key).second) return true;
    problem_place_ = path();
    problem_ = "the key appears twice in one object";
    return false;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    // what(): "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    const std::string_view what = error.what();
    constexpr std::string_view kLead = "] parse error at ";
    const auto lead = what.find(kLead);
    problem_place_ = std::string(root_);
    problem_ =
        "not valid JSON: " + std::string(lead == std::string_view::npos ? what : what.substr(lead + kLead.size()));
    return false;
  }

 private:
  struct Frame {
    bool is_object = false;
    std::set<std::string, std::less<>> keys;  // of an object, so far
    std::string key;                          // the member being read, in an object
    std::size_t index = 0;                    // the element being read, in an array
  };

  bool open(bool is_object) {
    frames_.emplace_back();
    frames_.back().is_object = is_object;
    return true;
  }

  bool close() {
    frames_.pop_back();
    return value();
  }

  // A value has ended: the next one in an array has the next index.
  bool value() {
    if (!frames_.empty() && !frames_.back().is_object) ++frames_.back().index;
    return true;
  }

  std::string path() const {
    std::string out(root_);
    for (const Frame& frame : frames_) {
      if (frame.is_object) {
        append_member(out, frame.key);
      } else {
        append_element(out, frame.index);
      }
    }
    return out;
  }

  std::string_view root_;
  std::vector<Frame> frames_;
  std::string problem_place_;
  std::string problem_;
};

}  // namespace

JsonPlace JsonPlace::member(std::string_view key) const {
  JsonPlace child(key);
  child.parent_ = this;
  return child;
}

JsonPlace JsonPlace::element(std::size_t index) const {
  JsonPlace child("");
  child.parent_ = this;
  child.index_ = index;
  child.is_element_ = true;
  return child;
}

std::string JsonPlace::to_string() const {
  std::vector<const JsonPlace*> chain;
  for (const JsonPlace* place = this; place != nullptr; place = place->parent_) chain.push_back(place);
  std::string out(chain.back()->name_);
  for (auto it = chain.rbegin() + 1; it != chain.rend(); ++it) {
    if ((*it)->is_element_) {
      append_element(out, (*it)->index_);
    } else {
      append_member(out, (*it)->name_);
    }
  }
  return out;
}

Result<Json> parse_json(std::string_view text, std::string_view root) {
  // nlohmann's lexer takes a NUL byte for the end of its input, so "{...}\0garbage" would
  // parse as the object alone: no JSON text holds a raw NUL, so it is refused here.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(std::string(root), "not valid JSON: a NUL byte at offset " + std::to_string(nul) +
                                       " (trailing bytes after the document are refused)");
  }
  DocumentChecker checker(root);
  if (!Json::sax_parse(text, &checker)) return fail(checker.error());
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  TANDEM_CHECK(!document.is_discarded());  // the checker has parsed the same text
  return document;
}

std::string describe(const Json& value) {
  constexpr std::size_t kShownMax = 60;
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  std::string shown = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (shown.size() <= kShownMax) return shown;
  std::size_t cut = kShownMax;
  while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
  return shown.substr(0, cut) + "...";
}

Result<void> expect_object(const Json& value, const JsonPlace& place) {
  if (value.is_object()) return success();
  return fail(place.to_string(), "expected an object, got " + describe(value));
}

Result<void> expect_array(const Json& value, const JsonPlace& place) {
  if (value.is_array()) return success();
  return fail(place.to_string(), "expected an array, got " + describe(value));
}

Result<void> expect_known_keys(const Json& object, const JsonPlace& place,
                               std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (std::string_view name : known) list += (list.empty() ? "" : ", ") + std::string(name);
    return fail(place.member(key).to_string(), "unknown key (known here: " + list + ")");
  }
  return success();
}

Result<const Json*> required_member(const Json& object, std::string_view key, const JsonPlace& place) {
  const Json* member = optional_member(object, key);
  if (member == nullptr) return fail(place.to_string(), "missing \"" + std::string(key) + "\"");
  return member;
}

const Json* optional_member(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

Result<std::string_view> read_string(const Json& value, const JsonPlace& place) {
  if (!value.is_string()) return fail(place.to_string(), "expected a string, got " + describe(value));
  return std::string_view(value.get_ref<const std::string&>());
}

Result<std::uint64_t> read_unsigned(const Json& value, const JsonPlace& place) {
  if (!value.is_number_unsigned()) {
    return fail(place.to_string(), "expected a whole number of 0 or more, got " + describe(value));
  }
  return value.get<std::uint64_t>();
}

}  // namespace tandem::ctl
