// Line-level helpers shared by the parsers of the configuration files.
//
// Every message about a file names its place as "FILE:LINE" (lines from 1) and quotes the
// offending text, so these helpers fix both spellings once. Pure: they see text, never a
// file, and never let one bad line (a megabyte long, full of NULs) into a message whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tandem::config {

// The largest configuration file accepted. Real files are a few kilobytes; the limit keeps
// a wrong path (a disk image, a log) from costing gigabytes and keeps line numbers small.
inline constexpr std::size_t kFileSizeMax = 4 * 1024 * 1024;

// A line of a file with its number, counted from 1 over every line, blank ones included.
struct Line {
  std::string_view text;  // without the "\n" or "\r\n" that ended it
  int number = 0;
};

// Fails, with the file's name as the place, when the text is larger than kFileSizeMax.
Result<void> check_file_size(std::string_view text, std::string_view file_name);

enum class Comments { kKept, kDropped };

// The lines that carry content: blank lines are dropped, and so are lines whose first
// non-blank character is '#' when comments are dropped. Accepts "\n" and "\r\n". Fails
// as check_file_size() does.
Result<std::vector<Line>> content_lines(std::string_view text, std::string_view file_name, Comments comments);

// "FILE:LINE", the place of every error about a line.
std::string place(std::string_view file_name, int line);

// Text for a message: in single quotes, bytes outside printable ASCII as \xNN, and cut
// to kQuoteMax bytes with "..." so that a message stays one readable line.
inline constexpr std::size_t kQuoteMax = 64;
std::string quote(std::string_view text);

// The same escaping without the quotes, cut to `length_max` bytes: for text from a library
// (a TOML parser's description) that may echo the bytes it choked on.
std::string printable(std::string_view text, std::size_t length_max);

}  // namespace tandem::config
