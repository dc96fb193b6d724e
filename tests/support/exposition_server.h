#pragma once
// A /metrics endpoint on loopback whose exposition body, content type and status the test sets: what
// alertd scrapes in its tests.

#include <chrono>
#include <mutex>
#include <string>
#include <thread>

#include "support/loopback_server.h"

namespace twikit::testing {

/// Serves GET /metrics at 127.0.0.1:<ephemeral> with what was last given to serve() (an empty 200 until
/// then), optionally after a delay, and remembers the scraper's Accept and scrape-timeout headers. Thread-safe.
class ExpositionServer {
 public:
  ExpositionServer() {
    server_.router().add("/metrics", [this](const WebRequest& req, WebResponse& res) {
      int delay_ms = 0;
      {
        std::lock_guard lock(mu_);
        last_accept_ = req.headers.get("Accept");
        last_timeout_header_ = req.headers.get("X-Prometheus-Scrape-Timeout-Seconds");
        res.status = status_;
        res.set_body(body_, content_type_);
        delay_ms = delay_ms_;
      }
      // A slow or hung target, as the scraper meets one.
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    });
    port_ = server_.start();
  }
  ExpositionServer(const ExpositionServer&) = delete;
  ExpositionServer& operator=(const ExpositionServer&) = delete;
  // The server stops (its handler threads end) before the members they use are destroyed.
  ~ExpositionServer() { server_.stop(); }

  /// Answers every scrape from now on with `body`, `type` and `status`.
  void serve(std::string body, std::string type = "text/plain; version=0.0.4; charset=utf-8", int status = 200) {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
    content_type_ = std::move(type);
    status_ = status;
  }
  /// Holds every answer back by `ms` from now on.
  void set_delay_ms(int ms) {
    std::lock_guard lock(mu_);
    delay_ms_ = ms;
  }
  /// The Accept header of the last scrape.
  std::string last_accept() {
    std::lock_guard lock(mu_);
    return last_accept_;
  }
  /// The X-Prometheus-Scrape-Timeout-Seconds header of the last scrape.
  std::string last_timeout_header() {
    std::lock_guard lock(mu_);
    return last_timeout_header_;
  }
  /// The bound port.
  int port() const { return port_; }

 private:
  LoopbackServer server_;
  std::mutex mu_;
  std::string body_, content_type_ = "text/plain; version=0.0.4; charset=utf-8", last_accept_, last_timeout_header_;
  int status_ = 200;
  int delay_ms_ = 0;
  int port_ = 0;
};

}  // namespace twikit::testing
