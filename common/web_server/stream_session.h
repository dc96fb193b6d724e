#pragma once
// Inside the web server: the send path that WebSocket and Server-Sent Events sessions share — a bounded queue
// any thread fills without blocking, a write loop on the connection's strand with a write deadline, and the
// grace a closing session gives its peer.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/web_server/send_queue.h"
#include "common/web_server/shared.h"

namespace twikit::web_detail {

/// The state and send path of one streaming session; `Session` (which derives from it) writes one message
/// and decides how to close:
///   beast::tcp_stream& lowest();                        the TCP stream under the session's stream
///   template <class H> void write_message(const std::string& message, H&& done);  one message on the wire
///   void queue_drained();  the queue is empty and a close was requested: end the stream
///   void cut_off();        a push overflowed the queue (a client too slow to read): close at once
///   void begin_close(int code, std::string reason);     start closing (on the strand)
/// Everything but send_text(), close() and close_when_idle() runs on the connection's strand.
template <class Session>
class StreamSession : public ConnectionBase, public WebSocketChannel, public std::enable_shared_from_this<Session> {
 public:
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;

  /// Queues `message` without blocking (any thread); starts the write loop when it was idle, and cuts the
  /// client off when the queue overflows.
  WebSocketSend send_text(std::shared_ptr<const std::string> message) override {
    switch (queue_.push(std::move(message))) {
      case SendQueue::Push::queued:
        return WebSocketSend::queued;
      case SendQueue::Push::queued_start_writing:
        asio::post(executor_, [self = this->shared_from_this()] { self->write_next(); });
        return WebSocketSend::queued;
      case SendQueue::Push::closed:
        return WebSocketSend::closed;
      case SendQueue::Push::overflow:
        break;
    }
    asio::post(executor_, [self = this->shared_from_this()] { self->cut_off(); });
    return WebSocketSend::overflow;
  }

  /// Sends what is queued, then closes with `code` and `reason` (any thread).
  void close(int code, std::string reason) override {
    if (!queue_.close()) return;  // what is queued is still sent, nothing more
    asio::post(executor_, [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->begin_close(code, std::move(reason));
    });
  }

  /// The server is stopping: closes with 1001 after what is queued (any thread).
  void close_when_idle() override {
    queue_.close();
    asio::post(executor_, [self = this->shared_from_this()] {
      self->begin_close(websocket_close::going_away, "server stopping");
    });
  }

 protected:
  StreamSession(SessionStart start, const asio::any_io_executor& executor)
      : shared_(start.shared), executor_(executor), endpoint_(std::move(start.endpoint)), options_(start.options),
        peer_(std::move(start.peer)), write_timer_(executor_), close_timer_(executor_),
        queue_(options_.max_queued_messages, options_.max_queued_bytes) {
    ++shared_.counters.open;
  }
  ~StreamSession() override {
    --shared_.counters.open;
    if (id_ != 0) shared_.remove(id_);
  }

  /// Registers with the server and makes the handle endpoints send through; false when the server is stopping.
  bool register_connection() {
    id_ = shared_.add(this->shared_from_this());
    if (id_ == 0) return false;
    handle_ = WebSocketConnection(std::weak_ptr<WebSocketChannel>(this->shared_from_this()), id_, peer_);
    return true;
  }

  /// Closes the socket when a write takes longer than the write timeout (the read loop then ends the session).
  void arm_write_timer() {
    write_timer_.expires_after(options_.write_timeout);
    write_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->lowest().close();
    });
  }

  /// Closes the socket anyway once a closing session's grace has passed: close_timeout, and no more than the
  /// server's stop grace when it is stopping (`code` 1001).
  void arm_close_timer(int code) {
    const auto grace = code == websocket_close::going_away ? std::min(options_.close_timeout, shared_.options.stop_grace)
                                                           : options_.close_timeout;
    close_timer_.expires_after(grace);
    close_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->lowest().close();
    });
  }

  /// Writes the queue's front message, then the next; once the queue is empty, a requested close goes on.
  void write_next() {
    if (ended_) queue_.drop();
    std::shared_ptr<const std::string> next = queue_.next();
    if (!next) {
      if (close_code_ != 0) self().queue_drained();
      return;
    }
    arm_write_timer();
    self().write_message(*next, [self = this->shared_from_this(), next](error_code ec, std::size_t) {
      self->write_timer_.cancel();
      if (ec) return self->lowest().close();
      self->queue_.pop(next);
      self->write_next();
    });
  }

  Shared& shared_;
  const asio::any_io_executor executor_;
  std::shared_ptr<WebSocketEndpoint> endpoint_;
  const WebSocketOptions options_;
  std::string peer_;
  asio::steady_timer write_timer_;
  asio::steady_timer close_timer_;
  SendQueue queue_;  // shared with senders on other threads
  // On the strand only:
  std::uint64_t id_ = 0;
  WebSocketConnection handle_;
  bool ended_ = false;
  int close_code_ = 0;

 private:
  Session& self() { return static_cast<Session&>(*this); }
};

/// The one way a streaming session is made: a `Session<Stream>` built from `start` and `stream`, then run
/// with `run_args` (a WebSocket's upgrade request). It keeps itself alive through its pending operations.
template <template <class> class Session, class Stream, class... RunArgs>
void start_session(SessionStart start, Stream stream, RunArgs&&... run_args) {
  std::make_shared<Session<Stream>>(std::move(start), std::move(stream))->run(std::forward<RunArgs>(run_args)...);
}

}  // namespace twikit::web_detail
