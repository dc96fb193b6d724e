// The only translation unit that includes Boost.Beast/Asio: they are heavy to compile, and handlers must
// not depend on them.
#include "common/web_server.h"

#include <sys/resource.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "common/listen_address.h"
#include "common/logging.h"

namespace twikit {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr const char* kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A connection closed by the server after an early answer (413, 401) reads what the client still sends
// for this long, so that its unread bytes do not turn the close into a reset that loses the answer.
constexpr auto kLingerTime = std::chrono::milliseconds(500);
// File descriptors kept for everything but client connections (logs, outgoing fetches, the listener).
constexpr std::size_t kReservedDescriptors = 128;

// Counts shared by every connection.
struct Counters {
  std::array<std::atomic<std::uint64_t>, 600> by_code{};
  std::atomic<std::uint64_t> open{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> timed_out{0};
  std::atomic<std::uint64_t> websockets_open{0};
  std::atomic<std::uint64_t> websockets_dropped_slow{0};
};

// A path served as WebSocket: who decides on upgrades, and what each connection is allowed.
struct WebSocketRoute {
  WebSocketAcceptor acceptor;
  WebSocketOptions options;
  bool event_stream = false;  // Server-Sent Events on a plain GET instead of a WebSocket upgrade
};

// What stop() needs of a connection: to close it once it is not in the middle of a request.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void close_when_idle() = 0;
};

// The server's state that connections refer to; outlives every connection.
struct Shared {
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
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionBase>> connections;  // guarded by mu
  std::uint64_t next_id = 0;                                                       // guarded by mu
  bool stopping = false;                                                           // guarded by mu

  // Registers a connection; 0 when the server is stopping (the connection must close).
  std::uint64_t add(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(mu);
    if (stopping) return 0;
    connections.emplace(++next_id, c);
    return next_id;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mu);
    connections.erase(id);
    if (connections.empty()) all_closed.notify_all();
  }
};

std::string peer_of(const tcp::socket& socket) {
  error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return {};
  const std::string addr = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + addr + "]" : addr) + ":" + std::to_string(ep.port());
}

// The outgoing messages of one WebSocket or event-stream connection: filled by any thread without blocking,
// drained by the connection's write loop on its strand. Bounded in messages and bytes; a push beyond either
// bound drops the queue and marks the connection closing (the caller closes it).
class SendQueue {
 public:
  enum class Push { queued, queued_start_writing, closed, overflow };

  SendQueue(std::size_t max_messages, std::size_t max_bytes) : max_messages_(max_messages), max_bytes_(max_bytes) {}

  Push push(std::shared_ptr<const std::string> message) {
    std::lock_guard lock(mu_);
    if (closing_) return Push::closed;
    if (queue_.size() + 1 > max_messages_ || bytes_ + message->size() > max_bytes_) {
      closing_ = true;
      queue_.clear();  // a write in progress keeps its own message alive
      bytes_ = 0;
      return Push::overflow;
    }
    bytes_ += message->size();
    queue_.push_back(std::move(message));
    if (writing_) return Push::queued;
    writing_ = true;
    return Push::queued_start_writing;
  }
  // The message to write next, or nullptr when there is none (the write loop then stops until a push
  // starts it again).
  std::shared_ptr<const std::string> next() {
    std::lock_guard lock(mu_);
    if (queue_.empty()) {
      writing_ = false;
      return nullptr;
    }
    return queue_.front();
  }
  // Removes `written` (the front, unless the queue was dropped meanwhile).
  void pop(const std::shared_ptr<const std::string>& written) {
    std::lock_guard lock(mu_);
    if (!queue_.empty() && queue_.front() == written) {
      bytes_ -= written->size();
      queue_.pop_front();
    }
  }
  // Marks the write loop as running (before the connection's first write that is not from the queue).
  void hold_writing() {
    std::lock_guard lock(mu_);
    writing_ = true;
  }
  // Refuses further pushes; false when that was already so.
  bool close() {
    std::lock_guard lock(mu_);
    return !std::exchange(closing_, true);
  }
  // Refuses further pushes and drops what is queued.
  void drop() {
    std::lock_guard lock(mu_);
    closing_ = true;
    queue_.clear();
    bytes_ = 0;
  }
  // Whether the write loop is running.
  bool writing() const {
    std::lock_guard lock(mu_);
    return writing_;
  }

