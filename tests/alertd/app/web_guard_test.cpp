// The real App over loopback HTTP under hostile requests: tokens checked before bodies are read, a body cap,
// invalid UTF-8, bad numbers and enum values, oversized silences, the lifecycle switch and empty configs.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "alertd/app/app.h"
#include "support/process.h"

using nlohmann::json;

namespace {

/// Sends `request` as is on a fresh connection and returns what the server answers before it closes the
/// connection or `timeout` (times the sanitizer scale) passes.
std::string raw_exchange(int port, const std::string& request, std::chrono::seconds timeout = std::chrono::seconds(5)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() * twikit::testing::kTimeoutScale);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.find("\r\n\r\n") != std::string::npos) {
      // Stop at the end of the body when the length is known (the server may keep the connection open).
      const auto head_end = out.find("\r\n\r\n") + 4;
      const auto cl = out.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) {
        const std::size_t length = std::stoul(out.substr(cl + 16));
        if (out.size() >= head_end + length) break;
      }
    }
  }
  ::close(fd);
  return out;
}

std::string body_of(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

/// An App with the real notification stack on a temp dir; scrapes a port where nothing listens.
struct GuardedApp {
  explicit GuardedApp(const std::string& token = "tok", bool lifecycle = true) : dir(twikit::testing::make_temp_dir("alertd-guard")) {
    twikit::testing::write_file(dir + "/rules.yml", "groups: []\n");
    std::string web = "web: {listen_address: '127.0.0.1:0'}\n";
    if (!token.empty()) {
      twikit::testing::write_file(dir + "/token", token + "\n");
      web = "web: {listen_address: '127.0.0.1:0', api_bearer_token_file: token}\n";
    }
    good_config = "scrape_configs: [{job_name: t, static_configs: [{targets: ['127.0.0.1:1']}]}]\n"
                  "rule_files: [rules.yml]\n"
                  "storage: {path: '" + dir + "/alertd.db'}\n" + web +
                  "receivers: [{name: log, system_log_configs: [{}]}]\nroute: {receiver: log}\n";
    twikit::testing::write_file(dir + "/alertd.yaml", good_config);
    twikit::app::AppOptions options;
    options.config_file = dir + "/alertd.yaml";
    options.enable_lifecycle = lifecycle;
    app = std::make_unique<twikit::app::App>(options);
    app->start();
    client = std::make_unique<httplib::Client>("127.0.0.1", app->port());
    client->set_read_timeout(5 * twikit::testing::kTimeoutScale);
  }
  ~GuardedApp() {
    app->stop();
    std::filesystem::remove_all(dir);
  }
  httplib::Headers auth() const { return {{"Authorization", "Bearer tok"}}; }
  /// POSTs a silence with `body`; returns status and parsed answer.
  std::pair<int, json> post_silence(const json& body) {
    auto r = client->Post("/api/monitoring/silences", auth(), body.dump(), "application/json");
    REQUIRE(r);
    return {r->status, json::parse(r->body)};
  }
  std::string dir;
  std::string good_config;
  std::unique_ptr<twikit::app::App> app;
  std::unique_ptr<httplib::Client> client;
};

json silence_with(std::size_t matchers, const std::string& created_by, const std::string& comment) {
  json list = json::array();
  for (std::size_t i = 0; i < matchers; ++i) list.push_back("l" + std::to_string(i) + "=v");
  return {{"matchers", list}, {"endsAt", "2999-01-01T00:00:00Z"}, {"createdBy", created_by}, {"comment", comment}};
}

}  // namespace

