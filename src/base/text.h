// Small pure helpers for the line-oriented configuration formats and number parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem {

// Splits on runs of spaces and tabs; no empty fields.
std::vector<std::string_view> split_fields(std::string_view line);

// Splits on every occurrence of `separator`, keeping empty fields.
std::vector<std::string_view> split(std::string_view text, char separator);

std::string_view trim(std::string_view text);

// ASCII case-insensitive equality (tunable and flag names, as CTDB compares them).
bool equals_ignoring_case(std::string_view a, std::string_view b);

// A decimal number with no sign, spaces or trailing text; nullopt if not one or too large.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

// A decimal integer, optionally negative, with no trailing text.
std::optional<std::int64_t> parse_signed(std::string_view text);

// Splits text into lines (without the terminator), accepting \n and \r\n.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace tandem
