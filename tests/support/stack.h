#pragma once
// Real programs of the stack for integration tests: twikit-sim, twikit-exporter and Prometheus, each
// started on loopback with ephemeral ports and stopped when the object goes.

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "support/process.h"

namespace twikit::testing {

/// GETs `url` (2 s timeout); returns the body, or "" on any failure.
std::string http_get(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers = {});

/// Sends `method` with a JSON `body` to `url`; returns the HTTP status (0 on transport failure).
int http_send(const std::string& method, const std::string& url, const std::string& body);

/// The value of the unlabelled sample `name` on the `/metrics` of 127.0.0.1:`port`; -1 when absent.
double metric_value(int port, const std::string& name);

/// twikit-sim started with --base-port 0; knows its ports from the ready line.
class Sim {
 public:
  /// Starts the sim with `extra` arguments and waits for its ready line (throws on failure).
  explicit Sim(std::vector<std::string> extra = {});
  /// The admin API's base URL.
  std::string admin_url() const { return "http://127.0.0.1:" + std::to_string(admin_port_); }
  /// The port of service `name`.
  int port(const std::string& name) const { return ports_.at(name); }
  /// All service names and ports.
  const std::map<std::string, int>& ports() const { return ports_; }
  /// Sets a fault on service `name` (`fault` is the JSON body of PUT .../fault); returns the HTTP status.
  int fault(const std::string& name, const std::string& fault);
  /// Applies a JSON merge patch to service `name`'s status document; returns the HTTP status.
  int patch(const std::string& name, const std::string& merge_patch);
  /// Clears every fault and patch.
  int reset();

 private:
  std::unique_ptr<ChildProcess> process_;
  int admin_port_ = 0;
  std::map<std::string, int> ports_;
};

/// The exporter's default configuration pointed at `sim`, with `overrides` replacing top-level lines
/// such as the collection block.
std::string exporter_config_for(const Sim& sim, const std::string& collection_yaml);

/// The per-target timeout exporter_config_for() sets: 1 s, times kTimeoutScale.
inline constexpr std::chrono::milliseconds kTargetTimeout{1000 * kTimeoutScale};

/// twikit-exporter started on a free port with the given configuration text.
class Exporter {
 public:
  /// Writes `config_yaml` to a temp file and starts the exporter; waits until /-/healthy answers.
  explicit Exporter(const std::string& config_yaml);
  /// The base URL, e.g. http://127.0.0.1:40123.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// The running process (for signals).
  ChildProcess& process() { return *process_; }
  /// The configuration file path (rewrite it and send SIGHUP to reload).
  const std::string& config_path() const { return config_path_; }

 private:
  std::string dir_;
  std::string config_path_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

/// A real Prometheus (Debian's /usr/bin/prometheus) with the given prometheus.yml text.
class Prometheus {
 public:
  /// Starts Prometheus on a free port; waits until /-/ready answers (throws after 30 s).
  explicit Prometheus(const std::string& config_yaml);
  /// The base URL.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Runs an instant query; returns the parsed "data.result" array (empty on error).
  nlohmann::json query(const std::string& promql) const;

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace twikit::testing
