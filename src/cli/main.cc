// The `cairn` binary: dispatches to the registered subcommands (see command.h).
#include <algorithm>
#include <cstdio>
#include <map>

#include "api/errors.h"
#include "cli/command.h"

namespace cairn::cli {

std::vector<CommandSpec>& CommandRegistry() {
  static std::vector<CommandSpec> registry;
  return registry;
}

void AddFormatOption(CLI::App* cmd, OutputFormat* format) {
  static const std::map<std::string, OutputFormat> kFormats = {{"table", OutputFormat::kTable},
                                                               {"json", OutputFormat::kJson}};
  cmd->add_option("--format", *format, "Output format: table or json")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case))
      ->default_str("table");
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "cairn: %s\n", status.ToString().c_str());
  return api::CliExitCode(status);  // the one table: src/api/errors.cc
}

}  // namespace cairn::cli

int main(int argc, char** argv) {
  using namespace cairn::cli;
  CLI::App app{"cairn: a self-hosted, AWS-API-compatible CloudTrail for a whole organization"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  auto& registry = CommandRegistry();
  std::sort(registry.begin(), registry.end(), [](const CommandSpec& a, const CommandSpec& b) {
    return std::string(a.name) < b.name;
  });
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
  for (auto& spec : registry) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    runners.emplace_back(sub, spec.setup(sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return kExitUsage;
}
