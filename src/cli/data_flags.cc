#include "cli/data_flags.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "event/event_time.h"

namespace cairn::cli {

void AddDataFlags(CLI::App* cmd, DataFlags* flags) {
  cmd->add_option("--data", flags->data, "The cairn data folder")->required();
  cmd->add_option("--as-of", flags->as_of,
                  "Evaluate time-relative rules (the 90-day event history window, retention) as of "
                  "this time instead of now: RFC 3339 or epoch seconds");
}

std::optional<int64_t> ParseTimeArg(std::string_view s) {
  if (auto t = ParseTimestampMicros(s)) return t;
  if (s.empty() || s.size() > 40) return std::nullopt;
  const std::string str(s);
  char* end = nullptr;
  const double v = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size() || !std::isfinite(v) || std::fabs(v) > 9.2e12)
    return std::nullopt;
  for (char c : str) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(v * 1e6));
}

namespace {

// "pid 123 (cairn serve --data d)": who holds the data folder, for the next opener's error.
std::string LockHolder() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
  for (char& c : cmd) {
    if (c == '\0' || c == '\n') c = ' ';
  }
  if (cmd.size() > 200) cmd = cmd.substr(0, 200) + "...";
  return "pid " + std::to_string(::getpid()) + (cmd.empty() ? "" : " (" + cmd + ")");
}

}  // namespace

Result<OpenData> OpenDataDir(const DataFlags& flags, bool create, cloud::DataDirOptions options) {
  OpenData out;
  out.env = Env::Default();
  if (!flags.as_of.empty()) {
    std::optional<int64_t> t = ParseTimeArg(flags.as_of);
    if (!t) return Status::InvalidArgument("--as-of: not a time: '" + flags.as_of + "'");
    out.as_of_env = std::make_unique<cloud::AsOfEnv>(Env::Default(), *t);
    out.env = out.as_of_env.get();
  }
  options.create_if_missing = create;
  options.holder = LockHolder();
  ASSIGN_OR_RETURN(out.dir, cloud::DataDir::Open(out.env, flags.data, options));
  return out;
}

std::string WithCommas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace cairn::cli
