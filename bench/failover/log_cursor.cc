#include "failover/log_cursor.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tandem::bench {
namespace {

std::uintmax_t file_size(const std::string& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

std::string read_from(const std::string& path, std::uintmax_t offset) {
  std::ifstream file(path);
  file.seekg(static_cast<std::streamoff>(offset));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

LogCursor LogCursor::at_end(const lab::Lab& lab) {
  LogCursor cursor;
  for (const auto& node : lab.plan().nodes) cursor.offsets_.push_back(file_size(node.paths.log));
  return cursor;
}

LogEvents LogCursor::events_since(const lab::Lab& lab) const {
  LogEvents all;
  const auto& nodes = lab.plan().nodes;
  for (std::size_t i = 0; i < nodes.size() && i < offsets_.size(); ++i) {
    LogEvents events = scan_log(read_from(nodes[i].paths.log, offsets_[i]));
    for (auto& line : events.lines) line = nodes[i].name + ": " + line;
    all += events;
  }
  return all;
}

}  // namespace tandem::bench