 private:
  const std::size_t max_messages_;
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // guarded by mu_; the front is being written
  std::size_t bytes_ = 0;                                 // guarded by mu_
  bool writing_ = false;                                  // guarded by mu_: a write loop is scheduled or running
  bool closing_ = false;                                  // guarded by mu_: pushes are refused
};

// One WebSocket connection after the upgrade: a read loop handing text messages to the endpoint, and a
// write loop draining a bounded queue that any thread fills through send_text(). Runs on the strand the
// HTTP connection had; only the queue is shared with other threads, under mu_, and never across I/O.
template <class Stream>
class WebSocketSession final : public ConnectionBase,
                               public WebSocketChannel,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(Shared& shared, Stream stream, std::shared_ptr<WebSocketEndpoint> endpoint,
                   const WebSocketOptions& options, std::string peer)
      : shared_(shared), ws_(std::move(stream)), executor_(ws_.get_executor()), endpoint_(std::move(endpoint)),
        options_(options), peer_(std::move(peer)), write_timer_(executor_), close_timer_(executor_),
        queue_(options.max_queued_messages, options.max_queued_bytes) {
    ++shared_.counters.open;
    ++shared_.counters.websockets_open;
  }
  ~WebSocketSession() override {
    --shared_.counters.websockets_open;
    --shared_.counters.open;
    if (id_ != 0) shared_.remove(id_);
  }
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // Registers with the server and answers the upgrade request.
  void run(http::request<http::string_body> request) {
    id_ = shared_.add(this->shared_from_this());
    if (id_ == 0) return lowest().close();
    handle_ = WebSocketConnection(std::weak_ptr<WebSocketChannel>(this->shared_from_this()), id_, peer_);
    request_ = std::move(request);
    lowest().expires_never();  // the WebSocket stream keeps its own handshake and idle timers
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = options_.ping_interval * 2;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(options_.max_message_bytes);
    ws_.set_option(websocket::stream_base::decorator([&headers = shared_.options.web.headers](websocket::response_type& res) {
      for (const auto& [name, value] : headers) res.set(name, value);
    }));
    ws_.async_accept(request_, [self = this->shared_from_this()](error_code ec) { self->on_accept(ec); });
  }

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
    ++shared_.counters.websockets_dropped_slow;
    asio::post(executor_, [self = this->shared_from_this()] {
      self->begin_close(websocket_close::policy_violation, "slow client: outgoing queue full");
    });
    return WebSocketSend::overflow;
  }

  void close(int code, std::string reason) override {
    if (!queue_.close()) return;  // what is queued is still sent, nothing more
    asio::post(executor_, [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->begin_close(code, std::move(reason));
    });
  }

  void close_when_idle() override {
    queue_.close();
    asio::post(executor_, [self = this->shared_from_this()] {
      self->begin_close(websocket_close::going_away, "server stopping");
    });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(ws_); }

  void on_accept(error_code ec) {
    if (ec) {
      if (ec == beast::error::timeout) ++shared_.counters.timed_out;
      return lowest().close();
    }
    ++shared_.counters.by_code[101];
    request_ = {};
    opened_ = true;
    endpoint_->on_open(handle_);
    read();
  }

  void read() {
    ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) return finish(ec);
    if (!ws_.got_text()) {
      begin_close(websocket_close::unsupported_data, "text messages only");
    } else if (close_code_ == 0) {
      endpoint_->on_text(handle_, beast::buffers_to_string(read_buffer_.data()));
    }
    read_buffer_.consume(read_buffer_.size());
    read();  // until the peer's close frame or an error ends the connection
  }

  // Writes the queue's front message, then the next; once the queue is empty, a requested close is sent.
  void write_next() {
    if (ended_) queue_.drop();
    std::shared_ptr<const std::string> next = queue_.next();
    if (!next) {
      if (close_code_ != 0) send_close();
      return;
    }
    write_timer_.expires_after(options_.write_timeout);
    write_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->lowest().close();  // the read loop ends the connection
    });
    ws_.text(true);
    ws_.async_write(asio::buffer(*next), [self = this->shared_from_this(), next](error_code ec, std::size_t) {
      self->write_timer_.cancel();
      if (ec) return self->lowest().close();
      self->queue_.pop(next);
      self->write_next();
    });
  }

  // Starts the closing handshake once the write in progress (if any) is done; the socket is closed anyway
  // after close_timeout.
  void begin_close(int code, std::string reason) {
    if (ended_ || close_code_ != 0) return;
    queue_.close();
    if (!opened_) return lowest().close();  // still in the handshake: there is no WebSocket to close yet
    if (reason.size() > 123) reason.resize(123);  // a close frame's payload is at most 125 bytes
    close_code_ = code;
    close_reason_ = std::move(reason);
    const auto grace = code == websocket_close::going_away ? std::min(options_.close_timeout, shared_.options.stop_grace)
                                                           : options_.close_timeout;
    close_timer_.expires_after(grace);
    close_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->lowest().close();
    });
    if (!queue_.writing()) send_close();
  }

  void send_close() {
    if (close_sent_ || ended_) return;
    close_sent_ = true;
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
                    [self = this->shared_from_this()](error_code ec) {
                      if (ec) self->lowest().close();
                    });
  }

  // The read loop ended: the connection is over. Tells the endpoint once.
  void finish(error_code ec) {
    if (ended_) return;
    ended_ = true;
    queue_.drop();
    if (ec == beast::error::timeout) ++shared_.counters.timed_out;
    int code = 1006;  // closed without a closing handshake
    if (ec == websocket::error::closed) {
      code = ws_.reason().code != websocket::close_code::none ? static_cast<int>(ws_.reason().code) : 1005;
      if (close_sent_) code = close_code_;
    }
    write_timer_.cancel();
    close_timer_.cancel();
    lowest().close();
    if (opened_) endpoint_->on_close(handle_, code);
  }

  Shared& shared_;
  websocket::stream<Stream> ws_;
  const asio::any_io_executor executor_;
  std::shared_ptr<WebSocketEndpoint> endpoint_;
  const WebSocketOptions options_;
  std::string peer_;
  asio::steady_timer write_timer_;
  asio::steady_timer close_timer_;
  std::uint64_t id_ = 0;
  WebSocketConnection handle_;
  http::request<http::string_body> request_;
  beast::flat_buffer read_buffer_;
  SendQueue queue_;  // shared with senders on other threads
  // On the strand only:
  bool opened_ = false;
  bool ended_ = false;
  bool close_sent_ = false;
  int close_code_ = 0;
  std::string close_reason_;
};

