// src/cli/command.h
//
// The `cairn` command line. Each subcommand lives in its own file (cmd_<name>.cc) and registers
// itself with CAIRN_REGISTER_COMMAND; main.cc builds the CLI11 app from the registry.
//
// Convention for every command:
//   --format table|json   json: one machine-readable document on stdout
//   progress and logs on stderr
//   exit code: 0 when everything asked was done, 1 when some input was rejected or an operation
//   failed, 2 for usage errors; --help on every command (CLI11 provides it).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"

namespace cairn::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

enum class OutputFormat { kTable, kJson };

// Adds `--format table|json` to `cmd`, writing into `*format`.
void AddFormatOption(CLI::App* cmd, OutputFormat* format);

// Prints "cairn: <status>" to stderr and returns the exit code for it.
int ReportError(const Status& status);

struct CommandSpec {
  const char* name;
  const char* description;
  // Declares options on `cmd` and returns the function that runs the command once parsed.
  // The returned function returns the process exit code.
  std::function<std::function<int()>(CLI::App* cmd)> setup;
};

std::vector<CommandSpec>& CommandRegistry();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSpec spec) { CommandRegistry().push_back(std::move(spec)); }
};

}  // namespace cairn::cli

#define CAIRN_REGISTER_COMMAND(ident, ...)                     \
  static ::cairn::cli::CommandRegistrar cairn_command_##ident{ \
      ::cairn::cli::CommandSpec{__VA_ARGS__}};
