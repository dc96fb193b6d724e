#pragma once
// `alertd check rules FILE...` and `alertd test rules FILE...`: the seam between main() and the rules
// library's commands (alertd/rules/commands.h), with a built-in `check rules` while that is absent.

#include <ostream>
#include <string>
#include <vector>

namespace twikit::app {

/// Validates rule files as `promtool check rules` does; 0 when all are valid, 1 otherwise.
int check_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

/// Runs promtool-format rule unit tests; 0 when all pass, 1 otherwise.
int test_rules(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

}  // namespace twikit::app
