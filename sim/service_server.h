#pragma once
// One simulated service on its own port: GET /status answers from the service's document, shaped by the
// fault currently set for it.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>

#include "common/web_server.h"
#include "sim/documents.h"
#include "sim/faults.h"
#include "sim/http_helpers.h"

namespace twikit::sim {

/// Listening options shared by every service server.
struct ServerOptions {
  /// The interface to bind.
  std::string host = "127.0.0.1";
  /// Handler threads per server: the requests it works on at once (each request held by `latency` or
  /// `hang` occupies one; idle and kept-alive connections occupy none).
  std::size_t threads = 32;
  /// Where answered GET /status requests are counted, labelled by service and code (SimMetrics'
  /// twikit_sim_requests_total); null: not counted. Must outlive the server.
  prometheus::Family<prometheus::Counter>* requests = nullptr;
};

/// Serves one service. Thread-safe: requests run on the server's handler threads while the admin API
/// changes faults and patches from its own. Copy and move are deleted (worker threads refer to it).
class ServiceServer {
 public:
  /// Serves `spec` as instance `instance` (the service name, or `<service>-<i>` with --replicas) from
  /// `document` with `options`; call start() to listen.
  ServiceServer(const ServiceSpec& spec, std::string instance, std::unique_ptr<ServiceDocument> document,
                ServerOptions options);
  ~ServiceServer();
  ServiceServer(const ServiceServer&) = delete;
  ServiceServer& operator=(const ServiceServer&) = delete;

  /// Binds `port` (0 = a free port) and starts serving; returns the bound port. Throws std::runtime_error.
  int start(int port);
  /// Stops serving: requests held by `latency` or `hang` are released with 503 and the port is closed.
  /// Safe to call twice.
  void stop();

  /// The instance name: what the admin API and the ready line call it.
  const std::string& name() const { return instance_; }
  /// The service this instance plays (the document's `service`).
  const std::string& service() const { return spec_.name; }
  /// The bound port (kept while `down` closes it, so it reopens on the same number).
  int port() const { return port_.load(); }

  /// The current fault.
  Fault fault() const;
  /// Sets the fault; entering `down` closes the port and leaving it reopens the same port (throws
  /// std::runtime_error when it cannot). Held requests re-evaluate the new fault at once.
  void set_fault(const Fault& fault);
  /// Pins merge patch `patch` on the document and returns the document as now served.
  nlohmann::json patch(const nlohmann::json& patch);
  /// Drops pinned patches and clears the fault (reopening the port after `down`).
  void reset();
  /// Sets the length of the service's list; false when it has none.
  bool resize(std::size_t size);
  /// Name, port, fault, pinned patch and list size, as GET /admin/services reports them.
  nlohmann::json describe() const;

 private:
  void open();
  void close();
  void handle_status(WebResponse& res);
  void serve_document(const nlohmann::json& document, WebResponse& res) const;
  static void serve_oversize(const nlohmann::json& document, WebResponse& res);

  const ServiceSpec& spec_;
  const std::string instance_;
  const ServerOptions options_;
  std::atomic<int> port_{0};
  std::atomic<bool> stopping_{false};

  // Guards document_, fault_ and generation_; wake_ tells held requests that the fault changed.
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::unique_ptr<ServiceDocument> document_;
  Fault fault_;
  std::uint64_t generation_ = 0;

  // Serialises open/close and fault changes; taken before mu_, never while a handler holds mu_.
  std::mutex lifecycle_mu_;
  std::unique_ptr<WebServer> server_;
};

}  // namespace twikit::sim
