#include "common/web_server/event_stream_session.h"

#include <string_view>
#include <vector>

#include <boost/asio/write.hpp>

#include "common/web_server/stream_session.h"

namespace twikit::web_detail {
namespace {

// One Server-Sent Events response: writes the header, then each queued message as `data:` lines and a comment
// line every ping_interval, until the client goes away.
template <class Stream>
class EventStreamSession final : public StreamSession<EventStreamSession<Stream>> {
  using Base = StreamSession<EventStreamSession<Stream>>;
  friend Base;

 public:
  EventStreamSession(SessionStart start, Stream stream)
      : Base(std::move(start), stream.get_executor()), stream_(std::move(stream)),
        heartbeat_timer_(this->executor_) {}

  // Registers with the server, writes the response header, then opens the endpoint.
  void run() {
    if (!this->register_connection()) return lowest().close();
    head_ = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no\r\n";
    for (const auto& [name, value] : this->shared_.options.web.headers) head_ += name + ": " + value + "\r\n";
    head_ += "Connection: close\r\n\r\n";  // the body ends when the connection does
    ++this->shared_.counters.by_code[200];
    this->queue_.hold_writing();  // messages sent from on_open wait for the header
    this->endpoint_->on_open(this->handle_);
    this->arm_write_timer();
    asio::async_write(stream_, asio::buffer(head_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->write_timer_.cancel();
      if (ec) return self->lowest().close();
      self->write_next();
    });
    read();
    heartbeat();
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // Reads (and ignores) what the client sends, to learn when it goes away.
  void read() {
    drain_.resize(1024);
    stream_.async_read_some(asio::buffer(drain_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->finish();
      self->read();
    });
  }

  void heartbeat() {
    heartbeat_timer_.expires_after(this->options_.ping_interval);
    heartbeat_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (ec || self->ended_) return;
      self->send_text(self->heartbeat_message_);  // a comment line: ignored by clients, it proves the peer still reads
      self->heartbeat();
    });
  }

  // One queued message as an event (StreamSession's write loop): data: lines, one per line of the message
  // (JSON text has none but its own), then a blank line; the heartbeat comment as it is.
  template <class Handler>
  void write_message(const std::string& message, Handler&& done) {
    frame_.clear();
    buffers_.clear();
    if (&message == heartbeat_message_.get()) {
      buffers_.push_back(asio::buffer(message));
    } else if (message.find('\n') == std::string::npos) {
      buffers_.push_back(asio::buffer("data: ", 6));
      buffers_.push_back(asio::buffer(message));
      buffers_.push_back(asio::buffer("\n\n", 2));
    } else {
      std::string_view rest(message);
      while (true) {
        const auto nl = rest.find('\n');
        frame_ += "data: ";
        frame_ += rest.substr(0, nl);
        frame_ += '\n';
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
      }
      frame_ += '\n';
      buffers_.push_back(asio::buffer(frame_));
    }
    asio::async_write(stream_, buffers_, std::forward<Handler>(done));
  }

  // The queue overflowed: a client too slow to read is disconnected, nothing more is sent.
  void cut_off() { lowest().close(); }

  // The stream has no closing handshake: it ends once what is queued is written (or close_timeout passed).
  void begin_close(int code, std::string) {
    if (this->ended_ || this->close_code_ != 0) return;
    this->queue_.close();
    this->close_code_ = code;
    this->arm_close_timer(code);
    if (!this->queue_.writing()) queue_drained();
  }

  void queue_drained() { lowest().close(); }

  void finish() {
    if (this->ended_) return;
    this->ended_ = true;
    this->queue_.drop();
    this->write_timer_.cancel();
    this->close_timer_.cancel();
    heartbeat_timer_.cancel();
    lowest().close();
    this->endpoint_->on_close(this->handle_, this->close_code_ != 0 ? this->close_code_ : 1006);
  }

  Stream stream_;
  asio::steady_timer heartbeat_timer_;
  // On the strand only:
  std::string head_;
  std::string frame_;
  std::vector<asio::const_buffer> buffers_;
  std::string drain_;
  const std::shared_ptr<const std::string> heartbeat_message_ = std::make_shared<const std::string>(":\n\n");
};

}  // namespace

template <class Stream>
void start_event_stream_session(SessionStart start, Stream stream) {
  start_session<EventStreamSession>(std::move(start), std::move(stream));
}

template void start_event_stream_session<PlainStream>(SessionStart, PlainStream);
template void start_event_stream_session<TlsStream>(SessionStart, TlsStream);

}  // namespace twikit::web_detail
