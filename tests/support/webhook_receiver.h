#pragma once
// An HTTP receiver for notification tests (webhooks, Slack, Alertmanager's API): records the requests it
// gets and answers with scripted statuses.

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/loopback_server.h"

namespace twikit::testing {

/// One request the receiver got.
struct ReceivedRequest {
  std::string path;           ///< The request path.
  std::string body;           ///< The body as sent.
  std::string authorization;  ///< The Authorization header ("" when absent).
};

/// Serves POST on any path at 127.0.0.1:<ephemeral>; answers scripted statuses first, then the default
/// (200), after an optional delay (a slow peer). Thread-safe.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.router().add_prefix("/", [this](const WebRequest& req, WebResponse& res) {
      int status = 200;
      std::string retry_after;
      int delay_ms = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        status = default_status_;
        requests_.push_back({req.path, req.body, req.headers.get("Authorization")});
        if (!script_.empty()) {
          status = script_.front().first;
          retry_after = script_.front().second;
          script_.pop_front();
        }
        delay_ms = delay_ms_;
        if (status == 200) delivered_.push_back(requests_.back());
      }
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      res.status = status;
      if (!retry_after.empty()) res.headers.set("Retry-After", retry_after);
      res.set_body("ok", "text/plain");
    }, accepting({"POST"}));
    port_ = server_.start(16);
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;
  // The server stops (its handler threads end) before the members they use are destroyed.
  ~WebhookReceiver() { server_.stop(); }

  /// The URL of `path` on this receiver.
  std::string url(const std::string& path = "/hook") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  /// The bound port.
  int port() const { return port_; }
  /// Answers the next request with `status` (and a Retry-After header when given).
  void script(int status, std::string retry_after = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.emplace_back(status, std::move(retry_after));
  }
  /// Answers unscripted requests with `status` (200 unless set).
  void set_default_status(int status) {
    std::lock_guard<std::mutex> lock(mu_);
    default_status_ = status;
  }
  /// Delays every answer by `ms`.
  void set_delay_ms(int ms) {
    std::lock_guard<std::mutex> lock(mu_);
    delay_ms_ = ms;
  }
  /// All requests so far.
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  /// Requests answered with 200.
  std::vector<ReceivedRequest> delivered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  /// The bodies of all requests so far, in order.
  std::vector<std::string> bodies() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : requests_) out.push_back(r.body);
    return out;
  }

 private:
  LoopbackServer server_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;
  std::vector<ReceivedRequest> delivered_;
  std::deque<std::pair<int, std::string>> script_;
  int delay_ms_ = 0;
  int default_status_ = 200;
};

}  // namespace twikit::testing
