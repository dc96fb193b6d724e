// The event-driven server over real loopback sockets: keep-alive, timeouts, the connection cap, early 413.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "common/web_server.h"
#include "support/process.h"

using namespace twikit;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A raw client socket, so that tests can send half a header or nothing at all.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(const std::string& data) { REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size())); }

  // Reads one whole response (header, and the Content-Length body unless it answers HEAD); "" when the
  // server closes first or nothing arrives within `timeout`.
  std::string response(std::chrono::milliseconds timeout = 5s, bool head = false) {
    const auto deadline = Clock::now() + timeout * testing::kTimeoutScale;
    while (true) {
      const auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        const auto cl = pending_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end && !head) length = std::stoul(pending_.substr(cl + 16));
        if (pending_.size() >= end + 4 + length) {
          std::string out = pending_.substr(0, end + 4 + length);
          pending_.erase(0, end + 4 + length);
          return out;
        }
      }
      if (!read_some(deadline)) return {};
    }
  }

  // Waits until the server closes the connection; returns how long that took, or nullopt past `timeout`.
  std::optional<std::chrono::milliseconds> closed_within(std::chrono::milliseconds timeout) {
    const auto start = Clock::now();
    const auto deadline = start + timeout * testing::kTimeoutScale;
    while (read_some(deadline)) {
    }
    if (!closed_) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  }

 private:
  // Reads what is there; false on close (closed_ set) or when the deadline passes.
  bool read_some(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) != 1) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    pending_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
  bool closed_ = false;
};

WebRouter echo_router() {
  WebRouter router;
  router.add("/hello", [](const WebRequest& req, WebResponse& res) {
    res.set_body("hello " + req.param("name").value_or("?"), "text/plain");
  });
  WebRouteOptions upload;
  upload.methods = {"POST"};
  upload.max_body_bytes = 16;
  router.add("/upload", [](const WebRequest& req, WebResponse& res) { res.set_body("got " + req.body, "text/plain"); },
             upload);
  return router;
}

std::string get(const std::string& target) { return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n"; }

}  // namespace

TEST_CASE("requests on one kept-alive connection are answered in turn, and counted by code") {
  WebServer server(echo_router(), WebServerOptions{});
  const int port = server.bind("127.0.0.1:0");
  server.start();
  RawClient client(port);
  client.send(get("/hello?name=a%20b"));
  CHECK(client.response() ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nhello a b");
  client.send(get("/nothing") + get("/hello"));  // pipelined
  CHECK(client.response() == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                             "Content-Length: 19\r\n\r\n404 page not found\n");
  CHECK(client.response() == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nhello ?");
  client.send("HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n");
  CHECK(client.response(5s, true) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\n");
  client.send(get("/hello"));  // nothing of a body was sent after the HEAD answer
  CHECK(client.response().ends_with("\r\n\r\nhello ?"));
  const WebServerStats stats = server.stats();
  CHECK(stats.responses_by_code == std::vector<std::pair<int, std::uint64_t>>{{200, 4}, {404, 1}});
  CHECK(stats.connections_accepted == 1);
  CHECK(stats.connections_open == 1);
}

TEST_CASE("a connection that sends half a header is closed after the header timeout") {
  WebServerOptions options;
  options.header_timeout = 300ms * testing::kTimeoutScale;
  WebServer server(echo_router(), options);
  const int port = server.bind("127.0.0.1:0");
  server.start();
  RawClient slow(port);
  slow.send("GET /hello HTTP/1.1\r\nHost: te");
  const auto closed = slow.closed_within(5s);
  REQUIRE(closed);
  CHECK(*closed >= options.header_timeout - 50ms);
  // The deadline closes the socket before the connection's own handler counts it.
  CHECK(testing::eventually([&] { return server.stats().connections_timed_out == 1; }));
  CHECK(testing::eventually([&] { return server.stats().connections_open == 0; }));
}

TEST_CASE("a kept-alive connection is closed after the idle timeout, not the header timeout") {
  WebServerOptions options;
  options.header_timeout = 5s;
  options.idle_timeout = 300ms * testing::kTimeoutScale;
  WebServer server(echo_router(), options);
  const int port = server.bind("127.0.0.1:0");
  server.start();
  RawClient client(port);
  client.send(get("/hello"));
  REQUIRE(!client.response().empty());
  const auto closed = client.closed_within(4s);
  REQUIRE(closed);
  CHECK(*closed >= options.idle_timeout - 50ms);
}

TEST_CASE("connections over the cap are closed at once and counted; those within it are served") {
  WebServerOptions options;
  options.max_connections = 2;
  WebServer server(echo_router(), options);
  const int port = server.bind("127.0.0.1:0");
  server.start();
  RawClient first(port);
  RawClient second(port);
  REQUIRE(testing::eventually([&] { return server.stats().connections_open == 2; }));
  RawClient third(port);
  CHECK(third.closed_within(2s));
  CHECK(server.stats().connections_rejected == 1);
  second.send(get("/hello"));
  CHECK(second.response().starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST_CASE("a declared body over the route's limit gets 413 before the body is sent") {
  WebServer server(echo_router(), WebServerOptions{});
  const int port = server.bind("127.0.0.1:0");
  server.start();
  RawClient client(port);
  client.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 100000000\r\n\r\n");
  CHECK(client.response() ==
        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 34\r\n"
        "Connection: close\r\n\r\nrequest body larger than 16 bytes\n");
  CHECK(client.closed_within(2s));

  RawClient chunked(port);
  chunked.send("POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
               "14\r\n01234567890123456789\r\n0\r\n\r\n");
  CHECK(chunked.response().starts_with("HTTP/1.1 413 Payload Too Large\r\n"));

  RawClient fits(port);
  fits.send("POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nabcde");
  CHECK(fits.response().ends_with("\r\n\r\ngot abcde"));
}

TEST_CASE("stop() closes idle connections and returns without waiting for their timeouts") {
  WebServer server(echo_router(), WebServerOptions{});
  const int port = server.bind("127.0.0.1:0");
  server.start();
  RawClient idle(port);
  RawClient used(port);
  used.send(get("/hello"));
  REQUIRE(!used.response().empty());
  REQUIRE(testing::eventually([&] { return server.stats().connections_open == 2; }));
  const auto start = Clock::now();
  server.stop();
  CHECK(Clock::now() - start < 1s * testing::kTimeoutScale);
  CHECK(idle.closed_within(1s));
  CHECK(used.closed_within(1s));
}

TEST_CASE("the web server refuses a port that is already in use") {
  WebServer first(echo_router(), WebServerOptions{});
  const int port = first.bind("127.0.0.1:0");
  first.start();
  WebServer second(echo_router(), WebServerOptions{});
  CHECK_THROWS_AS(second.bind("127.0.0.1:" + std::to_string(port)), std::runtime_error);
}
