#pragma once
// Inside the web server (common/web_server/, never included by a handler): what the acceptor and every kind
// of connection share — the Boost names, the server's state and counts, and the two stream types served.

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "common/basic_auth.h"
#include "common/web_router.h"
#include "common/web_server.h"
#include "common/web_socket.h"

namespace twikit::web_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

/// A plain TCP connection with Beast's timeouts.
using PlainStream = beast::tcp_stream;
/// A TLS connection over it.
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// Counts shared by every connection (WebServerStats is made from them).
struct Counters {
  std::array<std::atomic<std::uint64_t>, 600> by_code{};
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> timed_out{0};
};

/// A path served as a WebSocket or an event stream: who decides on each client, and what it is allowed.
struct WebSocketRoute {
  WebSocketAcceptor acceptor;
  WebSocketOptions options;
  /// Server-Sent Events on a plain GET instead of a WebSocket upgrade.
  bool event_stream = false;
};

/// What stop() needs of a connection: to close it once it is not in the middle of a request.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  /// Closes the connection now if it is idle, else once its request is answered (1001 for a WebSocket).
  virtual void close_when_idle() = 0;
};

/// The server's state that connections refer to; outlives every connection. Thread-safe as marked.
struct Shared {
  /// The state of a server for `r` with `o`.
  Shared(WebRouter r, WebServerOptions o)
      : router(std::move(r)), options(std::move(o)), auth(options.web.basic_auth_users) {}

  WebRouter router;
  WebServerOptions options;
  BasicAuthenticator auth;
  Counters counters;
  std::optional<asio::thread_pool> handlers;
  std::unordered_map<std::string, WebSocketRoute> websockets;     // filled before start, then only read
  std::unordered_map<std::string, WebSocketRoute> event_streams;  // filled before start, then only read

  std::mutex mu;
  std::condition_variable all_closed;
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionBase>> connections;  // guarded by mu; stop() moves the references out
  std::uint64_t next_id = 0;                                                       // guarded by mu
  bool stopping = false;                                                           // guarded by mu

  /// Registers a connection and returns its number; 0 when the server is stopping (the connection must close).
  std::uint64_t add(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(mu);
    if (stopping) return 0;
    connections.emplace(++next_id, c);
    return next_id;
  }
  /// Forgets connection `id` (from its destructor).
  void remove(std::uint64_t id) {
    std::lock_guard lock(mu);
    connections.erase(id);
    if (connections.empty()) all_closed.notify_all();
  }
};

/// The peer's address and port ("127.0.0.1:53412", "[::1]:53412"), or "" when the socket has none.
inline std::string peer_of(const tcp::socket& socket) {
  error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return {};
  const std::string addr = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + addr + "]" : addr) + ":" + std::to_string(ep.port());
}

/// What a WebSocket or event-stream session starts from besides its stream: the server's state, the endpoint
/// that accepted the client, the route's options and the peer's address.
struct SessionStart {
  Shared& shared;                                ///< The server's state and counts.
  std::shared_ptr<WebSocketEndpoint> endpoint;  ///< Who hears the session.
  WebSocketOptions options;                      ///< The route's limits and timeouts.
  std::string peer;                              ///< The client's address.
};

}  // namespace twikit::web_detail
