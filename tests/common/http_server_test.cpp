#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "common/http_server.h"

using namespace twikit;

TEST_CASE("listen addresses parse like Prometheus' flags") {
  CHECK(parse_listen_address(":9877").host == "0.0.0.0");
  CHECK(parse_listen_address(":9877").port == 9877);
  CHECK(parse_listen_address("127.0.0.1:0").port == 0);
  CHECK(parse_listen_address("[::1]:9090").host == "::1");
  CHECK_THROWS_AS(parse_listen_address("9877"), std::invalid_argument);
  CHECK_THROWS_AS(parse_listen_address("host:99999"), std::invalid_argument);
}

TEST_CASE("a port already in use is refused rather than shared") {
  HttpServer first;
  const int port = first.bind("127.0.0.1:0");
  first.start();
  HttpServer second;
  CHECK_THROWS_AS(second.bind("127.0.0.1:" + std::to_string(port)), std::runtime_error);
}

TEST_CASE("a burst of connections is queued while the server is busy, not left waiting for SYN retries") {
  HttpServer server;
  const int port = server.bind("127.0.0.1:0");  // bound and listening, but nothing accepts yet
  constexpr int kBurst = 50;
  std::vector<int> sockets;
  for (int i = 0; i < kBurst; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    sockets.push_back(fd);
  }
  // The kernel completes a handshake only for connections that fit in the accept queue.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int queued = 0;
  for (const int fd : sockets) {
    int err = -1;
    socklen_t len = sizeof err;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 0) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) ++queued;
    ::close(fd);
  }
  CHECK(queued == kBurst);
}
