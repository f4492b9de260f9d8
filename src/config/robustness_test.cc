// The parsers face whatever is in a file: they must answer every input with a value or a
// readable error, and never crash. Inputs come from a fixed seed, so a failure replays.
#include <functional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "config/ip_groups_file.h"
#include "config/lines.h"
#include "config/nodes_file.h"
#include "config/public_addresses_file.h"
#include "config/settings.h"

namespace tandem::config {
namespace {

// Runs one parser and checks what every error must be: placed in the file, one line of
// printable text, and short.
using Parser = std::function<std::optional<Error>(std::string_view text)>;

template <typename T>
Parser parser(Result<T> (*parse)(std::string_view, std::string_view)) {
  return [parse](std::string_view text) -> std::optional<Error> {
    auto result = parse(text, "f");
    if (result.ok()) return std::nullopt;
    return result.error();
  };
}

const std::vector<Parser>& all_parsers() {
  static const std::vector<Parser> parsers{parser(&parse_nodes), parser(&parse_public_addresses),
                                           parser(&parse_ip_groups), parser(&parse_settings)};
  return parsers;
}

void expect_readable_error_or_success(std::string_view text) {
  for (const Parser& parse : all_parsers()) {
    const std::optional<Error> error = parse(text);
    if (!error) continue;
    EXPECT_TRUE(error->place == "f" || error->place.starts_with("f:")) << error->message();
    EXPECT_LT(error->message().size(), 1024u) << error->message();
    for (char c : error->message()) {
      ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "unprintable byte in: " << error->message();
    }
  }
}

// Bytes that mean something to one of the formats, and some that mean nothing.
constexpr std::string_view kAlphabet = "0123456789abcdefth.:/@,#= \t\r\n[]{}\"'\\-_x\x7f\xff\xc3";

std::string random_text(std::mt19937& rng, std::size_t length_max) {
  std::uniform_int_distribution<std::size_t> length(0, length_max);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size());  // kAlphabet.size(): NUL
  std::string text(length(rng), '\0');
  for (char& c : text) {
    const std::size_t i = pick(rng);
    c = i < kAlphabet.size() ? kAlphabet[i] : '\0';
  }
  return text;
}

std::string mutated(std::mt19937& rng, std::string text) {
  std::uniform_int_distribution<int> count(1, 4);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int n = count(rng); n > 0 && !text.empty(); --n) {
    std::uniform_int_distribution<std::size_t> at(0, text.size() - 1);
    text[at(rng)] = static_cast<char>(byte(rng));
  }
  return text;
}

TEST(Robustness, EveryParserAnswersRandomTextWithAValueOrAReadableError) {
  std::mt19937 rng(20240601);
  for (int i = 0; i < 3000; ++i) expect_readable_error_or_success(random_text(rng, 120));
}

TEST(Robustness, EveryParserAnswersDamagedValidFilesWithAValueOrAReadableError) {
  const std::vector<std::string> valid{
      "192.0.2.1\n#192.0.2.2\n2001:db8::3\n", "198.51.100.10/24 eth1,eth2\n# c\n2001:db8::10/64 eth2\n",
      "target1 198.51.100.10@eth1 203.0.113.10@eth2\nt2 2001:db8::1@eth1\n",
      "[node]\naddress = \"192.0.2.1\"\n[cluster]\nlock = \"!helper a b\"\nport = 4379\n"
      "[tunables]\nIPAllocAlgorithm = \"lcp2\"\nNoIPFailback = true\n"};
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    expect_readable_error_or_success(mutated(rng, valid[static_cast<std::size_t>(i) % valid.size()]));
  }
}

TEST(Robustness, SurvivesAHugeLineFullOfNuls) {
  std::string line(1 << 20, '\0');
  line[0] = '1';
  expect_readable_error_or_success(line);
  expect_readable_error_or_success("198.51.100.10/24 " + std::string(1 << 20, 'e'));
  expect_readable_error_or_success("g " + std::string(1 << 20, '@'));
}

TEST(Robustness, SurvivesDeeplyNestedToml) {
  expect_readable_error_or_success("a = " + std::string(100000, '['));
  expect_readable_error_or_success("a = " + std::string(100000, '{'));
  std::string nested = "[tunables]\nx = ";
  for (int i = 0; i < 5000; ++i) nested += "{a=";
  expect_readable_error_or_success(nested);
}

TEST(Robustness, SurvivesALineWithManyFields) {
  std::string groups = "g";
  for (int i = 0; i < 100000; ++i) groups += " 198.51.100.1";
  expect_readable_error_or_success(groups);
}

}  // namespace
}  // namespace tandem::config
