#pragma once
// RFC 6455 WebSocket as handlers see it, free of any server library: a route's acceptor decides from the
// upgrade request, an endpoint receives the connection's events, and a connection handle sends text
// without blocking. The server side lives in common/web_server/ (websocket_session.cpp, event_stream_session.cpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>

#include "common/web_message.h"

namespace twikit {

/// Close codes of RFC 6455 section 7.4.1 that the server sends.
namespace websocket_close {
/// The purpose of the connection was fulfilled.
inline constexpr int normal = 1000;
/// The server is stopping.
inline constexpr int going_away = 1001;
/// A data type the endpoint does not accept (a binary message where text is expected).
inline constexpr int unsupported_data = 1003;
/// A message that violates the endpoint's policy; sent to a client too slow to take its messages.
inline constexpr int policy_violation = 1008;
/// A message larger than the endpoint accepts.
inline constexpr int message_too_big = 1009;
}  // namespace websocket_close

/// What a WebSocket route allows each connection.
struct WebSocketOptions {
  /// The largest message a client may send; a larger one closes the connection with 1009.
  std::size_t max_message_bytes = 64 * 1024;
  /// Messages queued for sending (the one being written included) beyond which the connection is closed
  /// with 1008: a slow client is cut off and never holds back the sender.
  std::size_t max_queued_messages = 4096;
  /// Bytes queued for sending beyond which the connection is closed with 1008.
  std::size_t max_queued_bytes = 8 * 1024 * 1024;
  /// With no frame from the client for this long the server sends a ping; with none for twice this long
  /// (no pong within one more interval) it closes the connection.
  std::chrono::milliseconds ping_interval{30'000};
  /// The opening handshake must complete within this time.
  std::chrono::milliseconds handshake_timeout{10'000};
  /// One message must be written within this time, or the connection is closed.
  std::chrono::milliseconds write_timeout{30'000};
  /// How long a closing handshake may take before the socket is closed anyway.
  std::chrono::milliseconds close_timeout{5'000};
};

/// What became of a message handed to a connection.
enum class WebSocketSend {
  /// Queued; it will be written unless the connection fails first.
  queued,
  /// Not queued: the connection has ended or is closing.
  closed,
  /// Not queued: the queue was full, so the connection is being closed with 1008 (a slow client).
  overflow,
};

/// The server's side of one connection, implemented by the web server; handlers use WebSocketConnection.
class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  /// Queues `message` as a text frame without blocking.
  virtual WebSocketSend send_text(std::shared_ptr<const std::string> message) = 0;
  /// Sends what is queued, then a close frame with `code` and `reason`.
  virtual void close(int code, std::string reason) = 0;
};

/// A handle to one WebSocket connection, cheap to copy. It does not keep the connection open: once the
/// connection has ended, send_text() returns false. Thread-safe: any thread may send or close.
class WebSocketConnection {
 public:
  /// An empty handle (sends nothing).
  WebSocketConnection() = default;
  /// A handle on `channel`, numbered `id` (unique in its server) and from `peer` ("127.0.0.1:53412").
  WebSocketConnection(std::weak_ptr<WebSocketChannel> channel, std::uint64_t id, std::string peer)
      : channel_(std::move(channel)), id_(id), peer_(std::move(peer)) {}

  /// Queues `message` as a text frame and returns at once. False when the connection has ended or is
  /// closing, or when the message would take the queue past its bounds: then the connection is closed with
  /// 1008 and the queue dropped, since a client that does not read must not hold back anyone else.
  bool send_text(std::string message) const { return send_text(std::make_shared<const std::string>(std::move(message))); }
  /// The same for a message shared between many connections (sent without a copy per connection).
  bool send_text(std::shared_ptr<const std::string> message) const { return send(std::move(message)) == WebSocketSend::queued; }
  /// The same as send_text(), telling a full queue (the connection cut off as slow) from a closed connection.
  WebSocketSend send(std::shared_ptr<const std::string> message) const {
    auto channel = channel_.lock();
    return channel ? channel->send_text(std::move(message)) : WebSocketSend::closed;
  }
  /// Sends what is already queued, then closes with `code` and `reason` (at most 123 bytes are kept).
  void close(int code, std::string reason = {}) const {
    if (auto channel = channel_.lock()) channel->close(code, std::move(reason));
  }
  /// The connection's number, unique within its server.
  std::uint64_t id() const { return id_; }
  /// The client's address and port.
  const std::string& peer() const { return peer_; }

 private:
  std::weak_ptr<WebSocketChannel> channel_;
  std::uint64_t id_ = 0;
  std::string peer_;
};

/// Receives one connection's events, in order, on an event-loop thread: a callback must not block (it may
/// send and close). One endpoint serves one connection and is destroyed when that connection ends, so an
/// endpoint may hold a per-connection resource (a client slot) and release it in its destructor.
class WebSocketEndpoint {
 public:
  virtual ~WebSocketEndpoint() = default;
  /// The handshake completed; `connection` can send from now on.
  virtual void on_open(const WebSocketConnection& connection) = 0;
  /// A whole text message arrived.
  virtual void on_text(const WebSocketConnection& connection, std::string message) = 0;
  /// The connection ended (after on_open only, exactly once); `code` is the close code received or sent,
  /// 1006 when the connection ended without a closing handshake.
  virtual void on_close(const WebSocketConnection& connection, int code) = 0;
};

/// What an acceptor answers to an upgrade request: a refusal sent as an ordinary HTTP response (401, 503,
/// 400 ...), or the endpoint that takes the connection.
using WebSocketAcceptance = std::variant<WebResponse, std::shared_ptr<WebSocketEndpoint>>;

/// Decides on an upgrade request (headers, query, peer; no body); runs on a handler thread.
using WebSocketAcceptor = std::function<WebSocketAcceptance(const WebRequest& request)>;

}  // namespace twikit
