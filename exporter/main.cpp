// twikit-exporter: flags → config → wire → run. Everything else lives in App.

#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>

#include "common/clock.h"
#include "common/flags.h"
#include "common/http_client.h"
#include "common/logging.h"
#include "common/signals.h"
#include "common/yaml_errors.h"
#include "exporter/app.h"
#include "exporter/config.h"

namespace {

// Raises the soft limit on open files to the hard one, as Go programs (Prometheus, its exporters) do: the
// web server keeps every idle client connection open, and the default soft limit of 1024 would cap them.
void raise_open_file_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // The HTTP server's and the fetcher's threads would each get a glibc malloc arena; two keep RSS small.
  mallopt(M_ARENA_MAX, 2);
  // Blocks of 128 KiB and more (bodies, inflated responses) that free heap space cannot hold get their own
  // mapping, which goes back to the system when freed; by default glibc raises this threshold after each
  // such free, so later big blocks stay in the heap and keep its pages.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  twikit::block_signals();  // before any thread starts
  raise_open_file_limit();

  twikit::FlagSet flags("twikit-exporter", "Exports the Twikit services' JSON status as Prometheus metrics.");
  flags.add_string("config.file", "", "twikit-exporter configuration file (empty: the embedded default).");
  flags.add_string("web.listen-address", "", "Address to listen on (overrides web.listen_address in the config).");
  flags.add_string("web.config.file", "", "Path to a configuration file that can enable TLS or authentication (exporter-toolkit format).");
  flags.add_string("log.level", "info", "Only log messages with the given severity or above: debug, info, warn, error.");
  flags.add_string("log.format", "logfmt", "Output format of log messages: logfmt, json.");
  flags.add_bool("config.allow-empty", false, "Accept a configuration file with no targets (refused by default).");
  flags.add_bool("config.check", false, "Validate the configuration file and exit (0 valid, 2 invalid).");
  flags.add_bool("version", false, "Show application version.");
  flags.add_bool("help", false, "Show context-sensitive help.");
  if (auto err = flags.parse(argc, argv)) {
    std::cerr << "twikit-exporter: error: " << *err << ", try --help\n";
    return 2;
  }
  if (flags.get_bool("help")) {
    std::cout << flags.usage();
    return 0;
  }
  if (flags.get_bool("version")) {
    std::cout << "twikit-exporter, version " << TWIKIT_VERSION << "\n";
    return 0;
  }
  if (auto err = twikit::setup_logging(flags.get("log.level"), flags.get("log.format")); !err.empty()) {
    std::cerr << "twikit-exporter: error: " << err << "\n";
    return 2;
  }
  const std::string config_file = flags.get("config.file");
  const twikit::exporter::ConfigLoadOptions load_options{flags.get_bool("config.allow-empty")};
  if (flags.get_bool("config.check")) {
    try {
      auto cfg = config_file.empty()
                     ? twikit::exporter::load_config_string(twikit::exporter::default_config_text(), "<embedded>")
                     : twikit::exporter::load_config_file(config_file, load_options);
      std::cout << "SUCCESS: " << (config_file.empty() ? "<embedded>" : config_file) << " is valid ("
                << cfg.targets.size() << " targets)\n";
      return 0;
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      return 2;
    }
  }

  twikit::SystemClock clock;
  twikit::CurlHttpClient http;
  twikit::exporter::AppOptions options;
  options.config_file = config_file;
  options.allow_empty_config = load_options.allow_empty;
  if (flags.was_set("web.listen-address")) options.listen_address = flags.get("web.listen-address");
  options.web_config_file = flags.get("web.config.file");
  twikit::exporter::App app(options, http, clock);
  try {
    app.start();
  } catch (const twikit::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "twikit-exporter: " << e.what() << "\n";
    return 1;
  }
  const std::string signal = twikit::wait_for_stop_signal([&app] { app.reload(); });
  twikit::logger("exporter")->info("received signal, shutting down signal={}", signal);
  app.stop();
  return 0;
}
