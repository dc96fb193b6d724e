#include <catch2/catch.hpp>

#include <mutex>
#include <thread>

#include "common/http_client.h"
#include "support/loopback_server.h"

using namespace twikit;
using namespace std::chrono_literals;

namespace {

struct TestServer {
  testing::LoopbackServer server;
  int port = 0;
  TestServer() {
    WebRouter& r = server.router();
    r.add("/ok", [](const WebRequest&, WebResponse& res) { res.set_body("hello", "text/plain"); });
    r.add("/slow", [](const WebRequest&, WebResponse& res) {
      std::this_thread::sleep_for(300ms);
      res.set_body("late", "text/plain");
    });
    r.add("/big", [](const WebRequest&, WebResponse& res) { res.set_body(std::string(1 << 20, 'x'), "text/plain"); });
    r.add("/teapot", [](const WebRequest&, WebResponse& res) { res.status = 418; });
    r.add(
        "/echo",
        [](const WebRequest& req, WebResponse& res) { res.set_body(req.body + "|" + req.headers.get("X-Test"), "text/plain"); },
        testing::accepting({"POST"}));
    port = server.start();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }
};

}  // namespace

TEST_CASE("a request returns the status, body and lower-cased headers") {
  TestServer srv;
  CurlHttpClient client;
  HttpResponse r = client.send({"GET", srv.url("/ok"), {}, "", 2s, 0});
  CHECK(r.transport_ok());
  CHECK(r.status == 200);
  CHECK(r.body == "hello");
  REQUIRE(r.header("content-type") != nullptr);
  CHECK(*r.header("content-type") == "text/plain");
  CHECK(client.send({"GET", srv.url("/teapot"), {}, "", 2s, 0}).status == 418);
}

TEST_CASE("a POST sends its body and headers") {
  TestServer srv;
  CurlHttpClient client;
  HttpResponse r = client.send({"POST", srv.url("/echo"), {{"X-Test", "yes"}}, "payload", 2s, 0});
  CHECK(r.body == "payload|yes");
}

TEST_CASE("a slow server is cut off at the timeout and reported as timeout") {
  TestServer srv;
  CurlHttpClient client;
  HttpResponse r = client.send({"GET", srv.url("/slow"), {}, "", 100ms, 0});
  CHECK(r.error == HttpError::timeout);
  CHECK(r.duration_seconds < 0.25);
}

TEST_CASE("a body over the limit fails as too_large") {
  TestServer srv;
  CurlHttpClient client;
  HttpResponse r = client.send({"GET", srv.url("/big"), {}, "", 2s, 1000});
  CHECK(r.error == HttpError::too_large);
  CHECK(r.body.empty());
}

TEST_CASE("a closed port is reported as a connect error") {
  int port = 0;
  {
    TestServer srv;
    port = srv.port;
  }
  CurlHttpClient client;
  HttpResponse r = client.send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, "", 1s, 0});
  CHECK(r.error == HttpError::connect);
}

TEST_CASE("requests run in parallel and results keep request order") {
  TestServer srv;
  CurlHttpClient client;
  std::vector<HttpRequest> reqs(5, HttpRequest{"GET", srv.url("/slow"), {}, "", 2s, 0});
  reqs.push_back({"GET", srv.url("/ok"), {}, "", 2s, 0});
  const auto start = std::chrono::steady_clock::now();
  auto out = client.send_all(reqs, 10);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < 600ms);  // five 300 ms requests at once, not one after another
  REQUIRE(out.size() == 6);
  CHECK(out[0].body == "late");
  CHECK(out[5].body == "hello");
}

TEST_CASE("the concurrency cap is honoured") {
  TestServer srv;
  CurlHttpClient client;
  std::vector<HttpRequest> reqs(4, HttpRequest{"GET", srv.url("/slow"), {}, "", 3s, 0});
  const auto start = std::chrono::steady_clock::now();
  client.send_all(reqs, 2);
  CHECK(std::chrono::steady_clock::now() - start >= 580ms);  // two rounds of 300 ms
}

TEST_CASE("a batch of more than 128 in flight is split over several loops and keeps request order") {
  TestServer srv;
  CurlHttpClient client;
  std::vector<HttpRequest> reqs;
  for (int i = 0; i < 300; ++i) reqs.push_back({"POST", srv.url("/echo"), {{"X-Test", "t"}}, std::to_string(i), 10s, 0});
  const auto out = client.send_all(reqs, 300);
  REQUIRE(out.size() == 300);
  for (int i = 0; i < 300; ++i) {
    INFO(i);
    CHECK(out[static_cast<std::size_t>(i)].status == 200);
    CHECK(out[static_cast<std::size_t>(i)].body == std::to_string(i) + "|t");
  }
}

TEST_CASE("send_each hands over each response as it completes, before the slower ones, and returns them all") {
  TestServer srv;
  CurlHttpClient client;
  const std::vector<HttpRequest> reqs = {{"GET", srv.url("/slow"), {}, "", 2s, 0}, {"GET", srv.url("/ok"), {}, "", 2s, 0}};
  std::mutex mu;
  std::vector<std::pair<std::size_t, std::string>> seen;  // in the order the handler was called
  const auto out = client.send_each(reqs, 2, [&](std::size_t i, HttpResponse& r) {
    std::lock_guard lock(mu);
    seen.emplace_back(i, std::move(r.body));  // the handler may take the body
  });
  CHECK(seen == std::vector<std::pair<std::size_t, std::string>>{{1, "hello"}, {0, "late"}});
  REQUIRE(out.size() == 2);
  CHECK(out[0].status == 200);
  CHECK(out[1].status == 200);
  CHECK(out[0].body.empty());
}