TEST_CASE("a mutating request without the token is refused after its headers, before its body") {
  GuardedApp a;
  // 500 MB announced, none sent: the answer comes at once, so the body was never waited for.
  const auto silence = raw_exchange(a.app->port(), "POST /api/monitoring/silences HTTP/1.1\r\nHost: x\r\n"
                                                   "Content-Type: application/json\r\nContent-Length: 500000000\r\n\r\n");
  CHECK_THAT(silence, Catch::StartsWith("HTTP/1.1 401 Unauthorized\r\n"));
  CHECK_THAT(silence, Catch::Contains("Connection: close\r\n"));
  CHECK(body_of(silence) == R"({"error":"missing or wrong bearer token","errorType":"unauthorized","status":"error"})");
  const auto reload = raw_exchange(a.app->port(), "POST /-/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n"
                                                  "Content-Length: 500000000\r\n\r\n");
  CHECK_THAT(reload, Catch::StartsWith("HTTP/1.1 401 Unauthorized\r\n"));
  CHECK(body_of(reload) == "missing or wrong bearer token\n");
  // A client that asks first (Expect: 100-continue, as curl does for large bodies) is refused instead of
  // invited to send: no "100 Continue" precedes the answer.
  const auto asked = raw_exchange(a.app->port(), "POST /api/monitoring/silences HTTP/1.1\r\nHost: x\r\n"
                                                 "Expect: 100-continue\r\nContent-Length: 500000000\r\n\r\n");
  CHECK_THAT(asked, Catch::StartsWith("HTTP/1.1 401 Unauthorized\r\n"));
  const auto too_big = raw_exchange(a.app->port(), "POST /api/monitoring/silences HTTP/1.1\r\nHost: x\r\n"
                                                   "Authorization: Bearer tok\r\nExpect: 100-continue\r\n"
                                                   "Content-Length: 500000000\r\n\r\n");
  CHECK_THAT(too_big, Catch::StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
  CHECK(body_of(too_big) == R"({"error":"request body larger than 1048576 bytes","errorType":"bad_data","status":"error"})");
}

TEST_CASE("request bodies are capped at 1 MiB (the rules API at 64 KiB), chunked ones too, the 413 naming the cap, and a POST without a body is answered at once") {
  GuardedApp a;
  auto big = a.client->Post("/api/monitoring/silences", a.auth(), std::string((1 << 20) + 1, ' '), "application/json");
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(big->body == R"({"error":"request body larger than 1048576 bytes","errorType":"bad_data","status":"error"})");
  // A chunked body is read within the same cap: a 2 MiB chunk is refused when its size line arrives.
  const auto chunked = raw_exchange(a.app->port(), "POST /api/monitoring/silences HTTP/1.1\r\nHost: x\r\n"
                                                   "Authorization: Bearer tok\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                   "200000\r\nhello");
  CHECK_THAT(chunked, Catch::StartsWith("HTTP/1.1 413 Payload Too Large\r\n"));
  CHECK_THAT(chunked, Catch::Contains("Connection: close\r\n"));
  CHECK(body_of(chunked) == R"({"error":"request body larger than 1048576 bytes","errorType":"bad_data","status":"error"})");
  // A route with a smaller cap names its own: the rules API takes 64 KiB.
  auto rule = a.client->Post("/api/monitoring/alert-rules", a.auth(), std::string(100'000, ' '), "application/json");
  REQUIRE(rule);
  CHECK(rule->status == 413);
  CHECK(rule->body == R"({"error":"request body larger than 65536 bytes","errorType":"bad_data","status":"error"})");
  const std::string silence = silence_with(1, "bob", "chunked").dump();
  std::ostringstream size;
  size << std::hex << silence.size();
  const auto small = raw_exchange(a.app->port(), "POST /api/monitoring/silences HTTP/1.1\r\nHost: x\r\n"
                                                 "Authorization: Bearer tok\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                                     size.str() + "\r\n" + silence + "\r\n0\r\n\r\n");
  CHECK_THAT(small, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  // `curl -X POST .../-/reload` sends neither Content-Length nor a body: no waiting for one that never comes.
  const auto start = std::chrono::steady_clock::now();
  const auto reload = raw_exchange(a.app->port(), "POST /-/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\n\r\n");
  CHECK_THAT(reload, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2 * twikit::testing::kTimeoutScale));
}

TEST_CASE("invalid UTF-8 in parameters and bodies gets a 400 with a JSON error, never an empty 500") {
  GuardedApp a;
  const auto get = [&](const std::string& path) {
    auto r = a.client->Get(path.c_str());
    REQUIRE(r);
    return std::make_pair(r->status, r->body);
  };
  CHECK(get("/api/v1/query?query=%FF") ==
        std::make_pair(400, std::string(R"({"error":"invalid parameter \"query\": not valid UTF-8","errorType":"bad_data","status":"error"})")));
  CHECK(get("/api/monitoring/alerts?from=%C0%AF") ==
        std::make_pair(400, std::string(R"({"error":"invalid parameter \"from\": not valid UTF-8","errorType":"bad_data","status":"error"})")));
  CHECK(get("/api/v1/rules?rule_name[]=%ED%A0%80").first == 400);  // a surrogate
  auto form = a.client->Post("/api/v1/query", "query=%FF", "application/x-www-form-urlencoded");
  REQUIRE(form);
  CHECK(form->status == 400);
  CHECK(json::parse(form->body)["error"] == "invalid parameter \"query\": not valid UTF-8");
  const auto missing = get("/api/monitoring/silences/%FF");
  CHECK(missing.first == 404);
  CHECK(json::parse(missing.second)["error"] == "no silence with id \xEF\xBF\xBD");
  auto body = a.client->Post("/api/monitoring/silences", a.auth(), "{\"createdBy\": \"\xFF\"}", "application/json");
  REQUIRE(body);
  CHECK(body->status == 400);
  CHECK_THAT(json::parse(body->body)["error"].get<std::string>(), Catch::StartsWith("invalid JSON: "));
}

TEST_CASE("bad numbers and unknown enum values get a 400 naming the parameter") {
  GuardedApp a;
  const auto error = [&](const std::string& path) {
    auto r = a.client->Get(path.c_str());
    REQUIRE(r);
    CHECK(r->status == 400);
    return json::parse(r->body)["error"].get<std::string>();
  };
  CHECK(error("/api/monitoring/alerts?limit=10abc") == "limit must be an integer from 1 to 100000");
  CHECK(error("/api/monitoring/alerts?limit=99999999999999999999") == "limit must be an integer from 1 to 100000");
  CHECK(error("/api/monitoring/alerts?from=nan") == "invalid from time \"nan\"");
  CHECK(error("/api/monitoring/alerts?to=1e300") == "invalid to time \"1e300\"");
  CHECK(error("/api/monitoring/alerts?acknowledged=maybe") == "acknowledged must be true or false");
  CHECK(error("/api/monitoring/silences?state=sleeping") == "state must be active, pending or expired");
  CHECK(error("/api/v1/rules?exclude_alerts=maybe") == "invalid parameter \"exclude_alerts\": expected true or false");
  auto not_json = a.client->Post("/api/monitoring/silences", a.auth(), "[1, 2", "application/json");
  REQUIRE(not_json);
  CHECK(not_json->status == 400);
  CHECK(json::parse(not_json->body)["errorType"] == "bad_data");
}

TEST_CASE("silences are capped in matchers, createdBy and comment") {
  GuardedApp a;
  CHECK(a.post_silence(silence_with(64, "bob", "ok")).first == 200);
  CHECK(a.post_silence(silence_with(65, "bob", "ok")) ==
        std::make_pair(400, json{{"status", "error"}, {"errorType", "bad_data"}, {"error", "a silence has at most 64 matchers"}}));
  json many = silence_with(0, "bob", "ok");
  for (int i = 0; i < 150'000; ++i) many["matchers"].push_back("a=b");  // 900 kB: under the body cap
  CHECK(a.post_silence(many).second["error"] == "a silence has at most 64 matchers");
  for (int i = 0; i < 350'000; ++i) many["matchers"].push_back("a=b");  // 500,000 matchers: over it
  auto huge = a.client->Post("/api/monitoring/silences", a.auth(), many.dump(), "application/json");
  REQUIRE(huge);
  CHECK(huge->status == 413);
  json wide = silence_with(0, "bob", "ok");
  for (int i = 0; i < 60; ++i) wide["matchers"].push_back("l" + std::to_string(i) + "=" + std::string(1100, 'v'));
  CHECK(a.post_silence(wide).second["error"] == "the silence is larger than 65536 bytes");
  CHECK(a.post_silence(silence_with(1, std::string(257, 'b'), "ok")).second["error"] ==
        "createdBy is longer than 256 bytes");
  CHECK(a.post_silence(silence_with(1, "bob", std::string(16 * 1024 + 1, 'c'))).second["error"] ==
        "comment is longer than 16384 bytes");
  CHECK(a.post_silence(silence_with(1, "bob", std::string(16 * 1024, 'c'))).first == 200);
  auto list = a.client->Get("/api/monitoring/silences");
  REQUIRE(list);
  CHECK(json::parse(list->body)["data"].size() == 2);
}

TEST_CASE("/-/reload needs the token when one is set; without one, --no-web.enable-lifecycle closes it") {
  {
    GuardedApp a;
    auto r = a.client->Post("/-/reload");
    REQUIRE(r);
    CHECK(r->status == 401);
    r = a.client->Post("/-/reload", a.auth(), "", "text/plain");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  {
    GuardedApp open("", true);
    auto r = open.client->Post("/-/reload");
    REQUIRE(r);
    CHECK(r->status == 200);
  }
  GuardedApp closed("", false);
  auto r = closed.client->Post("/-/reload");
  REQUIRE(r);
  CHECK(r->status == 403);
  CHECK(r->body == "the lifecycle API is not enabled: set an API bearer token, or start alertd with --web.enable-lifecycle\n");
  auto silence = closed.client->Post("/api/monitoring/silences", "{}", "application/json");
  REQUIRE(silence);
  CHECK(silence->status == 403);
}

TEST_CASE("a reload to an empty config fails with its position and keeps the running config") {
  GuardedApp a;
  twikit::testing::write_file(a.dir + "/alertd.yaml", "\n");
  auto r = a.client->Post("/-/reload", a.auth(), "", "text/plain");
  REQUIRE(r);
  CHECK(r->status == 500);
  CHECK(r->body == "failed to reload config: " + a.dir +
                       "/alertd.yaml:1:1: no scrape targets and no rule files: alertd would have nothing to do (an "
                       "empty or truncated file?); add scrape_configs or rule_files, or start with --config.allow-empty\n");
  CHECK(a.app->config()->scrape_configs.size() == 1);
  auto metrics = a.client->Get("/metrics");
  REQUIRE(metrics);
  CHECK_THAT(metrics->body, Catch::Contains("alertd_config_last_reload_successful 0\n"));
}