// One Server-Sent Events stream (text/event-stream): the same endpoint and connection handle as a WebSocket,
// each message written as `data:` lines, with a comment line every ping_interval so that a dead peer is
// found by a failing or timed-out write. The client sends nothing after its request; its closing the
// connection ends the stream.
template <class Stream>
class EventStreamSession final : public ConnectionBase,
                                 public WebSocketChannel,
                                 public std::enable_shared_from_this<EventStreamSession<Stream>> {
 public:
  EventStreamSession(Shared& shared, Stream stream, std::shared_ptr<WebSocketEndpoint> endpoint,
                     const WebSocketOptions& options, std::string peer)
      : shared_(shared), stream_(std::move(stream)), executor_(stream_.get_executor()), endpoint_(std::move(endpoint)),
        options_(options), peer_(std::move(peer)), write_timer_(executor_), close_timer_(executor_),
        heartbeat_timer_(executor_), queue_(options.max_queued_messages, options.max_queued_bytes) {
    ++shared_.counters.open;
    ++shared_.counters.websockets_open;
  }
  ~EventStreamSession() override {
    --shared_.counters.websockets_open;
    --shared_.counters.open;
    if (id_ != 0) shared_.remove(id_);
  }
  EventStreamSession(const EventStreamSession&) = delete;
  EventStreamSession& operator=(const EventStreamSession&) = delete;

  // Registers with the server, writes the response header, then opens the endpoint.
  void run() {
    id_ = shared_.add(this->shared_from_this());
    if (id_ == 0) return lowest().close();
    handle_ = WebSocketConnection(std::weak_ptr<WebSocketChannel>(this->shared_from_this()), id_, peer_);
    head_ = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nX-Accel-Buffering: no\r\n";
    for (const auto& [name, value] : shared_.options.web.headers) head_ += name + ": " + value + "\r\n";
    head_ += "Connection: close\r\n\r\n";  // the body ends when the connection does
    ++shared_.counters.by_code[200];
    queue_.hold_writing();  // messages sent from on_open wait for the header
    endpoint_->on_open(handle_);
    arm_write_timer();
    asio::async_write(stream_, asio::buffer(head_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->write_timer_.cancel();
      if (ec) return self->lowest().close();
      self->write_next();
    });
    read();
    heartbeat();
  }

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
    ++shared_.counters.websockets_dropped_slow;
    asio::post(executor_, [self = this->shared_from_this()] { self->lowest().close(); });  // nothing more is sent
    return WebSocketSend::overflow;
  }

  void close(int code, std::string) override {
    if (!queue_.close()) return;
    asio::post(executor_, [self = this->shared_from_this(), code] { self->begin_close(code); });
  }

  void close_when_idle() override {
    queue_.close();
    asio::post(executor_, [self = this->shared_from_this()] { self->begin_close(websocket_close::going_away); });
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void arm_write_timer() {
    write_timer_.expires_after(options_.write_timeout);
    write_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->lowest().close();
    });
  }

  // Reads (and ignores) what the client sends, to learn when it goes away.
  void read() {
    drain_.resize(1024);
    stream_.async_read_some(asio::buffer(drain_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->finish();
      self->read();
    });
  }

  void heartbeat() {
    heartbeat_timer_.expires_after(options_.ping_interval);
    heartbeat_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (ec || self->ended_) return;
      self->send_text(self->heartbeat_message_);  // a comment line: ignored by clients, it proves the peer still reads
      self->heartbeat();
    });
  }

  void write_next() {
    if (ended_) queue_.drop();
    std::shared_ptr<const std::string> next = queue_.next();
    if (!next) {
      if (close_code_ != 0) lowest().close();
      return;
    }
    // data: lines, one per line of the message (JSON text has none but its own), then a blank line.
    frame_.clear();
    buffers_.clear();
    if (next == heartbeat_message_) {
      buffers_.push_back(asio::buffer(*next));  // a comment, written as is
    } else if (next->find('\n') == std::string::npos) {
      buffers_.push_back(asio::buffer("data: ", 6));
      buffers_.push_back(asio::buffer(*next));
      buffers_.push_back(asio::buffer("\n\n", 2));
    } else {
      std::string_view rest(*next);
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
    arm_write_timer();
    asio::async_write(stream_, buffers_, [self = this->shared_from_this(), next](error_code ec, std::size_t) {
      self->write_timer_.cancel();
      if (ec) return self->lowest().close();
      self->queue_.pop(next);
      self->write_next();
    });
  }

  void begin_close(int code) {
    if (ended_ || close_code_ != 0) return;
    queue_.close();
    close_code_ = code;
    const auto grace = code == websocket_close::going_away ? std::min(options_.close_timeout, shared_.options.stop_grace)
                                                           : options_.close_timeout;
    close_timer_.expires_after(grace);
    close_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->lowest().close();
    });
    if (!queue_.writing()) lowest().close();
  }

  void finish() {
    if (ended_) return;
    ended_ = true;
    queue_.drop();
    write_timer_.cancel();
    close_timer_.cancel();
    heartbeat_timer_.cancel();
    lowest().close();
    endpoint_->on_close(handle_, close_code_ != 0 ? close_code_ : 1006);
  }

  Shared& shared_;
  Stream stream_;
  const asio::any_io_executor executor_;
  std::shared_ptr<WebSocketEndpoint> endpoint_;
  const WebSocketOptions options_;
  std::string peer_;
  asio::steady_timer write_timer_;
  asio::steady_timer close_timer_;
  asio::steady_timer heartbeat_timer_;
  SendQueue queue_;  // shared with senders on other threads
  // On the strand only:
  std::uint64_t id_ = 0;
  WebSocketConnection handle_;
  std::string head_;
  std::string frame_;
  std::vector<asio::const_buffer> buffers_;
  std::string drain_;
  const std::shared_ptr<const std::string> heartbeat_message_ = std::make_shared<const std::string>(":\n\n");
  bool ended_ = false;
  int close_code_ = 0;
};

