// The man pages name everything the code knows: every verb of `tandem` and `tandem-lab`
// (as their --help lists them) with its JSON form, every option of tandemd and tandem,
// every tunable with its default and range, every tandem.conf section and key, every hook
// event. The lists come from the programs and libraries, never from this file, so a verb
// or tunable added to the code fails here until its page tells of it.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "config/settings.h"
#include "model/hook_event.h"
#include "model/tunables.h"

namespace tandem {
namespace {

std::string read_page(const std::string& name) {
  std::ifstream in(std::string(TANDEM_MAN_DIR) + "/" + name + ".scd");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct ClosePipe {
  void operator()(std::FILE* pipe) const { ::pclose(pipe); }
};

// What `program --help` prints.
std::string help_of(const std::string& program) {
  std::unique_ptr<std::FILE, ClosePipe> pipe(::popen((program + " --help 2>&1").c_str(), "r"));
  std::string out;
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) out.append(buffer.data(), count);
  return out;
}

// The first word of every line of CLI11's help section `heading` ("Subcommands:",
// "Options:"), case-insensitive; CLI11 hides the hidden ones itself.
std::vector<std::string> help_section(const std::string& help, std::string_view heading) {
  std::vector<std::string> words;
  bool is_inside = false;
  for (const std::string& line : lines_of(help)) {
    if (!line.empty() && line.front() != ' ') {
      is_inside = equals_ignoring_case(trim(line), heading);
      continue;
    }
    if (!is_inside || trim(line).empty()) continue;
    std::string word(trim(line));
    word = word.substr(0, word.find_first_of(" \t"));
    words.push_back(word);
  }
  return words;
}

// The long options of a help text: "-n,--node TEXT" gives "--node"; --help is left out.
std::vector<std::string> long_options(const std::string& help) {
  std::vector<std::string> options;
  for (std::string word : help_section(help, "Options:")) {
    const auto at = word.find("--");
    if (at == std::string::npos) continue;
    word = word.substr(at);
    if (word != "--help") options.push_back(word);
  }
  return options;
}

// A page's entry for `term`: from the line that starts with "*term*" up to the next
// entry or heading; "" when the page has none.
std::string entry_of(const std::string& page, const std::string& term) {
  const std::string start = "*" + term + "*";
  std::string entry;
  bool is_inside = false;
  for (const std::string& line : lines_of(page)) {
    const bool is_boundary = line.starts_with("*") || line.starts_with("#");
    if (is_inside && is_boundary) break;
    if (line.starts_with(start) && (line.size() == start.size() || line[start.size()] == ' ')) is_inside = true;
    if (is_inside) entry += line + "\n";
  }
  return entry;
}

// The part of a page under the heading line `heading`, up to the next heading of any level.
std::string section_of(const std::string& page, const std::string& heading) {
  std::string section;
  bool is_inside = false;
  for (const std::string& line : lines_of(page)) {
    if (line.starts_with("#")) {
      is_inside = line == heading;
      continue;
    }
    if (is_inside) section += line + "\n";
  }
  return section;
}

// "... the known keys are a, b, c" gives {a, b, c}.
std::vector<std::string> listed_after(const std::string& message, std::string_view marker) {
  std::vector<std::string> names;
  const auto at = message.find(marker);
  if (at == std::string::npos) return names;
  std::istringstream list(message.substr(at + marker.size()));
  for (std::string name; std::getline(list, name, ',');) names.emplace_back(trim(name));
  return names;
}

// The sections and keys tandem.conf knows, from the parser's own "unknown" messages.
std::vector<std::string> known_sections() {
  auto parsed = config::parse_settings("[no_such_section]\n", "tandem.conf");
  std::vector<std::string> sections;
  if (parsed) return sections;
  for (std::string name : listed_after(parsed.error().message(), "the known sections are ")) {
    sections.push_back(name.substr(1, name.size() - 2));  // "[paths]" -> "paths"
  }
  return sections;
}

std::vector<std::string> known_keys(const std::string& section) {
  auto parsed = config::parse_settings("[" + section + "]\nno_such_key = 1\n", "tandem.conf");
  if (parsed) return {};
  return listed_after(parsed.error().message(), "the known keys are ");
}

TEST(ManPages, TandemTellsOfEveryVerbAndItsJsonForm) {
  const std::string page = read_page("tandem.1");
  const auto verbs = help_section(help_of(TANDEM_BINARY), "Subcommands:");
  ASSERT_GE(verbs.size(), 20u) << "cannot read the verbs from `tandem --help`";
  for (const std::string& verb : verbs) {
    const std::string entry = entry_of(page, verb);
    EXPECT_FALSE(entry.empty()) << "man/tandem.1.scd has no entry \"*" << verb << "*\"";
    EXPECT_NE(entry.find("JSON"), std::string::npos) << "the entry of " << verb << " does not tell its JSON form";
  }
}

TEST(ManPages, TandemTellsOfEveryOptionAndExitStatus) {
  const std::string page = read_page("tandem.1");
  const auto options = long_options(help_of(TANDEM_BINARY));
  ASSERT_FALSE(options.empty());
  for (const std::string& option : options) {
    EXPECT_NE(page.find("*" + option + "*"), std::string::npos) << "man/tandem.1.scd lacks " << option;
  }
  const std::string exit_status = section_of(page, "# EXIT STATUS");
  for (const char* code : {"*0*", "*1*", "*2*", "*3*", "*4*"}) {
    EXPECT_NE(exit_status.find(code), std::string::npos) << "EXIT STATUS lacks " << code;
  }
}

TEST(ManPages, TandemdTellsOfEveryOption) {
  const std::string page = read_page("tandemd.8");
  const auto options = long_options(help_of(TANDEMD_BINARY));
  ASSERT_GE(options.size(), 3u) << "cannot read the options from `tandemd --help`";
  for (const std::string& option : options) {
    EXPECT_FALSE(entry_of(page, option).empty()) << "man/tandemd.8.scd has no entry \"*" << option << "*\"";
  }
}

TEST(ManPages, TandemLabTellsOfEveryVerb) {
  const std::string page = read_page("tandem-lab.1");
  const auto verbs = help_section(help_of(TANDEM_LAB_BINARY), "Subcommands:");
  ASSERT_GE(verbs.size(), 10u) << "cannot read the verbs from `tandem-lab --help`";
  for (const std::string& verb : verbs) {
    EXPECT_FALSE(entry_of(page, verb).empty()) << "man/tandem-lab.1.scd has no entry \"*" << verb << "*\"";
  }
}

TEST(ManPages, ConfTellsOfEveryTunableWithItsDefaultAndRange) {
  const std::string page = read_page("tandem.conf.5");
  for (const TunableSpec& spec : tunable_specs()) {
    const std::string name(spec.name);
    const std::string entry = entry_of(page, name);
    const std::string head = "*" + name + "* (default " + std::to_string(spec.default_value) + "; " +
                             std::to_string(spec.min) + " to " + std::to_string(spec.max) + ")";
    EXPECT_TRUE(entry.starts_with(head)) << "man/tandem.conf.5.scd needs the line \"" << head << "\"";
  }
}

TEST(ManPages, ConfTellsOfEverySectionAndKey) {
  const std::string page = read_page("tandem.conf.5");
  const auto sections = known_sections();
  ASSERT_GE(sections.size(), 4u) << "cannot read the sections from the parser's message";
  for (const std::string& section : sections) {
    const std::string text = section_of(page, "## [" + section + "]");
    EXPECT_FALSE(text.empty()) << "man/tandem.conf.5.scd has no heading \"## [" << section << "]\"";
    if (section == "tunables") continue;      // checked one by one above
    if (section == "reachability") continue;  // its keys are the interfaces, not fixed names
    const auto keys = known_keys(section);
    EXPECT_FALSE(keys.empty()) << section;
    for (const std::string& key : keys) {
      EXPECT_FALSE(entry_of(text, key).empty())
          << "[" << section << "] in man/tandem.conf.5.scd lacks \"*" << key << "*\"";
    }
  }
}

TEST(ManPages, EventsTellOfEveryHookEvent) {
  const std::string page = read_page("tandem-events.7");
  int count = 0;
  for (int number = 0; number < 256; ++number) {
    const std::string_view name = hook_event_name(static_cast<HookEvent>(number));
    if (name == "unknown") break;
    ++count;
    EXPECT_FALSE(entry_of(page, std::string(name)).empty())
        << "man/tandem-events.7.scd has no entry \"*" << name << "*\"";
  }
  EXPECT_GE(count, 8);
}

}  // namespace
}  // namespace tandem
