#include "config/durable_state_file.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>

#include "base/text.h"
#include "config/lines.h"

namespace tandem::config {
namespace {

constexpr std::string_view kHeader =
    "# written by tandemd: the highest epoch this node has seen and voted in, kept across\n"
    "# restarts (docs/design/cluster.md, \"Durable state\"); do not edit\n";
constexpr std::uint64_t kVersion = 1;
constexpr std::string_view kChecksumKey = "checksum ";

std::string hex8(std::uint32_t value) {
  std::array<char, 8> digits{};
  for (std::size_t i = 0; i < digits.size(); ++i) {
    digits[digits.size() - 1 - i] = "0123456789abcdef"[value & 0xfU];
    value >>= 4U;
  }
  return {digits.begin(), digits.end()};
}

std::optional<std::uint32_t> parse_hex8(std::string_view text) {
  std::uint32_t value = 0;
  if (text.size() != 8) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int line_count(std::string_view text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// The text before the checksum line, once the checksum proved it whole.
Result<std::string_view> checked_body(std::string_view text, std::string_view file_name) {
  if (text.size() > kDurableStateSizeMax) {
    return fail(std::string(file_name), "larger than " + std::to_string(kDurableStateSizeMax) + " bytes");
  }
  const std::size_t at = text.rfind(std::string("\n") + std::string(kChecksumKey));
  if (at == std::string_view::npos) {
    return fail(std::string(file_name), "has no checksum line at its end: the file was cut short or is not tandemd's");
  }
  const std::string_view body = text.substr(0, at + 1);
  std::string_view line = text.substr(at + 1);
  const int number = line_count(body) + 1;
  if (line.empty() || line.back() != '\n' || line_count(line) != 1) {
    return fail(place(file_name, number), "the checksum line must be the file's last, ended by a newline");
  }
  line.remove_suffix(1);
  const auto written = parse_hex8(line.substr(kChecksumKey.size()));
  if (!written) return fail(place(file_name, number), "expected \"checksum\" and 8 hex digits, not " + quote(line));
  if (const std::uint32_t actual = crc32_of(body); actual != *written) {
    return fail(place(file_name, number), "checksum " + hex8(*written) + " does not match the contents (" +
                                              hex8(actual) + "): the file was cut short or changed");
  }
  return body;
}

}  // namespace

std::uint32_t crc32_of(std::string_view bytes) {
  std::uint32_t crc = 0xffffffffU;
  for (const char c : bytes) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1U) ^ (0xedb88320U & (0U - (crc & 1U)));
  }
  return ~crc;
}

std::string durable_state_text(const DurableState& state, NodeId self) {
  std::string text(kHeader);
  text += "version " + std::to_string(kVersion) + "\n";
  text += "node " + std::to_string(self.value()) + "\n";
  text += "epoch " + std::to_string(state.epoch) + "\n";
  text += "voted_epoch " + std::to_string(state.voted_epoch) + "\n";
  return text + std::string(kChecksumKey) + hex8(crc32_of(text)) + "\n";
}

Result<DurableState> parse_durable_state(std::string_view text, std::string_view file_name, NodeId self) {
  auto body = checked_body(text, file_name);
  if (!body) return fail(body.error());
  auto lines = content_lines(*body, file_name, Comments::kDropped);
  if (!lines) return fail(lines.error());
  std::map<std::string, std::pair<std::uint64_t, int>> values;  // key -> value, line
  for (const Line& line : *lines) {
    const auto fields = split_fields(line.text);
    const auto value = fields.size() == 2 ? parse_unsigned(fields[1]) : std::nullopt;
    if (!value) return fail(place(file_name, line.number), "expected KEY NUMBER, not " + quote(line.text));
    const std::string key(fields[0]);
    if (key != "version" && key != "node" && key != "epoch" && key != "voted_epoch") {
      return fail(place(file_name, line.number), "unknown key " + quote(key));
    }
    if (auto [it, is_new] = values.try_emplace(key, *value, line.number); !is_new) {
      return fail(place(file_name, line.number),
                  key + " is already given on line " + std::to_string(it->second.second));
    }
  }
  for (const char* key : {"version", "node", "epoch", "voted_epoch"}) {
    if (!values.contains(key)) return fail(std::string(file_name), std::string("has no \"") + key + "\" line");
  }
  const auto& [version, version_line] = values.at("version");
  if (version != kVersion) {
    return fail(
        place(file_name, version_line),
        "version " + std::to_string(version) + " is not one this tandemd reads (" + std::to_string(kVersion) + ")");
  }
  const auto& [node, node_line] = values.at("node");
  if (node != self.value()) {
    return fail(place(file_name, node_line), "written by node " + std::to_string(node) + ", but this is node " +
                                                 std::to_string(self.value()) +
                                                 ": a state directory is never copied between nodes");
  }
  return DurableState{values.at("epoch").first, values.at("voted_epoch").first};
}

}  // namespace tandem::config