// One client connection: reads requests one after another (keep-alive), routes them, writes the answers.
// Runs on its own strand; the handler runs on a handler thread while the connection waits for it.
template <class Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(Shared& shared, Stream stream, std::string peer)
      : shared_(shared), stream_(std::move(stream)), executor_(stream_.get_executor()), peer_(std::move(peer)),
        buffer_(shared.options.max_header_bytes + 8192) {
    ++shared_.counters.open;
  }
  ~Connection() override {
    --shared_.counters.open;
    if (id_ != 0) shared_.remove(id_);
  }

  // Registers with the server and starts (with the TLS handshake when Stream is a TLS stream).
  void run() {
    id_ = shared_.add(this->shared_from_this());
    if (id_ == 0) return lowest().close();
    lowest().expires_after(shared_.options.header_timeout);
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) return self->fail(ec);
                                self->read_header();
                              });
    } else {
      read_header();
    }
  }

  void close_when_idle() override {
    asio::dispatch(executor_, [self = this->shared_from_this()] {
      self->stopping_ = true;
      if (!self->busy_ && !self->upgraded_) self->lowest().close();
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void fail(error_code ec) {
    if (ec == beast::error::timeout) ++shared_.counters.timed_out;
    lowest().close();
  }

  // A kept-alive connection: wait (idle timeout) for the next request's first bytes, then read its header.
  void await_next_request() {
    busy_ = false;
    if (stopping_) return lowest().close();
    if (buffer_.size() > 0) {  // pipelined: the next request is already here
      lowest().expires_after(shared_.options.header_timeout);
      return read_header();
    }
    lowest().expires_after(shared_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(1024), [self = this->shared_from_this()](error_code ec, std::size_t n) {
      if (ec) return self->fail(ec);
      self->buffer_.commit(n);
      self->lowest().expires_after(self->shared_.options.header_timeout);
      self->read_header();
    });
  }

  // Reads a request header; the deadline was set by the caller.
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
    parser_->body_limit(boost::none);  // the route's limit is applied once the route is known
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    request_ = WebRequest{};
    if (ec == http::error::header_limit) return respond(web_error(431, WebErrorFormat::plain, "Request Header Fields Too Large"), false);
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return respond(web_error(400, WebErrorFormat::plain), false);
    }
    if (ec) return fail(ec);
    busy_ = true;
    const auto& msg = parser_->get();
    request_.method = std::string(msg.method_string());
    const std::string_view target = msg.target();
    const auto q = target.find('?');
    request_.path = percent_decode(target.substr(0, q), false);
    if (q != std::string_view::npos) {
      request_.raw_query = std::string(target.substr(q + 1));
      request_.query = parse_query(request_.raw_query);
    }
    for (const auto& field : msg) request_.headers.add(std::string(field.name_string()), std::string(field.value()));
    request_.peer = peer_;
    keep_alive_ = parser_->keep_alive() && !stopping_;
    http10_ = msg.version() < 11;
    const bool body_pending = !parser_->is_done();

    if (!shared_.auth.allows(request_.headers.get("Authorization"))) {
      WebResponse res = web_error(401, WebErrorFormat::plain);
      res.headers.set("WWW-Authenticate", "Basic");
      return respond(std::move(res), keep_alive_ && !body_pending);
    }
    if (parser_->upgrade() && try_upgrade()) return;
    if (request_.method == "GET" && !body_pending) {
      if (const auto it = shared_.event_streams.find(request_.path); it != shared_.event_streams.end()) {
        return ask_acceptor(it->second);
      }
    }
    std::optional<std::uint64_t> length;
    if (const auto n = parser_->content_length()) length = *n;
    auto admission = shared_.router.admit(request_, length);
    if (auto* error = std::get_if<WebResponse>(&admission)) {
      if (error->status == 404 && shared_.websockets.count(request_.path) != 0) {
        // RFC 6455 4.2.2 / RFC 9110 15.5.22: the resource is there, over WebSocket only.
        *error = web_error(426, WebErrorFormat::plain, "Upgrade Required: this resource speaks WebSocket");
        error->headers.set("Upgrade", "websocket");
        error->headers.set("Sec-WebSocket-Version", "13");
      }
      return respond(std::move(*error), keep_alive_ && !body_pending);
    }
    admission_ = std::get<WebAdmission>(admission);
    if (!body_pending) return dispatch();
    parser_->body_limit(admission_.max_body_bytes);
    lowest().expires_after(shared_.options.body_timeout);
    if (iequals(request_.headers.get("Expect"), "100-continue")) {
      asio::async_write(stream_, asio::buffer(kContinue, std::char_traits<char>::length(kContinue)),
                        [self = this->shared_from_this()](error_code ec2, std::size_t) {
                          if (ec2) return self->fail(ec2);
                          self->read_body();
                        });
    } else {
      read_body();
    }
  }

  // A WebSocket upgrade of a WebSocket route: asks the route's acceptor on a handler thread, then either
  // answers its refusal or hands the stream and the request to a WebSocketSession. Other upgrade requests
  // are answered like any other request (the route, if any, sees the Upgrade header).
  bool try_upgrade() {
    const auto it = shared_.websockets.find(request_.path);
    if (it == shared_.websockets.end() || !websocket::is_upgrade(parser_->get())) return false;
    ask_acceptor(it->second);
    return true;
  }

  // Asks `route`'s acceptor on a handler thread, then goes on on the strand.
  void ask_acceptor(const WebSocketRoute& route_ref) {
    const WebSocketRoute* route = &route_ref;
    lowest().expires_never();
    asio::post(*shared_.handlers, [self = this->shared_from_this(), route] {
      WebSocketAcceptance acceptance;
      try {
        acceptance = route->acceptor(self->request_);
      } catch (const std::exception& e) {
        logger("web")->error("websocket acceptor failed path={} err={}", logfmt_value(self->request_.path), logfmt_value(e.what()));
        acceptance = web_error(500, WebErrorFormat::plain);
      }
      asio::post(self->executor_, [self, route, acceptance = std::move(acceptance)]() mutable {
        self->on_acceptance(*route, std::move(acceptance));
      });
    });
  }

  void on_acceptance(const WebSocketRoute& route, WebSocketAcceptance acceptance) {
    if (auto* refusal = std::get_if<WebResponse>(&acceptance)) return respond(std::move(*refusal), false);
    auto endpoint = std::get<std::shared_ptr<WebSocketEndpoint>>(std::move(acceptance));
    if (stopping_ || !endpoint) return respond(web_error(503, WebErrorFormat::plain), false);
    upgraded_ = true;
    if (route.event_stream) {
      parser_.reset();
      return std::make_shared<EventStreamSession<Stream>>(shared_, std::move(stream_), std::move(endpoint),
                                                          route.options, peer_)
          ->run();
    }
    auto session = std::make_shared<WebSocketSession<Stream>>(shared_, std::move(stream_), std::move(endpoint),
                                                              route.options, peer_);
    auto request = parser_->release();
    parser_.reset();
    session->run(std::move(request));
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec == http::error::body_limit) return self->respond(web_error(413, self->admission_.errors), false);
      if (ec) return self->fail(ec);
      self->request_.body = std::move(self->parser_->get().body());
      self->dispatch();
    });
  }

  // Runs the handler on a handler thread; the connection does nothing until it answers.
  void dispatch() {
    lowest().expires_never();
    parser_.reset();
    asio::post(*shared_.handlers, [self = this->shared_from_this()] {
      WebResponse res = self->shared_.router.handle(self->request_);
      asio::post(self->executor_, [self, res = std::move(res)]() mutable {
        self->respond(std::move(res), self->keep_alive_ && !self->stopping_);
      });
    });
  }

  void respond(WebResponse res, bool keep_alive) {
    busy_ = true;
    keep_alive_ = keep_alive;
    if (res.status >= 100 && res.status < 600) ++shared_.counters.by_code[static_cast<std::size_t>(res.status)];
    for (const auto& [name, value] : shared_.options.web.headers) res.headers.set(name, value);
    const bool head = request_.method == "HEAD";
    std::string length = res.headers.get("Content-Length");
    if (!head || length.empty()) length = std::to_string(res.body_size());
    res.headers.remove("Content-Length");
    res.headers.remove("Connection");

    head_.clear();
    head_ += "HTTP/1.1 ";
    head_ += std::to_string(res.status);
    head_ += ' ';
    head_ += http::obsolete_reason(http::int_to_status(static_cast<unsigned>(res.status)));
    head_ += "\r\n";
    for (const auto& [name, value] : res.headers.fields()) {
      head_ += name;
      head_ += ": ";
      head_ += value;
      head_ += "\r\n";
    }
    head_ += "Content-Length: " + length + "\r\n";
    if (!keep_alive) {
      head_ += "Connection: close\r\n";
    } else if (http10_) {
      head_ += "Connection: keep-alive\r\n";
    }
    head_ += "\r\n";
    response_ = std::move(res);
    buffers_.clear();
    buffers_.emplace_back(head_.data(), head_.size());
    if (!head) {
      for (auto part : response_.body_parts()) buffers_.emplace_back(part.data(), part.size());
    }
    lowest().expires_after(shared_.options.write_timeout);
    asio::async_write(stream_, buffers_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      self->response_ = WebResponse{};
      if (ec) return self->fail(ec);
      if (!self->keep_alive_) return self->linger_and_close();
      self->await_next_request();
    });
  }

  // Half-closes, then discards what the client still sends for a moment before closing.
  void linger_and_close() {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLingerTime);
    drain_.resize(4096);
    drain();
  }

  void drain() {
    lowest().async_read_some(asio::buffer(drain_), [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec) return self->lowest().close();
      self->drain();
    });
  }

  Shared& shared_;
  Stream stream_;                         // moved into a WebSocketSession on upgrade
  const asio::any_io_executor executor_;  // the connection's strand, kept when stream_ is moved out
  std::string peer_;
  std::uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  WebRequest request_;
  WebAdmission admission_;
  WebResponse response_;
  std::string head_;
  std::vector<asio::const_buffer> buffers_;
  std::string drain_;
  bool keep_alive_ = false;
  bool http10_ = false;
  bool busy_ = false;      // from a request's header to the end of its answer
  bool stopping_ = false;  // the server is stopping: no further request on this connection
  bool upgraded_ = false;  // the stream belongs to a WebSocketSession now
};

