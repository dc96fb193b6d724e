#pragma once
// A /metrics endpoint on loopback whose exposition body the test sets: what alertd scrapes in its tests.

#include <mutex>
#include <string>

#include "support/loopback_server.h"

namespace twikit::testing {

/// Serves GET /metrics at 127.0.0.1:<ephemeral> with the body last given to serve().
class ExpositionServer {
 public:
  ExpositionServer() {
    server_.router().add("/metrics", [this](const WebRequest&, WebResponse& res) {
      std::lock_guard lock(mu_);
      res.set_body(body_, "text/plain; version=0.0.4");
    });
    port_ = server_.start();
  }
  /// Serves `body` from now on.
  void serve(std::string body) {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
  }
  /// The bound port.
  int port() const { return port_; }

  // The server stops (its handler threads end) before the members they use are destroyed.
  ~ExpositionServer() { server_.stop(); }
 private:
  LoopbackServer server_;
  std::mutex mu_;
  std::string body_;
  int port_ = 0;
};

}  // namespace twikit::testing
