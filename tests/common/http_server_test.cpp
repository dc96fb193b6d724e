#include <catch2/catch.hpp>

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
