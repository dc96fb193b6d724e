// alertd: flags → App → wait for signals. Subcommands `check config`, `check rules` and `test rules`
// validate files without starting the daemon.

#include <sys/resource.h>

#include <charconv>
#include <iostream>
#include <string>
#include <vector>

#include "alertd/app/app.h"
#include "alertd/app/check_config.h"
#include "alertd/app/routes_command.h"
#include "alertd/rules/commands.h"
#include "common/duration.h"
#include "common/flags.h"
#include "common/logging.h"
#include "common/signals.h"
#include "common/yaml_errors.h"

namespace {

constexpr int kExitBadConfig = 2;
// A command-line error (an unknown flag, a bad flag value): 2, as Prometheus, twikit-exporter and twikit-sim.
constexpr int kExitUsage = 2;

// Raises the soft limit on open files to the hard one, as Go programs (Prometheus, Alertmanager) and
// twikit-exporter do: the web server keeps every idle client connection open, and its connection cap is
// what this limit leaves room for.
void raise_open_file_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

/// Runs `alertd check config|check rules|test rules|config routes ...`; `args` starts at the command word.
int run_subcommand(const std::vector<std::string>& args) {
  if (args.size() >= 2 && args[0] == "config" && args[1] == "routes") {
    return twikit::app::routes_command({args.begin() + 2, args.end()}, std::cout, std::cerr);
  }
  if (args.size() >= 2 && args[0] == "check" && args[1] == "config") {
    return twikit::app::check_config_command({args.begin() + 2, args.end()}, std::cout, std::cerr);
  }
  if (args.size() >= 2 && args[1] == "rules" && (args[0] == "check" || args[0] == "test")) {
    return twikit::rules::run_rules_tool(args, std::cout, std::cerr);
  }
  std::cerr << "alertd: unknown command \"" << args[0] << (args.size() > 1 ? " " + args[1] : "")
            << "\" (check config|check rules|test rules|config routes [show|test])\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Subcommands take their own arguments (test rules has --run=...), so they bypass the daemon's flags.
  if (argc > 1 && (std::string(argv[1]) == "check" || std::string(argv[1]) == "test" ||
                   std::string(argv[1]) == "config")) {
    return run_subcommand(std::vector<std::string>(argv + 1, argv + argc));
  }
  twikit::FlagSet flags("alertd", "The Twikit alerting daemon: scrapes targets, evaluates Prometheus rule files, notifies.\n"
                                  "Commands: alertd check config FILE... | check rules FILE... | test rules FILE... |\n"
                                  "          config routes [show|test] [--config.file=FILE] [--tree] [--verify.receivers=R] [LABEL=VALUE...]");
  flags.add_string("config.file", "", "alertd configuration file (empty: the embedded default)");
  flags.add_string("web.listen-address", "", "Address to listen on for the API and /metrics (default from config: 0.0.0.0:9878)");
  flags.add_string("web.config.file", "", "Path to a configuration file that can enable TLS or authentication (exporter-toolkit format).");
  flags.add_bool("config.allow-empty", false, "Run even when the config has no scrape targets and no rule files");
  flags.add_bool("web.enable-lifecycle", true, "Allow POST /-/reload when no API token is configured (a token, when set, is always required)");
  flags.add_string("storage.path", "", "SQLite file for alert state (default from config: data/alertd.db)");
  flags.add_string("query.timeout", "2m", "Maximum time a query (API or rule) may take before being aborted (0: no limit)");
  flags.add_string("query.max-samples", "50000000",
                   "Maximum number of samples a single query can load into memory. Note that queries will fail if "
                   "they try to load more samples than this into memory, so this also limits the number of samples "
                   "a query can return.");
  flags.add_string("log.level", "info", "Only log messages with the given severity or above: debug, info, warn, error");
  flags.add_string("log.format", "logfmt", "Output format of log messages: logfmt, json");
  flags.add_bool("version", false, "Show the version and exit");
  flags.add_bool("help", false, "Show this help and exit");
  if (auto err = flags.parse(argc, argv)) {
    std::cerr << "alertd: " << *err << "\n" << flags.usage();
    return kExitUsage;
  }
  if (flags.get_bool("help")) {
    std::cout << flags.usage();
    return 0;
  }
  if (flags.get_bool("version")) {
    std::cout << "alertd, version " << TWIKIT_VERSION << "\n";
    return 0;
  }
  if (auto err = twikit::setup_logging(flags.get("log.level"), flags.get("log.format")); !err.empty()) {
    std::cerr << "alertd: " << err << "\n";
    return kExitUsage;
  }
  if (!flags.args().empty()) return run_subcommand(flags.args());

  twikit::block_signals();  // before any thread starts
  raise_open_file_limit();

  auto log = twikit::logger("main");
  twikit::app::AppOptions options;
  options.config_file = flags.get("config.file");
  options.listen_address = flags.get("web.listen-address");
  options.web_config_file = flags.get("web.config.file");
  options.storage_path = flags.get("storage.path");
  options.allow_empty_config = flags.get_bool("config.allow-empty");
  options.enable_lifecycle = flags.get_bool("web.enable-lifecycle");
  const auto timeout = twikit::parse_duration_ms(flags.get("query.timeout"));
  if (!timeout) {
    std::cerr << "alertd: invalid --query.timeout \"" << flags.get("query.timeout") << "\" (want a duration such as 2m)\n";
    return kExitUsage;
  }
  options.query_timeout_ms = *timeout;
  const std::string& max_samples = flags.get("query.max-samples");
  const auto [end, ec] = std::from_chars(max_samples.data(), max_samples.data() + max_samples.size(), options.query_max_samples);
  if (ec != std::errc() || end != max_samples.data() + max_samples.size()) {
    std::cerr << "alertd: invalid --query.max-samples \"" << max_samples << "\" (want a number of samples)\n";
    return kExitUsage;
  }
  twikit::app::App app(std::move(options));
  try {
    app.start();
  } catch (const twikit::ConfigError& e) {
    log->error("error loading config err={}", twikit::logfmt_value(e.what()));
    return kExitBadConfig;
  } catch (const std::exception& e) {
    log->error("error starting alertd err={}", twikit::logfmt_value(e.what()));
    return 1;
  }
  const std::string signal = twikit::wait_for_stop_signal([&] {
    log->info("received SIGHUP, reloading configuration");
    app.reload();
  });
  log->info("received signal, shutting down signal={}", signal);
  app.stop();
  return 0;
}
