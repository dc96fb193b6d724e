#include "common/web_server/websocket_session.h"

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "common/web_server/stream_session.h"

namespace twikit::web_detail {
namespace {

namespace http = beast::http;
namespace websocket = beast::websocket;

// One WebSocket connection: answers the upgrade, hands each text message it reads to the endpoint and writes
// each queued message as a text frame, keeping a silent peer in check with pings.
template <class Stream>
class WebSocketSession final : public StreamSession<WebSocketSession<Stream>> {
  using Base = StreamSession<WebSocketSession<Stream>>;
  friend Base;

 public:
  WebSocketSession(SessionStart start, Stream stream)
      : Base(std::move(start), stream.get_executor()), ws_(std::move(stream)) {}

  // Registers with the server and answers the upgrade request.
  void run(http::request<http::string_body> request) {
    if (!this->register_connection()) return lowest().close();
    request_ = std::move(request);
    lowest().expires_never();  // the WebSocket stream keeps its own handshake and idle timers
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = this->options_.handshake_timeout;
    timeouts.idle_timeout = this->options_.ping_interval * 2;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(this->options_.max_message_bytes);
    ws_.set_option(websocket::stream_base::decorator([&headers = this->shared_.options.web.headers](websocket::response_type& res) {
      for (const auto& [name, value] : headers) res.set(name, value);
    }));
    ws_.async_accept(request_, [self = this->shared_from_this()](error_code ec) { self->on_accept(ec); });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(ws_); }

  void on_accept(error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) ++this->shared_.counters.timed_out;
      return lowest().close();
    }
    ++this->shared_.counters.by_code[101];
    request_ = {};
    opened_ = true;
    this->endpoint_->on_open(this->handle_);
    read();
  }

  void read() {
    ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) return finish(ec);
    if (!ws_.got_text()) {
      begin_close(websocket_close::unsupported_data, "text messages only");
    } else if (this->close_code_ == 0) {
      this->endpoint_->on_text(this->handle_, beast::buffers_to_string(read_buffer_.data()));
    }
    read_buffer_.consume(read_buffer_.size());
    read();  // until the peer's close frame or an error ends the connection
  }

  // One queued message as a text frame (StreamSession's write loop).
  template <class Handler>
  void write_message(const std::string& message, Handler&& done) {
    ws_.text(true);
    ws_.async_write(asio::buffer(message), std::forward<Handler>(done));
  }

  // The queue overflowed: a client too slow to read is closed with 1008.
  void cut_off() { begin_close(websocket_close::policy_violation, "slow client: outgoing queue full"); }

  // Starts the closing handshake once the write in progress (if any) is done; the socket is closed anyway
  // after close_timeout.
  void begin_close(int code, std::string reason) {
    if (this->ended_ || this->close_code_ != 0) return;
    this->queue_.close();
    if (!opened_) return lowest().close();  // still in the handshake: there is no WebSocket to close yet
    if (reason.size() > 123) reason.resize(123);  // a close frame's payload is at most 125 bytes
    this->close_code_ = code;
    close_reason_ = std::move(reason);
    this->arm_close_timer(code);
    if (!this->queue_.writing()) queue_drained();
  }

  // Everything queued is written and a close was requested: the close frame.
  void queue_drained() {
    if (close_sent_ || this->ended_) return;
    close_sent_ = true;
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(this->close_code_), close_reason_),
                    [self = this->shared_from_this()](error_code ec) {
                      if (ec) self->lowest().close();
                    });
  }

  // The read loop ended: the connection is over. Tells the endpoint once.
  void finish(error_code ec) {
    if (this->ended_) return;
    this->ended_ = true;
    this->queue_.drop();
    if (ec == beast::error::timeout) ++this->shared_.counters.timed_out;
    int code = 1006;  // closed without a closing handshake
    if (ec == websocket::error::closed) {
      code = ws_.reason().code != websocket::close_code::none ? static_cast<int>(ws_.reason().code) : 1005;
      if (close_sent_) code = this->close_code_;
    }
    this->write_timer_.cancel();
    this->close_timer_.cancel();
    lowest().close();
    if (opened_) this->endpoint_->on_close(this->handle_, code);
  }

  websocket::stream<Stream> ws_;
  http::request<http::string_body> request_;
  beast::flat_buffer read_buffer_;
  // On the strand only:
  bool opened_ = false;
  bool close_sent_ = false;
  std::string close_reason_;
};

}  // namespace

template <class Stream>
void start_websocket_session(SessionStart start, Stream stream, http::request<http::string_body> request) {
  start_session<WebSocketSession>(std::move(start), std::move(stream), std::move(request));
}

template void start_websocket_session<PlainStream>(SessionStart, PlainStream, http::request<http::string_body>);
template void start_websocket_session<TlsStream>(SessionStart, TlsStream, http::request<http::string_body>);

}  // namespace twikit::web_detail
