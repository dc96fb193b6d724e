// Fuzzes the rule-file loader (alertd/rules/rule_file): YAML in Prometheus' rule-file format, with
// promtool's validation, the PromQL parser on every expr and the template parser on labels and
// annotations. Errors in the result are legitimate; parse_rule_file() never throws for bad content, so
// any exception, crash, hang or UB is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "alertd/rules/rule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto file = twikit::rules::parse_rule_file("fuzz.rules.yml", text);
  for (const auto& error : file.errors) (void)error.to_string();
  (void)twikit::rules::lint_duplicate_rules(file);
  return 0;
}
