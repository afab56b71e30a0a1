// src/cli/data_flags.h
//
// What the commands that work on a data folder share: the --data and --as-of options, opening the
// DataDir (with an AsOfEnv when --as-of is given), and parsing time arguments.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cloud/as_of_env.h"
#include "cloud/data_dir.h"
#include "common/status.h"

namespace cairn::cli {

struct DataFlags {
  std::string data;   // --data DIR
  std::string as_of;  // --as-of TIME ("" = now)
};

// Adds --data (required) and --as-of to `cmd`.
void AddDataFlags(CLI::App* cmd, DataFlags* flags);

// A time argument: RFC 3339 ("2025-01-15T00:00:00Z") or epoch seconds ("1736899200",
// "1736899200.5"). Returns microseconds since the epoch, or nullopt when it is neither.
std::optional<int64_t> ParseTimeArg(std::string_view s);

// An open data folder and the Env its stores use.
struct OpenData {
  std::unique_ptr<cloud::AsOfEnv> as_of_env;  // set with --as-of
  Env* env = nullptr;                         // as_of_env or Env::Default()
  std::unique_ptr<cloud::DataDir> dir;
};

// Opens flags.data. `create`: make the folder if missing (import); otherwise a missing folder is
// kNotFound. A bad --as-of is kInvalidArgument (a usage error).
Result<OpenData> OpenDataDir(const DataFlags& flags, bool create,
                             cloud::DataDirOptions options = {});

// "1,234,567"
std::string WithCommas(uint64_t v);

}  // namespace cairn::cli
