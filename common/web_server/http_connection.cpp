#include "common/web_server/http_connection.h"

#include <chrono>
#include <optional>
#include <type_traits>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "common/logging.h"
#include "common/web_server/event_stream_session.h"
#include "common/web_server/websocket_session.h"

namespace twikit::web_detail {
namespace {

namespace http = beast::http;
namespace websocket = beast::websocket;

constexpr const char* kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A connection closed by the server after an early answer (413, 401) reads what the client still sends
// for this long, so that its unread bytes do not turn the close into a reset that loses the answer.
constexpr auto kLingerTime = std::chrono::milliseconds(500);

// One client connection: reads requests one after another (keep-alive), routes them, writes the answers.
// Runs on its own strand; the handler runs on a handler thread while the connection waits for it.
template <class Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(Shared& shared, Stream stream, std::string peer)
      : shared_(shared), stream_(std::move(stream)), executor_(stream_.get_executor()),
        loop_(static_cast<asio::io_context&>(asio::query(executor_, asio::execution::context)).get_executor()),
        peer_(std::move(peer)),
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
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

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
    asio::post(*shared_.handlers, [self = this->shared_from_this(), route]() mutable {
      WebSocketAcceptance acceptance;
      try {
        acceptance = route->acceptor(self->request_);
      } catch (const std::exception& e) {
        logger("web")->error("websocket acceptor failed path={} err={}", logfmt_value(self->request_.path), logfmt_value(e.what()));
        acceptance = web_error(500, WebErrorFormat::plain);
      }
      hand_back(std::move(self), [route, acceptance = std::move(acceptance)](Connection& c) mutable {
        c.on_acceptance(*route, std::move(acceptance));
      });
    });
  }

  void on_acceptance(const WebSocketRoute& route, WebSocketAcceptance acceptance) {
    if (auto* refusal = std::get_if<WebResponse>(&acceptance)) return respond(std::move(*refusal), false);
    auto endpoint = std::get<std::shared_ptr<WebSocketEndpoint>>(std::move(acceptance));
    if (stopping_ || !endpoint) return respond(web_error(503, WebErrorFormat::plain), false);
    upgraded_ = true;
    SessionStart start{shared_, std::move(endpoint), route.options, peer_};
    if (route.event_stream) {
      parser_.reset();
      return start_event_stream_session(std::move(start), std::move(stream_));
    }
    auto request = parser_->release();
    parser_.reset();
    start_websocket_session(std::move(start), std::move(stream_), std::move(request));
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](error_code ec, std::size_t) {
      if (ec == http::error::body_limit) return self->respond(self->shared_.router.body_too_large(self->request_, self->admission_), false);
      if (ec) return self->fail(ec);
      self->request_.body = std::move(self->parser_->get().body());
      self->dispatch();
    });
  }

  // Runs the handler on a handler thread; the connection does nothing until it answers.
  void dispatch() {
    lowest().expires_never();
    parser_.reset();
    asio::post(*shared_.handlers, [self = this->shared_from_this()]() mutable {
      WebResponse res = self->shared_.router.handle(self->request_);
      hand_back(std::move(self), [res = std::move(res)](Connection& c) mutable {
        c.respond(std::move(res), c.keep_alive_ && !c.stopping_);
      });
    });
  }

  // From a handler thread: gives the handler thread's reference back to the event loop with what to do next on
  // the strand. The handler thread keeps no reference (not even to the strand, which a post to the strand
  // would copy), so a connection and its strand are only ever released on the event-loop threads, whose
  // order the strand and the sockets define.
  template <class Next>
  static void hand_back(std::shared_ptr<Connection> self, Next next) {
    const auto loop = self->loop_;
    asio::post(loop, [self = std::move(self), next = std::move(next)]() mutable {
      const auto strand = self->executor_;
      asio::dispatch(strand, [self = std::move(self), next = std::move(next)]() mutable { next(*self); });
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
  Stream stream_;                         // moved into a session on upgrade
  const asio::any_io_executor executor_;  // the connection's strand, kept when stream_ is moved out
  const asio::io_context::executor_type loop_;  // the event loop under the strand (see hand_back)
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

}  // namespace

template <class Stream>
void start_http_connection(Shared& shared, Stream stream, std::string peer) {
  std::make_shared<Connection<Stream>>(shared, std::move(stream), std::move(peer))->run();
}

template void start_http_connection<PlainStream>(Shared&, PlainStream, std::string);
template void start_http_connection<TlsStream>(Shared&, TlsStream, std::string);

}  // namespace twikit::web_detail