std::unique_ptr<asio::ssl::context> make_tls_context(const TlsServerConfig& tls) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  // exporter-toolkit's default minimum is TLS 1.2.
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  try {
    ctx->use_certificate_chain_file(tls.cert_file);
    ctx->use_private_key_file(tls.key_file, asio::ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot load TLS certificate " + tls.cert_file + " or key " + tls.key_file + ": " +
                             e.what());
  }
  if (!tls.client_ca_file.empty()) {
    try {
      ctx->load_verify_file(tls.client_ca_file);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot load TLS client CA " + tls.client_ca_file + ": " + e.what());
    }
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

// The process's soft limit on open files.
std::size_t open_file_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  return lim.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<std::size_t>(lim.rlim_cur);
}

}  // namespace

class WebServer::Impl {
 public:
  Impl(WebRouter router, WebServerOptions options)
      : shared_(std::move(router), std::move(options)), acceptor_(asio::make_strand(ioc_)),
        retry_(acceptor_.get_executor()) {
    if (shared_.options.web.tls) tls_ = make_tls_context(*shared_.options.web.tls);
    const std::size_t files = open_file_limit();
    const std::size_t fit = files > kReservedDescriptors * 2 ? files - kReservedDescriptors : files / 2;
    if (shared_.options.max_connections > fit) shared_.options.max_connections = fit;
  }

