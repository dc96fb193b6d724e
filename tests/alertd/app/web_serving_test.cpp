// alertd's HTTP serving on the event-driven web layer, over loopback: 405 with Allow, keep-alive, idle
// (slowloris) connections that cost no thread, and TLS with basic auth from --web.config.file.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "alertd/app/app.h"
#include "support/process.h"

namespace {

using twikit::testing::kTimeoutScale;

// A bcrypt hash (cost 4) of "s3cret", as exporter-toolkit's web.yml holds it.
const char* kHash = "$2b$04$MK4UrSwbB9LSAoorM/0xsOMg7G57QTupW9MbjU0iiwIPv8iciMiyy";

/// A connected socket to 127.0.0.1:`port` that waits at most `timeout` (times the sanitizer scale) for data.
int connect_to(int port, std::chrono::seconds timeout = std::chrono::seconds(10)) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() * kTimeoutScale);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

/// Sends `request` on `fd` and reads one response with a Content-Length body (header and body); "" when
/// the connection closes or times out first.
std::string exchange(int fd, const std::string& request) {
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  while (true) {
    const auto head_end = out.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto cl = out.find("Content-Length: ");
      if (cl != std::string::npos && cl < head_end) {
        const std::size_t length = std::stoul(out.substr(cl + 16));
        if (out.size() >= head_end + 4 + length) return out;
      }
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {};
    out.append(buf, static_cast<std::size_t>(n));
  }
}

/// The value of the header `name` (as written: "Allow") in a raw response, or "".
std::string header_of(const std::string& response, const std::string& name) {
  const auto at = response.find("\r\n" + name + ": ");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 4;
  return response.substr(start, response.find("\r\n", start) - start);
}

std::string body_of(const std::string& response) { return response.substr(response.find("\r\n\r\n") + 4); }

/// Runs a shell command and returns what it wrote to stdout.
std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  return out;
}

/// The real App on a temp dir, on 127.0.0.1 with a free port; `web_yml` (exporter-toolkit format) when given.
struct ServingApp {
  explicit ServingApp(const std::string& web_yml = "", const std::string& dir_in = "")
      : dir(dir_in.empty() ? twikit::testing::make_temp_dir("alertd-web") : dir_in) {
    twikit::testing::write_file(dir + "/rules.yml", "groups: []\n");
    twikit::testing::write_file(dir + "/alertd.yaml",
                                "scrape_configs: [{job_name: t, static_configs: [{targets: ['127.0.0.1:1']}]}]\n"
                                "rule_files: [rules.yml]\n"
                                "storage: {path: '" + dir + "/alertd.db'}\n"
                                "web: {listen_address: '127.0.0.1:0'}\n"
                                "receivers: [{name: log, system_log_configs: [{}]}]\nroute: {receiver: log}\n");
    twikit::app::AppOptions options;
    options.config_file = dir + "/alertd.yaml";
    if (!web_yml.empty()) {
      twikit::testing::write_file(dir + "/web.yml", web_yml);
      options.web_config_file = dir + "/web.yml";
    }
    app = std::make_unique<twikit::app::App>(options);
    app->start();
  }
  ~ServingApp() {
    app->stop();
    std::filesystem::remove_all(dir);
  }
  ServingApp(const ServingApp&) = delete;
  ServingApp& operator=(const ServingApp&) = delete;
  int port() const { return app->port(); }

  std::string dir;
  std::unique_ptr<twikit::app::App> app;
};

