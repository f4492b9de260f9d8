#include "config/lines.h"

#include "base/text.h"

namespace tandem::config {

Result<void> check_file_size(std::string_view text, std::string_view file_name) {
  if (text.size() > kFileSizeMax) {
    return fail(std::string(file_name), "the file is " + std::to_string(text.size()) +
                                            " bytes long; a configuration file may have at most " +
                                            std::to_string(kFileSizeMax) + " bytes");
  }
  return success();
}

Result<std::vector<Line>> content_lines(std::string_view text, std::string_view file_name, Comments comments) {
  if (auto size = check_file_size(text, file_name); !size) return fail(size.error());
  std::vector<Line> lines;
  int number = 0;  // cannot overflow: kFileSizeMax bounds the count of lines
  for (std::string_view line : split_lines(text)) {
    ++number;
    const std::string_view content = trim(line);
    if (content.empty()) continue;
    if (comments == Comments::kDropped && content.front() == '#') continue;
    lines.push_back(Line{line, number});
  }
  return lines;
}

std::string place(std::string_view file_name, int line) { return std::string(file_name) + ":" + std::to_string(line); }

std::string printable(std::string_view text, std::size_t length_max) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool is_cut = text.size() > length_max;
  if (is_cut) text = text.substr(0, length_max);
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
      continue;
    }
    out += "\\x";
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  if (is_cut) out += "...";
  return out;
}

std::string quote(std::string_view text) { return "'" + printable(text, kQuoteMax) + "'"; }

}  // namespace tandem::config
