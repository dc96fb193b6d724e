#pragma once
// `alertd check config FILE...`: validates alertd.yaml files and the rule files they name, like
// `promtool check config`.

#include <ostream>
#include <string>
#include <vector>

namespace twikit::app {

/// Checks each config file and its rule files; prints "Checking FILE" then "  SUCCESS: ..." or the
/// errors (`file:line:col: message`, never a secret) to `out`/`err`. `args` are the files, optionally
/// preceded by --config.allow-empty (accept a config with no scrape targets and no rule files, as the daemon
/// does with that flag). Returns 0 when all are valid, 1 otherwise.
int check_config_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace twikit::app
