#pragma once
// twikit-exporter as an object: load config, collect, serve; Start/Stop/Reload so tests can run the
// whole exporter in-process.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/http_client.h"
#include "common/web_server.h"
#include "exporter/scheduler.h"
#include "exporter/self_metrics.h"

namespace twikit::exporter {

/// What main() decides before the App exists.
struct AppOptions {
  /// The exporter.yaml to load; empty runs the embedded default configuration.
  std::string config_file;
  /// Accept a configuration file with no targets (--config.allow-empty).
  bool allow_empty_config = false;
  /// Overrides the configuration's web.listen_address when set (--web.listen-address).
  std::optional<std::string> listen_address;
  /// exporter-toolkit web configuration (TLS, basic auth); empty for plain HTTP (--web.config.file).
  std::string web_config_file;
};

/// The running exporter. start() throws ConfigError on a bad configuration; reload() never throws.
/// Thread-safe; copy and move are deleted.
class App {
 public:
  /// Builds an exporter that fetches through `http` and reads time from `clock`.
  App(AppOptions options, HttpClient& http, const Clock& clock);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Loads the configuration, binds the listen address, starts collecting and serving.
  void start();
  /// Stops serving and collecting.
  void stop();
  /// Loads the configuration again and swaps it in; on failure keeps the running one and returns the
  /// error message (empty on success).
  std::string reload();
  /// The bound HTTP port.
  int port() const { return server_ ? server_->port() : 0; }

 private:
  std::shared_ptr<const ExporterConfig> load() const;
  std::shared_ptr<Scheduler> scheduler() const;
  WebRouter routes();

  AppOptions options_;
  HttpClient& http_;
  const Clock& clock_;
  std::unique_ptr<WebServer> server_;
  SelfMetrics self_metrics_;
  mutable std::mutex mu_;
  std::shared_ptr<Scheduler> scheduler_;  // guarded by mu_; swapped whole on reload
  std::mutex reload_mu_;                  // serialises reloads
};

}  // namespace twikit::exporter
