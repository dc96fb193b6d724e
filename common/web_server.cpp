// The web server's acceptor: the listening socket, the accept loop with the connection cap, the threads,
// TLS setup and stop(). Connections, WebSocket and event-stream sessions live in common/web_server/; this file
// and those are the only ones that include Boost.Beast/Asio, which are heavy to compile and which handlers
// must not depend on.
#include "common/web_server.h"

#include <sys/resource.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/listen_address.h"
#include "common/logging.h"
#include "common/web_server/http_connection.h"
#include "common/web_server/shared.h"

namespace twikit {

using namespace web_detail;  // the server's own parts

namespace {

// File descriptors kept for everything but client connections (logs, outgoing fetches, the listener).
constexpr std::size_t kReservedDescriptors = 128;

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

// The server: the listening socket and its accept loop, the event-loop and handler threads, and stop().
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
    {
      // Each connection is told on the event loop, not here: this thread never holds a reference to one, so
      // connections are only ever released on event-loop threads (as their handlers hand theirs back).
      std::lock_guard lock(shared_.mu);
      shared_.stopping = true;
      for (auto& [id, weak] : shared_.connections) {
        asio::post(ioc_, [weak = std::move(weak)] {
          if (auto c = weak.lock()) c->close_when_idle();
        });
      }
    }
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
      start_http_connection(shared_, TlsStream(PlainStream(std::move(socket)), *tls_), std::move(peer));
    } else {
      start_http_connection(shared_, PlainStream(std::move(socket)), std::move(peer));
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
