#pragma once
// A web server on 127.0.0.1 for test peers (exporters, receivers, fake services): routes first, then start().

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/web_router.h"
#include "common/web_server.h"

namespace twikit::testing {

/// Serves the routes added to router() on 127.0.0.1 and an ephemeral port once start() is called. Copy and
/// move are deleted: handlers usually point into the object that owns this one.
class LoopbackServer {
 public:
  LoopbackServer() = default;
  ~LoopbackServer() { stop(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  /// The routes, to be added before start().
  WebRouter& router() { return router_; }
  /// Starts serving with `handler_threads` (requests answered at once) and returns the port.
  int start(std::size_t handler_threads = 8) {
    WebServerOptions options;
    options.handler_threads = handler_threads;
    options.io_threads = 1;
    server_ = std::make_unique<WebServer>(std::move(router_), std::move(options));
    port_ = server_->bind("127.0.0.1:0");
    server_->start();
    return port_;
  }
  /// Stops serving (handlers in progress finish first); safe to call twice.
  void stop() {
    if (server_) server_->stop();
  }
  /// The bound port (after start()).
  int port() const { return port_; }

 private:
  WebRouter router_;
  std::unique_ptr<WebServer> server_;
  int port_ = 0;
};

/// Route options accepting `methods` and bodies up to `max_body_bytes`.
inline WebRouteOptions accepting(std::vector<std::string> methods, std::size_t max_body_bytes = std::size_t{64} << 20) {
  WebRouteOptions options;
  options.methods = std::move(methods);
  options.max_body_bytes = max_body_bytes;
  return options;
}

}  // namespace twikit::testing
