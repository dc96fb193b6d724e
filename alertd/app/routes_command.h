#pragma once
// `alertd config routes [show]` and `alertd config routes test`: amtool's `config routes` commands over
// alertd.yaml's routing tree, with amtool's flags and output, so operators can ask where a label set goes.

#include <ostream>
#include <string>
#include <vector>

namespace twikit::app {

/// Runs `config routes ...`; `args` start after "routes": optionally "show" or "test", then
/// --config.file=FILE (default alertd.yaml), and for test --tree, --verify.receivers=a,b and the labels
/// (name=value or name="value"). Prints to `out`/`err` as amtool does; returns 0, or 1 on a bad config,
/// bad arguments or receivers other than --verify.receivers.
int routes_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace twikit::app
