#pragma once
// Runs promtool's rule unit tests (`promtool test rules`) against alertd's rule engine.

#include <string>
#include <vector>

namespace twikit::rules {

/// Options of `test rules`, as promtool's flags.
struct UnitTestOptions {
  std::vector<std::string> run;        ///< `--run`: only test groups whose name matches one of these regexes.
  bool ignore_unknown_fields = false;  ///< `--ignore-unknown-fields` in test and rule files.
};

/// Runs every test group of the unit-test file at `path`; returns the failures, each formatted as
/// promtool prints it (an empty result means the file passed).
std::vector<std::string> run_unit_test_file(const std::string& path, const UnitTestOptions& options = {});

/// Formats milliseconds as Go's time.Duration.String() ("0s", "1m0s", "2m59.999s").
std::string go_duration_string(std::int64_t ms);

}  // namespace twikit::rules
