// twikit-sim: plays the ten Twikit services for the demo and the tests (see sim/README.md).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <limits>
#include <optional>
#include <string>

#include "common/flags.h"
#include "common/logging.h"
#include "common/signals.h"
#include "sim/sim.h"

namespace {

// Parses a decimal flag value within [lo, hi]; nullopt when it is not one.
std::optional<unsigned long long> parse_number(const std::string& text, unsigned long long lo, unsigned long long hi) {
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  try {
    const unsigned long long value = std::stoull(text);
    if (value < lo || value > hi) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int usage_error(const std::string& message) {
  std::cerr << "twikit-sim: error: " << message << ", try --help\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  twikit::FlagSet flags("twikit-sim", "Plays the ten Twikit services (GET /status on each) with an admin API to "
                                      "patch their documents and inject faults.");
  flags.add_string("host", "127.0.0.1", "Interface every port binds.");
  flags.add_string("base-port", "9880", "Admin API port; the service instances take the next 10 × replicas. 0 picks free ports.");
  flags.add_string("replicas", "1", "Instances of each service (1 … 1000), each on its own port, named <service>-<i> when more than 1.");
  flags.add_string("seed", "1", "Seed of every simulated value (same seed and requests, same documents).");
  flags.add_string("proxies", "8", "Proxies in proxy_rotation's pool.");
  flags.add_string("campaigns", "5", "Campaigns in campaign_orchestrator's list.");
  flags.add_string("web.max-connections", "32", "Requests each port works on at once (handler threads; latency and hang hold one each). With --replicas above 1 and no value given: max(2, 32 / replicas).");
  flags.add_string("log.level", "info", "Only log messages with the given severity or above: debug, info, warn, error.");
  flags.add_string("log.format", "logfmt", "Output format of log messages: logfmt, json.");
  flags.add_bool("help", false, "Show this help.");
  flags.add_bool("version", false, "Show the version.");
  if (auto error = flags.parse(argc, argv)) return usage_error(*error);
  if (flags.get_bool("help")) {
    std::cout << flags.usage();
    return 0;
  }
  if (flags.get_bool("version")) {
    std::cout << "twikit-sim, version " << TWIKIT_VERSION << "\n";
    return 0;
  }
  if (!flags.args().empty()) return usage_error("unexpected argument '" + flags.args().front() + "'");
  if (auto error = twikit::setup_logging(flags.get("log.level"), flags.get("log.format")); !error.empty()) {
    return usage_error(error);
  }

  twikit::sim::SimConfig config;
  config.host = flags.get("host");
  const auto replicas = parse_number(flags.get("replicas"), 1, 1000);
  if (!replicas) return usage_error("--replicas must be between 1 and 1000");
  const auto base_port = parse_number(flags.get("base-port"), 0, 65535 - 10 * *replicas);
  const auto seed = parse_number(flags.get("seed"), 0, std::numeric_limits<std::uint64_t>::max());
  const auto proxies = parse_number(flags.get("proxies"), 0, 100000);
  const auto campaigns = parse_number(flags.get("campaigns"), 0, 100000);
  const auto threads = parse_number(flags.get("web.max-connections"), 1, 4096);
  if (!base_port) {
    return usage_error("--base-port must be a port number up to " + std::to_string(65535 - 10 * *replicas) +
                       " (the instances take the next " + std::to_string(10 * *replicas) + ")");
  }
  if (!seed) return usage_error("--seed must be an unsigned 64-bit integer");
  if (!proxies || !campaigns) return usage_error("--proxies and --campaigns must be between 0 and 100000");
  if (!threads) return usage_error("--web.max-connections must be between 1 and 4096");
  config.base_port = static_cast<int>(*base_port);
  config.seed = *seed;
  config.replicas = *replicas;
  // A thousand ports with 32 handler threads each would be 32,000 threads; one request at a time per
  // instance is what a scraper sends, so a few suffice unless the operator asks for more.
  config.threads = flags.was_set("web.max-connections") || *replicas == 1
                       ? *threads
                       : std::max<unsigned long long>(2, 32 / *replicas);
  config.list_sizes["proxy_rotation"] = *proxies;
  config.list_sizes["campaign_orchestrator"] = *campaigns;

  twikit::block_signals();  // before any thread starts

  twikit::SystemClock clock;
  twikit::sim::Sim sim(config, clock);
  try {
    sim.start();
  } catch (const std::exception& e) {
    twikit::logger("sim")->error("cannot start err={}", twikit::logfmt_value(e.what()));
    return 1;
  }
  std::cout << sim.ready_line() << std::endl;

  const std::string signal = twikit::wait_for_stop_signal();
  twikit::logger("sim")->info("stopping signal={}", signal);
  sim.stop();
  return 0;
}
