// `cairn version`: prints the version.
#include <cstdio>

#include "cli/command.h"

namespace cairn::cli {
namespace {

std::function<int()> SetupVersion(CLI::App* cmd) {
  auto format = std::make_shared<OutputFormat>(OutputFormat::kTable);
  AddFormatOption(cmd, format.get());
  return [format] {
    if (*format == OutputFormat::kJson) {
      std::printf("{\"version\":\"0.1.0\"}\n");
    } else {
      std::printf("cairn 0.1.0\n");
    }
    return kExitOk;
  };
}

}  // namespace
CAIRN_REGISTER_COMMAND(version, "version", "Print cairn's version", SetupVersion)
}  // namespace cairn::cli
