#pragma once
// A thin owner of an httplib::Server: binds a Prometheus-style listen address and serves on its own thread.

#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "common/listen_address.h"

namespace twikit {

/// Owns one HTTP server and the thread that runs it. Routes are registered on raw() before start().
/// Copy and move are deleted: the server thread refers to this object.
class HttpServer {
 public:
  /// Creates a plain-HTTP server; pass a ready httplib::SSLServer (or other subclass) to serve TLS.
  explicit HttpServer(std::unique_ptr<httplib::Server> server = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The underlying server, for registering handlers before start().
  httplib::Server& raw() { return *server_; }

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
  int listen_socket_ = -1;  // set by the socket-options callback during bind()
  int port_ = 0;
};

}  // namespace twikit
