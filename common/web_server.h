#pragma once
// The event-driven HTTP server: a few threads running one event loop serve every connection, so idle or
// slow clients cost a socket and a few kilobytes, never a thread. Requests go through a WebRouter, and
// WebSocket upgrades through the acceptors added with add_websocket(); the server library stays inside
// web_server.cpp (the acceptor) and common/web_server/ (the connection, the sessions and their send path).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/web_config.h"
#include "common/web_router.h"
#include "common/web_socket.h"

namespace twikit {

/// How a WebServer runs. The defaults suit a Prometheus target.
struct WebServerOptions {
  /// Threads running the event loop (reading, writing, timers).
  std::size_t io_threads = 2;
  /// Threads running handlers, which may block (a scrape waiting for a collection).
  std::size_t handler_threads = 4;
  /// Open connections beyond which a new one is accepted and closed at once (counted as rejected); lowered
  /// to what the process's open-file limit (RLIMIT_NOFILE, read at construction) leaves room for.
  std::size_t max_connections = 4096;
  /// The whole request header must arrive within this time: from accept for the first request, from its
  /// first byte for later ones on a kept-alive connection.
  std::chrono::milliseconds header_timeout{10'000};
  /// A kept-alive connection with no new request for this long is closed.
  std::chrono::milliseconds idle_timeout{120'000};
  /// A request body must arrive within this time after its header.
  std::chrono::milliseconds body_timeout{30'000};
  /// A response must be written within this time.
  std::chrono::milliseconds write_timeout{60'000};
  /// How long stop() lets requests in progress finish before closing their connections.
  std::chrono::milliseconds stop_grace{5'000};
  /// The largest request header accepted (431 beyond).
  std::size_t max_header_bytes = 16 * 1024;
  /// TLS, basic authentication and extra response headers (--web.config.file).
  WebConfig web;
};

/// What the server has done so far; every count is cumulative except connections_open.
struct WebServerStats {
  /// Responses by status code (only codes that occurred), ascending.
  std::vector<std::pair<int, std::uint64_t>> responses_by_code;
  std::uint64_t connections_open = 0;
  std::uint64_t connections_accepted = 0;
  /// Connections closed at accept: over max_connections, or the process out of file descriptors.
  std::uint64_t connections_rejected = 0;
  /// Connections closed because a header, body, idle or write deadline passed (a WebSocket peer that did
  /// not answer a ping included).
  std::uint64_t connections_timed_out = 0;
  // WebSocket and event-stream clients, and those cut off as slow, are counted by whoever serves them (the
  // live hub: WebSocketConnection::send() says when a client was cut off), not twice.
};

/// Serves a router on a listen address. Handlers run on handler threads; everything else on the event
/// loop. Thread-safe: stats() may be called from any thread (a handler included). Copy and move are deleted.
class WebServer {
 public:
  /// A server for `router` (complete: routes are not added later); throws std::runtime_error when the TLS
  /// certificate, key or client CA cannot be loaded.
  WebServer(WebRouter router, WebServerOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  /// Serves WebSocket upgrades (RFC 6455) of requests for exactly `path`: `acceptor` answers each upgrade
  /// request with a refusal or an endpoint. A request for `path` that is not a WebSocket upgrade, and no
  /// route of the router answers, gets 426 Upgrade Required; an upgrade request for a path with no
  /// WebSocket route goes to the router like any request. Called before start(). WebSocket connections
  /// count against max_connections, and stop() closes them with 1001 (going away).
  void add_websocket(std::string path, WebSocketAcceptor acceptor, WebSocketOptions options = {});
  /// Serves GET requests for exactly `path` as Server-Sent Events (text/event-stream) with the same acceptor
  /// and endpoint as a WebSocket: each message sent becomes one event (`data:` lines), a comment line every
  /// ping_interval finds dead peers, on_text is never called, and the close code only ends the stream.
  /// Called before start(); counts against max_connections.
  void add_event_stream(std::string path, WebSocketAcceptor acceptor, WebSocketOptions options = {});
  /// Binds `listen_address` ("host:port", ":port", "[::1]:0"; port 0 picks a free port) and returns the
  /// bound port; throws std::runtime_error when it cannot be bound (a port in use is refused, not shared).
  int bind(const std::string& listen_address);
  /// Starts accepting and serving; bind() first.
  void start();
  /// Stops accepting, closes idle connections and WebSocket connections (close code 1001), lets requests in
  /// progress finish (up to stop_grace), then joins every thread. Safe to call twice.
  void stop();
  /// The bound port, or 0 before bind().
  int port() const;
  /// The counts so far.
  WebServerStats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twikit
