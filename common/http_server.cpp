#include "common/http_server.h"

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace twikit {

HttpServer::HttpServer(std::unique_ptr<httplib::Server> server)
    : server_(server ? std::move(server) : std::make_unique<httplib::Server>()) {
  // httplib's default also sets SO_REUSEPORT, which lets a second process bind a port already in use and
  // silently share it. SO_REUSEADDR alone allows a quick restart and still refuses a port that is taken.
  server_->set_socket_options([this](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket_ = sock;  // the last socket tried is the one bound
  });
  server_->set_payload_max_length(max_body_bytes_);
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return screen(req, res) ? httplib::Server::HandlerResponse::Handled : httplib::Server::HandlerResponse::Unhandled;
  });
  // A client that asks before sending its body (curl does for large ones) gets the refusal instead of
  // "100 Continue", and never sends the body at all.
  server_->set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (screen(req, res)) return res.status;
    const auto length = req.get_header_value<std::uint64_t>("Content-Length");
    if (length > max_body_bytes_) {
      res.status = 413;
      res.set_header("Connection", "close");
      return 413;
    }
    return 100;
  });
}

void HttpServer::set_max_body_bytes(std::size_t bytes) {
  max_body_bytes_ = bytes;
  server_->set_payload_max_length(bytes);
}

void HttpServer::set_request_guard(RequestGuard guard) { guard_ = std::move(guard); }

bool HttpServer::screen(const httplib::Request& req, httplib::Response& res) const {
  const bool may_have_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" || req.method == "DELETE";
  if (may_have_body && req.has_header("Transfer-Encoding")) {
    // httplib 0.11 applies no cap to chunked bodies; none of these programs' clients needs them.
    res.status = 411;
    res.set_header("Connection", "close");
    res.set_content("a request body needs a Content-Length\n", "text/plain; charset=utf-8");
    return true;
  }
  if (may_have_body && !req.has_header("Content-Length")) {
    // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3), but httplib 0.11 would
    // read one until the client closes: `curl -X POST` then waits for the read timeout. Say the body is empty.
    const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
  }
  if (guard_ && guard_(req, res)) {
    res.set_header("Connection", "close");
    return true;
  }
  return false;
}

HttpServer::~HttpServer() { stop(); }

int HttpServer::bind(const std::string& listen_address) {
  const ListenAddress addr = parse_listen_address(listen_address);
  if (addr.port == 0) {
    port_ = server_->bind_to_any_port(addr.host);
  } else {
    port_ = server_->bind_to_port(addr.host, addr.port) ? addr.port : -1;
  }
  if (port_ <= 0) {
    port_ = 0;
    throw std::runtime_error("cannot listen on " + listen_address);
  }
  // httplib listens with a backlog of 5: a burst of connections (50 scrapers, a load test) would overflow it
  // and wait for SYN retransmits. Listening again only widens the queue.
  ::listen(listen_socket_, SOMAXCONN);
  return port_;
}

void HttpServer::start() {
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib 0.11 has no wait_until_ready(); the socket is already bound, so connections queue until
  // the loop runs. Spin briefly so callers that stop() at once do not race the loop's start.
  for (int i = 0; i < 1000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace twikit
