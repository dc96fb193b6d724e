#pragma once
// twikit-sim as one object: the ten service servers (times --replicas) and the admin API, started and
// stopped together, so tests can run the whole sim in-process.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/web_server.h"
#include "sim/self_metrics.h"
#include "sim/service_server.h"

namespace twikit::sim {

/// How the sim is started (the command-line flags as values).
struct SimConfig {
  /// The interface every server binds.
  std::string host = "127.0.0.1";
  /// The admin port; the service instances take the next 10 × replicas. 0 picks free ports for all.
  int base_port = 9880;
  /// Instances of each service: 1 names them after their service, more names them `<service>-<i>`
  /// (i from 0), each on its own port with its own document and fault.
  std::size_t replicas = 1;
  /// The seed of every simulated value.
  std::uint64_t seed = 1;
  /// Handler threads per server (requests each works on at once; `latency` and `hang` hold one each).
  std::size_t threads = 32;
  /// List lengths by service name (proxy_rotation: pool, retry_engine: breakers, campaign_orchestrator:
  /// campaigns); services not named keep their defaults.
  std::map<std::string, std::size_t> list_sizes;
};

/// The running sim. start() and stop() are called from one thread; the servers are thread-safe.
/// Copy and move are deleted (servers refer to it).
class Sim {
 public:
  /// Prepares the sim; nothing listens until start(). `clock` must outlive the sim.
  Sim(SimConfig config, const Clock& clock);
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  /// Binds and starts every service instance and then the admin API. Throws std::runtime_error when a port
  /// cannot be bound (everything started so far is stopped again).
  void start();
  /// Stops the admin API and every service, releasing held requests. Safe to call twice.
  void stop();

  /// The admin port (after start()).
  int admin_port() const { return admin_ ? admin_->port() : 0; }
  /// The service instances: instance 0 of the ten in the contract's order, then instance 1, and so on.
  const std::vector<std::unique_ptr<ServiceServer>>& services() const { return services_; }
  /// The ready line: {"admin": N, "services": {"session_manager": N+1, ...}} in the order of services();
  /// instance names as keys.
  std::string ready_line() const;

 private:
  SimConfig config_;
  std::vector<std::unique_ptr<ServiceServer>> services_;
  SimMetrics metrics_{services_};
  std::unique_ptr<WebServer> admin_;
};

}  // namespace twikit::sim
