// Fuzzes the alertd.yaml loader (alertd/config) with its notification sections (alertd/notify's receivers,
// routes, inhibit rules, escalation policies): YAML in, an AlertdConfig or a ConfigError out. Environment
// lookups see nothing and relative rule_files globs resolve in a directory that does not exist. A
// ConfigError is a legitimate answer; any other exception, a crash, a hang or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "alertd/config/config.h"
#include "common/yaml_errors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const twikit::notify::EnvLookup no_environment = [](const std::string&) { return std::optional<std::string>(); };
  try {
    const auto config = twikit::config::load_config_string(text, "alertd.yml", "/nonexistent/twikit-fuzz",
                                                           no_environment);
    (void)twikit::config::scrape_targets(config);
  } catch (const twikit::ConfigError&) {
  }
  return 0;
}