  ~Impl() { stop(); }

  int bind(const std::string& listen_address) {
    const ListenAddress addr = parse_listen_address(listen_address);
    error_code ec;
    const auto ip = asio::ip::make_address(addr.host, ec);
    if (ec) throw std::runtime_error("cannot listen on " + listen_address + ": not an IP address");
    const tcp::endpoint ep(ip, static_cast<unsigned short>(addr.port));
    acceptor_.open(ep.protocol(), ec);
    // SO_REUSEADDR allows a quick restart and still refuses a port another socket is bound to.
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("cannot listen on " + listen_address + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return port_;
  }

  void start() {
    shared_.handlers.emplace(shared_.options.handler_threads);
    accept();
    for (std::size_t i = 0; i < shared_.options.io_threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }

  void stop() {
    if (threads_.empty() || stopped_) return;
    stopped_ = true;
    asio::post(acceptor_.get_executor(), [this] {
      error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
    });
    std::vector<std::shared_ptr<ConnectionBase>> open;
    {
      std::lock_guard lock(shared_.mu);
      shared_.stopping = true;
      for (auto& [id, weak] : shared_.connections) {
        if (auto c = weak.lock()) open.push_back(std::move(c));
      }
    }
    for (auto& c : open) c->close_when_idle();
    open.clear();
    {
      std::unique_lock lock(shared_.mu);
      shared_.all_closed.wait_for(lock, shared_.options.stop_grace, [this] { return shared_.connections.empty(); });
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    shared_.handlers->join();
  }

  int port() const { return port_; }

  void add_websocket(std::string path, WebSocketAcceptor acceptor, WebSocketOptions options) {
    if (!threads_.empty()) throw std::logic_error("WebServer::add_websocket after start");
    shared_.websockets.insert_or_assign(std::move(path), WebSocketRoute{std::move(acceptor), options, false});
  }

  void add_event_stream(std::string path, WebSocketAcceptor acceptor, WebSocketOptions options) {
    if (!threads_.empty()) throw std::logic_error("WebServer::add_event_stream after start");
    shared_.event_streams.insert_or_assign(std::move(path), WebSocketRoute{std::move(acceptor), options, true});
  }

  WebServerStats stats() const {
    WebServerStats s;
    for (std::size_t code = 0; code < shared_.counters.by_code.size(); ++code) {
      const std::uint64_t n = shared_.counters.by_code[code].load(std::memory_order_relaxed);
      if (n > 0) s.responses_by_code.emplace_back(static_cast<int>(code), n);
    }
    s.connections_open = shared_.counters.open.load();
    s.connections_accepted = shared_.counters.accepted.load();
    s.connections_rejected = shared_.counters.rejected.load();
    s.connections_timed_out = shared_.counters.timed_out.load();
    s.websockets_open = shared_.counters.websockets_open.load();
    s.websockets_dropped_slow = shared_.counters.websockets_dropped_slow.load();
    return s;
  }

 private:
  void accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        // Out of file descriptors (or another transient failure): the pending connection stays queued in
        // the kernel; try again shortly rather than spinning.
        ++shared_.counters.rejected;
        logger("web")->warn("accept failed err={}", logfmt_value(ec.message()));
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      on_accept(std::move(socket));
      accept();
    });
  }

