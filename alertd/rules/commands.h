#pragma once
// `alertd check rules FILE...` and `alertd test rules FILE...`: promtool's commands, same output.

#include <ostream>
#include <string>
#include <vector>

#include "alertd/rules/unit_test_runner.h"

namespace twikit::rules {

/// Checks rule files like `promtool check rules`: prints "Checking FILE" and "  SUCCESS: N rules
/// found" to `out`, or "  FAILED:" and `file:line:col: message` lines to `err`. Duplicate rules are
/// reported as promtool's lint warning. Returns 0 when every file is valid, 1 otherwise.
int check_rules_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

/// Runs promtool unit-test files like `promtool test rules`: "Unit Testing:  FILE" then
/// "  SUCCESS" on `out`, or "  FAILED:" and the differences on `err`. Returns 0 when all pass, 1 otherwise.
int test_rules_command(const std::vector<std::string>& files, std::ostream& out, std::ostream& err,
                       const UnitTestOptions& options = {});

/// Dispatches `args` = {"check", "rules", FILE...} or {"test", "rules", [--run=REGEX]...,
/// [--ignore-unknown-fields], FILE...} to the commands above; returns the exit code (2 on bad usage).
int run_rules_tool(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace twikit::rules
