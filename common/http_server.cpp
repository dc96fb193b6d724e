#include "common/http_server.h"

#include <sys/socket.h>

#include <chrono>
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
