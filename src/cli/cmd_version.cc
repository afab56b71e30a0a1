// `cairn version`: prints the version.
#include <cstdio>

#include "cli/command.h"
#include "event/generator/generator.h"

namespace cairn::cli {
namespace {

std::function<int()> SetupVersion(CLI::App* cmd) {
  auto format = std::make_shared<OutputFormat>(OutputFormat::kTable);
  AddFormatOption(cmd, format.get());
  return [format] {
    if (*format == OutputFormat::kJson) {
      std::printf("{\"version\":\"0.1.0\",\"generator_version\":%d}\n", gen::kGeneratorVersion);
    } else {
      std::printf("cairn 0.1.0 (generator %d)\n", gen::kGeneratorVersion);
    }
    return kExitOk;
  };
}

}  // namespace
CAIRN_REGISTER_COMMAND(version, "version", "Print cairn's version", SetupVersion)
}  // namespace cairn::cli