/// Sends `request` on a fresh connection and returns the response.
std::string one_shot(int port, const std::string& request) {
  const int fd = connect_to(port);
  const std::string out = exchange(fd, request);
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("a wrong method gets 405 with Allow, a JSON body under /api/ and plain text elsewhere") {
  ServingApp a;
  const auto query = one_shot(a.port(), "DELETE /api/v1/query?query=up HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(query, Catch::StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(header_of(query, "Allow") == "GET, POST, HEAD");
  CHECK(body_of(query) == R"({"error":"Method Not Allowed","errorType":"method_not_allowed","status":"error"})");
  const auto reload = one_shot(a.port(), "GET /-/reload HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(reload, Catch::StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(header_of(reload, "Allow") == "POST, PUT");
  CHECK(body_of(reload) == "Method Not Allowed\n");
  const auto silence = one_shot(a.port(), "PUT /api/monitoring/silences/abc HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(silence, Catch::StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(header_of(silence, "Allow") == "GET, DELETE, HEAD");
  // A prefix route names what the path asked takes: an alert is read, its acknowledgement posted.
  const auto alert = one_shot(a.port(), "PUT /api/monitoring/alerts/abc HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(alert, Catch::StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(header_of(alert, "Allow") == "GET, HEAD");
  const auto ack = one_shot(a.port(), "PUT /api/monitoring/alerts/abc/acknowledge HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(header_of(ack, "Allow") == "POST");
  const auto missing = one_shot(a.port(), "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(missing, Catch::StartsWith("HTTP/1.1 404 Not Found\r\n"));
  CHECK(body_of(missing) == R"({"error":"not found","errorType":"not_found","status":"error"})");
}

TEST_CASE("two requests are answered on one kept-alive connection, and a body-less POST reloads") {
  ServingApp a;
  const int fd = connect_to(a.port());
  const auto first = exchange(fd, "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(first, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  CHECK(header_of(first, "Connection").empty());
  CHECK(body_of(first) == "alertd is Healthy.\n");
  // `curl -X POST …/-/reload`: no Content-Length, no body.
  const auto second = exchange(fd, "POST /-/reload HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(second, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  const auto third = exchange(fd, "GET /api/v1/query?query=1%2B1 HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_THAT(third, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
  CHECK_THAT(body_of(third), Catch::Contains(R"("result":[)"));
  ::close(fd);
}

TEST_CASE("queries are answered while 500 idle connections are open (slowloris)", "[slowloris]") {
  // Each idle connection is a descriptor of this process twice (client and server side): raise the soft
  // limit before the App reads it.
  rlimit lim{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &lim) == 0);
  lim.rlim_cur = lim.rlim_max;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &lim) == 0);
  REQUIRE(lim.rlim_cur > 1500);
  ServingApp a;
  constexpr int kIdle = 500;
  std::vector<int> idle;
  const std::string half = "GET /api/v1/query?query=up HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: appl";
  for (int i = 0; i < kIdle; ++i) {
    idle.push_back(connect_to(a.port()));
    REQUIRE(::send(idle.back(), half.data(), half.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(half.size()));
  }
  // Every idle connection has been accepted and holds no thread: the server's own gauge says so.
  REQUIRE(twikit::testing::eventually([&] {
    const auto metrics = one_shot(a.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const auto at = metrics.find("\nalertd_http_connections_open ");
    return at != std::string::npos && std::stod(metrics.substr(at + 30)) >= kIdle;
  }));
  std::vector<double> ms;
  for (int i = 0; i < 100; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto res = one_shot(a.port(), "GET /api/v1/query?query=up HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    INFO("query " << i);
    REQUIRE_THAT(res, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
    CHECK_THAT(body_of(res), Catch::EndsWith(R"("status":"success"})"));
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "alertd /api/v1/query with " << kIdle << " idle connections: p50 " << ms[49] << " ms, p99 " << ms[98]
            << " ms, max " << ms[99] << " ms\n";
  for (const int fd : idle) ::close(fd);
}

TEST_CASE("--web.config.file serves TLS with basic auth, checked with curl") {
  const std::string dir = twikit::testing::make_self_signed_certificate();
  ServingApp a(std::string("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n"
                           "basic_auth_users:\n  ops: '") + kHash + "'\n",
               dir);
  const std::string url = "https://127.0.0.1:" + std::to_string(a.port());
  const std::string curl = "curl -sS --max-time 10 --cacert " + dir + "/cert.pem -w '\\n%{http_code}' ";
  CHECK(run(curl + url + "/-/healthy") == "Unauthorized\n\n401");
  CHECK(run(curl + "-u ops:wrong " + url + "/-/healthy") == "Unauthorized\n\n401");
  CHECK(run(curl + "-u ops:s3cret " + url + "/-/healthy") == "alertd is Healthy.\n\n200");
  CHECK(run(curl + "-u ops:s3cret -X POST " + url + "/-/reload") == "\n200");
  // Plain HTTP on the TLS port gets no answer.
  CHECK(run("curl -sS --max-time 10 -o /dev/null -w '%{http_code}' http://127.0.0.1:" + std::to_string(a.port()) +
            "/-/healthy 2>/dev/null") == "000");
}
