#pragma once
// A thin owner of an httplib::Server: binds a Prometheus-style listen address and serves on its own thread.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "common/listen_address.h"

namespace twikit {

/// The request body cap every HttpServer starts with: 1 MiB (no endpoint of these programs needs more).
inline constexpr std::size_t kDefaultMaxBodyBytes = std::size_t{1} << 20;

/// Looks at a request's line and headers before its body is read; returns true when it has answered in
/// `res` (a 401, say), and the body is then never read into memory.
using RequestGuard = std::function<bool(const httplib::Request& req, httplib::Response& res)>;

/// Owns one HTTP server and the thread that runs it. Routes are registered on raw() before start().
/// Copy and move are deleted: the server thread refers to this object.
class HttpServer {
 public:
  /// Creates a plain-HTTP server; pass a ready httplib::SSLServer (or other subclass) to serve TLS.
  explicit HttpServer(std::unique_ptr<httplib::Server> server = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The underlying server, for registering handlers before start(). Do not replace its pre-routing
  /// handler: set_request_guard() is the hook that runs there.
  httplib::Server& raw() { return *server_; }

  /// Caps request bodies (default kDefaultMaxBodyBytes): a larger declared Content-Length gets 413 and the
  /// body is discarded, never stored. Chunked bodies, which httplib 0.11 would read without a cap, get 411.
  void set_max_body_bytes(std::size_t bytes);
  /// The body cap in force.
  std::size_t max_body_bytes() const { return max_body_bytes_; }
  /// Runs `guard` on every request before its body is read (call before start()). A request it answers is
  /// sent with "Connection: close", so that a well-behaved client stops sending the body.
  void set_request_guard(RequestGuard guard);

  /// Binds `listen_address` (port 0 picks a free port) and returns the bound port;
  /// throws std::runtime_error when the address cannot be bound.
  int bind(const std::string& listen_address);
  /// Starts serving on a background thread; bind() first.
  void start();
  /// Stops serving and joins the thread; safe to call twice.
  void stop();
  /// The bound port, or 0 before bind().
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  // httplib's pre-routing handler: body-framing checks, then the guard.
  bool screen(const httplib::Request& req, httplib::Response& res) const;

  int listen_socket_ = -1;  // set by the socket-options callback during bind()
  int port_ = 0;
  std::size_t max_body_bytes_ = kDefaultMaxBodyBytes;
  RequestGuard guard_;
};

}  // namespace twikit