  void on_accept(tcp::socket socket) {
    if (shared_.counters.open.load() >= shared_.options.max_connections) {
      ++shared_.counters.rejected;
      error_code ignored;
      socket.close(ignored);
      return;
    }
    ++shared_.counters.accepted;
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::string peer = peer_of(socket);
    if (tls_) {
      using TlsStream = beast::ssl_stream<beast::tcp_stream>;
      std::make_shared<Connection<TlsStream>>(shared_, TlsStream(beast::tcp_stream(std::move(socket)), *tls_),
                                              std::move(peer))
          ->run();
    } else {
      std::make_shared<Connection<beast::tcp_stream>>(shared_, beast::tcp_stream(std::move(socket)), std::move(peer))
          ->run();
    }
  }

  Shared shared_;  // first: outlives the event loop and the connections its queued handlers hold
  std::unique_ptr<asio::ssl::context> tls_;
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{ioc_.get_executor()};
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  bool stopped_ = false;
};

WebServer::WebServer(WebRouter router, WebServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(router), std::move(options))) {}

WebServer::~WebServer() = default;

int WebServer::bind(const std::string& listen_address) { return impl_->bind(listen_address); }

void WebServer::start() { impl_->start(); }

void WebServer::stop() { impl_->stop(); }

int WebServer::port() const { return impl_->port(); }

void WebServer::add_websocket(std::string path, WebSocketAcceptor acceptor, WebSocketOptions options) {
  impl_->add_websocket(std::move(path), std::move(acceptor), options);
}

void WebServer::add_event_stream(std::string path, WebSocketAcceptor acceptor, WebSocketOptions options) {
  impl_->add_event_stream(std::move(path), std::move(acceptor), options);
}

WebServerStats WebServer::stats() const { return impl_->stats(); }

}  // namespace twikit
