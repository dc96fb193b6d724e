// Fuzzes the exporter.yaml loader (exporter/config): YAML in, an ExporterConfig or a ConfigError
// ("file:line:col: message") out. A ConfigError is a legitimate answer; any other exception, a crash, a
// hang or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/yaml_errors.h"
#include "exporter/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)twikit::exporter::load_config_string(text, "exporter.yml");
  } catch (const twikit::ConfigError&) {
  }
  return 0;
}
