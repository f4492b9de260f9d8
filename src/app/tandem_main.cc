// tandem: the command-line tool of a Tandem cluster.
//
// Only the shell lives here: parse the command line (CLI11), read what a command needs from
// files or stdin, write out its CommandOutput. What each command does is in ctl/, where
// tests run it without a process. To add a command, write an add_NAME_command() below and
// list it in main(); a verb that talks to tandemd is a line of ctl::control_verbs() instead,
// and sys::ask() carries its request.
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "app/config_check.h"
#include "ctl/alloc_command.h"
#include "ctl/command_output.h"
#include "ctl/control_command.h"
#include "sys/control_client.h"

namespace {

using tandem::ctl::CommandOutput;
using tandem::ctl::kExitBadInput;
using tandem::ctl::kExitFailed;

// A subcommand as registered: its CLI11 node, and what runs when it is the one given.
struct Command {
  CLI::App* app;
  std::function<CommandOutput()> run;
};

// A cluster state for 1,000 nodes sharing 10,000 addresses is about 1 MiB; one with a
// list per node can be hundreds. Beyond this, the input is surely not what was meant.
constexpr std::size_t kInputSizeMax = std::size_t{256} << 20;

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The whole of `path`, or of standard input for "-".
tandem::Result<std::string> read_input(const std::string& path) {
  const bool is_stdin = path == "-";
  const std::string name = is_stdin ? "standard input" : path;
  std::unique_ptr<std::FILE, CloseFile> owned;
  if (!is_stdin) {
    owned.reset(std::fopen(path.c_str(), "rb"));
    if (!owned) return tandem::fail(name, std::strerror(errno));
  }
  std::FILE* file = is_stdin ? stdin : owned.get();
  std::string text;
  std::array<char, 1 << 16> buffer;
  std::size_t count = 0;
  while ((count = std::fread(buffer.data(), 1, buffer.size(), file)) > 0) {
    text.append(buffer.data(), count);
    if (text.size() > kInputSizeMax) return tandem::fail(name, "larger than 256 MiB");
  }
  if (std::ferror(file)) return tandem::fail(name, std::strerror(errno));
  return text;
}

Command add_alloc_command(CLI::App& tool) {
  auto file = std::make_shared<std::string>("-");
  CLI::App* command = tool.add_subcommand(
      "alloc", "Show where the allocation engine puts every public IP of a cluster state given as JSON.");
  command->add_option("FILE", *file, "The cluster state, as JSON; '-' or none: standard input.")->type_name("");
  command->footer(
      "The state (only \"nodes\" is required; unknown keys are errors):\n"
      "  {\"tunables\": {\"IPAllocAlgorithm\": \"lcp2\", \"NoIPFailback\": 0, ...},\n"
      "   \"addresses\": [{\"ip\": \"198.51.100.10/24\", \"interfaces\": [\"eth1\", \"eth2\"]}],\n"
      "   \"nodes\": [{\"pnn\": 0, \"flags\": [\"DISABLED\"], \"interfaces\": {\"eth1\": \"up\", \"eth2\": \"down\"},\n"
      "              \"addresses\": [...]}],\n"
      "   \"groups\": [{\"name\": \"target1\", \"ips\": [\"198.51.100.10@eth1\", \"198.51.100.11@eth2\"]}],\n"
      "   \"current\": {\"198.51.100.10\": {\"pnn\": 0, \"interface\": \"eth1\"}, \"198.51.100.11\": null}}\n"
      "A node without \"addresses\" of its own may host the top-level \"addresses\".\n"
      "\n"
      "Prints the assignment, keyed by address, and the number of addresses that move:\n"
      "  {\"assignment\": {\"198.51.100.10\": {\"pnn\": 0, \"interface\": \"eth2\"}, \"198.51.100.11\": null},\n"
      "   \"unhosted\": {\"198.51.100.11\": \"REASON\"}, \"moves\": 1}\n"
      "\n"
      "Exit status: 0 done; 1 FILE cannot be read; 2 the state is malformed (the error names the place).");
  return Command{command, [file] {
                   auto text = read_input(*file);
                   if (!text) return tandem::ctl::command_failed("alloc", text.error(), kExitFailed);
                   return tandem::ctl::run_alloc(*text);
                 }};
}

// `tandem check`: reads the files, never the daemon. --json is the tool's own option.
Command add_check_command(CLI::App& tool, const std::shared_ptr<const bool>& wants_json) {
  auto config = std::make_shared<std::string>("/etc/tandem/tandem.conf");
  CLI::App* command = tool.add_subcommand(
      "check", "Check tandem.conf and every file it names, as tandemd would read them, without a daemon.");
  command->add_option("--config", *config, "tandem.conf, which names every other file.")->capture_default_str();
  command->footer(
      "Checks tandem.conf, nodes, public_addresses, ip_groups, the cluster key (mode, owner, length), the\n"
      "events directory, the cluster lock's directory or helper, that the interfaces public_addresses\n"
      "names exist here and that one nodes-file line is this node. Prints each problem as FILE:LINE: cause\n"
      "(FILE: cause where there is no line), warnings as FILE:LINE: warning: cause, then a verdict.\n"
      "\n"
      "Exit status: 0 valid (warnings allowed); 1 a problem was found.");
  return Command{command, [config, wants_json] {
                   return tandem::app::render_check(tandem::app::check_configuration(*config, {}), *wants_json);
                 }};
}

// The options of every verb that talks to tandemd.
struct ControlOptions {
  std::string socket = "/run/tandem/tandemd.sock";
  bool wants_json = false;
  std::uint32_t timeout_ms = 15000;
};

void add_control_options(CLI::App& tool, ControlOptions& options) {
  tool.add_option("--socket", options.socket, "The daemon's control socket (environment: TANDEM_SOCKET).")
      ->envname("TANDEM_SOCKET")
      ->capture_default_str();
  tool.add_flag("--json", options.wants_json, "Print the result as JSON instead of text.");
  tool.add_option("--timeout", options.timeout_ms, "How long to wait for the daemon's answer, in ms.")
      ->check(CLI::Range(1u, 3600000u))
      ->capture_default_str();
}

tandem::ctl::SocketAnswer ask_daemon(const ControlOptions& options, const std::string& request_line) {
  using tandem::sys::AskFailure;
  auto answer = tandem::sys::ask(options.socket, request_line, std::chrono::milliseconds(options.timeout_ms));
  std::optional<tandem::ctl::NoAnswer> failure;
  if (answer.failure == AskFailure::kNoDaemon) failure = tandem::ctl::NoAnswer::kNoDaemon;
  if (answer.failure == AskFailure::kTimeout) failure = tandem::ctl::NoAnswer::kTimeout;
  if (answer.failure == AskFailure::kFailed) failure = tandem::ctl::NoAnswer::kFailed;
  return tandem::ctl::SocketAnswer{failure, std::move(answer.reply), std::move(answer.error)};
}

// A verb of ctl::control_verbs(): its arguments and options as the table says.
Command add_control_command(CLI::App& tool, const tandem::ctl::VerbSpec& spec,
                            const std::shared_ptr<const ControlOptions>& options) {
  auto call = std::make_shared<tandem::ctl::CliCall>();
  auto node = std::make_shared<std::string>();
  call->verb = std::string(spec.name);
  call->arguments.resize(spec.argument_count);
  CLI::App* command = tool.add_subcommand(call->verb, std::string(spec.summary));
  for (std::size_t i = 0; i < spec.argument_count; ++i) {
    command->add_option(std::string(spec.argument_names()[i]), call->arguments[i])->required()->type_name("");
  }
  CLI::Option* node_option = nullptr;
  if (spec.takes_node) {
    const std::string help = spec.name == "ip" ? "The node to show (a PNN, or all)."
                             : spec.name == "history"
                                 ? "How many takeover runs and failovers to show (default: all kept)."
                                 : "The node (PNN); default: this node.";
    node_option = command->add_option(spec.name == "history" ? "-n,--count" : "-n,--node", *node, help);
  }
  if (spec.takes_verbose) command->add_flag("-v,--verbose", call->is_verbose, "Show more on each line.");
  return Command{command, [call, node, node_option, options] {
                   tandem::ctl::CliCall given = *call;
                   if (node_option != nullptr && node_option->count() > 0) given.node = *node;
                   given.wants_json = options->wants_json;
                   return tandem::ctl::run_control(given,
                                                   [&](const std::string& line) { return ask_daemon(*options, line); });
                 }};
}

// What was wrong with a command line that names no known command. CLI11 says only "A
// subcommand is required" whether the command is missing, misspelt or an unknown option.
std::string no_command_message(const std::vector<Command>& commands, int argc, char** argv) {
  std::string known;
  for (const Command& command : commands) known += (known.empty() ? "" : ", ") + command.app->get_name();
  if (argc < 2) return "no command given (commands: " + known + ")";
  const std::string first = argv[1];
  if (first.starts_with("-")) return "unknown option '" + first + "'";
  return "unknown command '" + first + "' (commands: " + known + ")";
}

// Help goes to stdout with status 0; a bad command line to stderr with status 2.
int report_parse_error(const CLI::App& tool, const CLI::ParseError& error, const std::vector<Command>& commands,
                       int argc, char** argv) {
  if (error.get_exit_code() == 0) return tool.exit(error);
  std::string command = "tandem";
  std::string message = error.what();
  const auto given = tool.get_subcommands();
  if (given.empty()) {
    message = no_command_message(commands, argc, argv);
  } else {
    command += " " + given.front()->get_name();
  }
  std::fprintf(stderr, "%s: %s\nRun '%s --help' for more information.\n", command.c_str(), message.c_str(),
               command.c_str());
  return kExitBadInput;
}

int write_out(const CommandOutput& output) {
  std::fwrite(output.out.data(), 1, output.out.size(), stdout);
  std::fwrite(output.err.data(), 1, output.err.size(), stderr);
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "tandem: cannot write to standard output: %s\n", std::strerror(errno));
    return kExitFailed;
  }
  return output.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App tool("Control and inspect a Tandem cluster.", "tandem");
  tool.require_subcommand(1);
  tool.fallthrough();  // the options below may also follow the command
  tool.footer(
      "Run 'tandem COMMAND --help' for what a command reads and prints.\n"
      "Exit status: 0 done; 1 refused or failed; 2 usage; 3 no daemon (or not root); 4 timeout.");
  auto control_options = std::make_shared<ControlOptions>();
  add_control_options(tool, *control_options);
  std::vector<Command> commands = {
      add_alloc_command(tool),
      add_check_command(tool, std::shared_ptr<const bool>(control_options, &control_options->wants_json)),
  };
  for (const auto& spec : tandem::ctl::control_verbs()) {
    commands.push_back(add_control_command(tool, spec, control_options));
  }
  try {
    tool.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return report_parse_error(tool, error, commands, argc, argv);
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return write_out(command.run());
  }
  return kExitBadInput;  // unreachable: CLI11 requires one subcommand
}
