// twikit-sim + twikit-exporter (+ promtool and a real Prometheus), all real processes on loopback.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/http_client.h"
#include "support/seed_metrics.h"
#include "support/stack.h"

using namespace twikit::testing;
using namespace std::chrono_literals;

namespace {

const std::string kOnScrape = "  mode: on_scrape\n  max_concurrent_collections: 10\n";

// The value of the series `line_prefix` (e.g. twikit_up{service="x"}) in an exposition, or NaN.
double value_of(const std::string& exposition, const std::string& series) {
  const auto at = exposition.find("\n" + series + " ");
  if (at == std::string::npos) return std::nan("");
  return std::strtod(exposition.c_str() + at + series.size() + 2, nullptr);
}

std::string metrics(const Exporter& e, const std::string& accept = "") {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!accept.empty()) headers.emplace_back("Accept", accept);
  return "\n" + http_get(e.url() + "/metrics", headers);
}


// Every metric of the design's table: the per-target ones and the service ones.
std::vector<const char*> seed_metrics() {
  std::vector<const char*> out(twikit::testing::kTargetMetrics.begin(), twikit::testing::kTargetMetrics.end());
  out.insert(out.end(), twikit::testing::kServiceMetrics.begin(), twikit::testing::kServiceMetrics.end());
  return out;
}

struct PromtoolResult {
  int exit_code = 0;
  std::string output;
};

PromtoolResult promtool_check(const std::string& exposition) {
  const std::string dir = make_temp_dir("twikit-promtool");
  write_file(dir + "/m.txt", exposition.substr(1));
  const std::string cmd = "promtool check metrics < " + dir + "/m.txt > " + dir + "/out.txt 2>&1";
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, read_file(dir + "/out.txt")};
}

// Connections that send half a request header and then nothing, as a slowloris client does.
class IdleConnections {
 public:
  IdleConnections(int port, int count) {
    // Each connection is a file descriptor here and one in the exporter (which inherits this limit).
    rlimit lim{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &lim) == 0);
    lim.rlim_cur = lim.rlim_max;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &lim) == 0);
    REQUIRE(lim.rlim_cur > static_cast<rlim_t>(count) + 256);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const std::string half = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/pl";
    for (int i = 0; i < count; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      REQUIRE(fd >= 0);
      fds_.push_back(fd);
      REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
      REQUIRE(::send(fd, half.data(), half.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(half.size()));
    }
  }
  ~IdleConnections() {
    for (const int fd : fds_) ::close(fd);
  }
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;

 private:
  std::vector<int> fds_;
};

}  // namespace

TEST_CASE("all ten services are collected and every seed KPI is exported", "[integration]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  const std::string text = metrics(exporter);
  for (const auto& [name, port] : sim.ports()) {
    INFO(name);
    CHECK(value_of(text, "twikit_up{service=\"" + name + "\"}") == 1);
  }
  for (const char* m : seed_metrics()) {
    INFO(m);
    CHECK(text.find("\n" + std::string(m) + "{") != std::string::npos);
  }
  CHECK(text.find("reason=\"mapping\",service=\"session_manager\"} 0") != std::string::npos);
}

TEST_CASE("promtool check metrics accepts the exporter's output in both formats", "[integration][promtool]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  const PromtoolResult text = promtool_check(metrics(exporter));
  INFO(text.output);
  CHECK(text.exit_code == 0);
  CHECK(text.output.empty());
  const std::string om = metrics(exporter, "application/openmetrics-text;version=1.0.0");
  REQUIRE(om.size() > 7);
  CHECK(om.substr(om.size() - 6) == "# EOF\n");
  // promtool 2.42 reads only the text format: OpenMetrics parses (no exit 1), but since OpenMetrics names a
  // counter family without "_total", its text parser sees each counter's samples as a family of their own
  // and lints "no help text" for them. Those are the only findings allowed; a real Prometheus, which
  // negotiates OpenMetrics, ingests it cleanly (see the next test).
  const PromtoolResult openmetrics = promtool_check(om);
  INFO(openmetrics.output);
  CHECK((openmetrics.exit_code == 0 || openmetrics.exit_code == 3));
  std::istringstream findings(openmetrics.output);
  for (std::string line; std::getline(findings, line);) {
    CHECK(std::regex_match(line, std::regex("[a-z_]+_total no help text")));
  }
}

TEST_CASE("a real Prometheus scrapes the exporter and answers for every seed KPI", "[integration][prometheus]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  const std::string target = exporter.url().substr(7);
  Prometheus prom("global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
                  "scrape_configs:\n  - job_name: twikit\n    static_configs: [{targets: ['" + target + "']}]\n");
  REQUIRE(eventually([&] { return prom.query("twikit_up == 1").size() == 10; }, 30s));
  for (const char* m : seed_metrics()) {
    INFO(m);
    CHECK(prom.query(std::string("count(") + m + ")").size() == 1);
  }
  // Prometheus asked for and parsed OpenMetrics: the target is healthy with no scrape error.
  const std::string targets = http_get(prom.url() + "/api/v1/targets");
  const auto doc = nlohmann::json::parse(targets);
  const auto& active = doc["data"]["activeTargets"];
  REQUIRE(active.size() == 1);
  CHECK(active[0]["health"] == "up");
  CHECK(active[0]["lastError"] == "");
}

TEST_CASE("each fault on one service leaves the other nine up with fresh values", "[integration][faults]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  struct Case {
    const char* fault;
    const char* reason;
  };
  const Case cases[] = {
      {R"({"mode":"error","http_status":503})", "http_status"}, {R"({"mode":"garbage"})", "invalid_json"},
      {R"({"mode":"truncate"})", "invalid_json"},               {R"({"mode":"oversize"})", "too_large"},
      {R"({"mode":"hang"})", "timeout"},                        {nullptr, "timeout"},  // latency: see below
      {R"({"mode":"down"})", "connect"},
  };
  // Answers half a timeout too late.
  const std::string late = R"({"mode":"latency","latency_ms":)" + std::to_string(kTargetTimeout.count() * 3 / 2) + "}";
  const std::string victim = "proxy_rotation";
  for (const auto& c : cases) {
    const std::string fault = c.fault ? c.fault : late;
    INFO(fault);
    REQUIRE(sim.reset() == 200);
    const std::string before = metrics(exporter);
    REQUIRE(value_of(before, "twikit_up{service=\"" + victim + "\"}") == 1);
    const std::string reason_series = "twikit_scrape_errors_total{reason=\"" + std::string(c.reason) +
                                      "\",service=\"" + victim + "\"}";
    const double errors_before = value_of(before, reason_series);
    REQUIRE(sim.fault(victim, fault) == 200);
    const std::string after = metrics(exporter);
    CHECK(value_of(after, "twikit_up{service=\"" + victim + "\"}") == 0);
    CHECK(value_of(after, reason_series) == errors_before + 1);
    CHECK(after.find("twikit_proxies{service=\"" + victim + "\"}") == std::string::npos);
    for (const auto& [name, port] : sim.ports()) {
      if (name == victim) continue;
      INFO(name);
      CHECK(value_of(after, "twikit_up{service=\"" + name + "\"}") == 1);
      const std::string ts = "twikit_last_success_timestamp_seconds{service=\"" + name + "\"}";
      CHECK(value_of(after, ts) > value_of(before, ts));
    }
  }
  sim.reset();
}

TEST_CASE("a collection with a hung service ends within its timeout plus 100 ms", "[integration][faults]") {
  const auto bound = kTargetTimeout + 100ms * kTimeoutScale;  // sanitizer builds get a wider margin
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  REQUIRE(sim.fault("retry_engine", R"({"mode":"hang"})") == 200);
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const std::string text = metrics(exporter);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < bound);
    CHECK(value_of(text, "twikit_up{service=\"retry_engine\"}") == 0);
    CHECK(value_of(text, "twikit_exporter_collection_duration_seconds") <
          std::chrono::duration<double>(bound).count());
  }
  sim.reset();
}

TEST_CASE("a bad configuration on reload keeps the old one running", "[integration]") {
  Sim sim;
  const std::string good = exporter_config_for(sim, kOnScrape);
  Exporter exporter(good);
  write_file(exporter.config_path(), "collection: {mode: never}\n");
  CHECK(http_send("POST", exporter.url() + "/-/reload", "") == 500);
  std::string text = metrics(exporter);
  CHECK(value_of(text, "twikit_exporter_config_last_reload_successful") == 0);
  CHECK(value_of(text, "twikit_up{service=\"session_manager\"}") == 1);
  write_file(exporter.config_path(), good);
  exporter.process().signal(SIGHUP);
  CHECK(eventually([&] { return value_of(metrics(exporter), "twikit_exporter_config_last_reload_successful") == 1; }));
}

TEST_CASE("the exporter refuses a bad configuration at start-up with exit code 2 and a position",
          "[integration]") {
  const std::string dir = make_temp_dir("twikit-badcfg");
  write_file(dir + "/bad.yml", "collection:\n  interval: soon\n");
  ChildProcess p({binary_path("exporter/twikit-exporter"), "--config.file=" + dir + "/bad.yml",
                  "--web.listen-address=127.0.0.1:0"},
                 {}, dir + "/err.log");
  CHECK(p.wait(5s) == 2);
  CHECK(read_file(dir + "/err.log").find(dir + "/bad.yml:2:13: not a valid duration string") != std::string::npos);
}

TEST_CASE("SIGTERM shuts the exporter down cleanly", "[integration]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  exporter.process().signal(SIGTERM);
  CHECK(exporter.process().wait(5s) == 0);
}

TEST_CASE("/health reports per-component status and degrades when a service is down", "[integration]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  metrics(exporter);
  auto health = nlohmann::json::parse(http_get(exporter.url() + "/health"));
  CHECK(health["components"].size() == 10);
  CHECK(health["components"]["session_manager"]["up"] == true);
  REQUIRE(sim.fault("rate_limit", R"({"mode":"down"})") == 200);
  metrics(exporter);
  health = nlohmann::json::parse(http_get(exporter.url() + "/health"));
  CHECK(health["status"] == "degraded");
  CHECK(health["components"]["rate_limit"]["status"] == "unhealthy");
  CHECK(health["components"]["rate_limit"]["consecutive_failures"] == 1);
  sim.reset();
}

TEST_CASE("gzip is served when the scraper accepts it", "[integration]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  twikit::CurlHttpClient http;
  twikit::HttpRequest r;
  r.url = exporter.url() + "/metrics";
  r.headers = {{"Accept-Encoding", "gzip"}};
  const auto resp = http.send(r);  // libcurl decodes it; the header proves it was compressed
  REQUIRE(resp.header("content-encoding") != nullptr);
  CHECK(*resp.header("content-encoding") == "gzip");
  CHECK(resp.body.find("twikit_up{service=\"session_manager\"} 1") != std::string::npos);
  CHECK(resp.body.find("process_resident_memory_bytes") != std::string::npos);
}

TEST_CASE("scrapes are answered while 2,000 idle connections are open (slowloris)", "[integration][slowloris]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  const int port = std::stoi(exporter.url().substr(exporter.url().rfind(':') + 1));
  IdleConnections idle(port, 2000);
  // As Prometheus scrapes, but on a new connection each time: a server that gives each connection a
  // thread has none left for it.
  const std::vector<std::pair<std::string, std::string>> scrape{
      {"Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"},
      {"Accept-Encoding", "gzip"},
      {"X-Prometheus-Scrape-Timeout-Seconds", "10"},
      {"Connection", "close"}};
  REQUIRE(eventually([&] {
    return value_of("\n" + http_get(exporter.url() + "/metrics", scrape), "twikit_exporter_http_connections_open") >= 2000;
  }));
  for (int i = 0; i < 20; ++i) {
    INFO("scrape " << i);
    const std::string text = "\n" + http_get(exporter.url() + "/metrics", scrape);
    CHECK(value_of(text, "twikit_up{service=\"session_manager\"}") == 1);
    CHECK(text.substr(text.size() - 6) == "# EOF\n");
    CHECK(value_of(text, "twikit_exporter_http_connections_rejected_total") == 0);
  }
}

TEST_CASE("wrong-typed fields patched into one service cost only their metrics; the other nine export",
          "[integration][hostile]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  const std::string victim = "session_manager";
  const std::string mapping = "twikit_scrape_errors_total{reason=\"mapping\",service=\"" + victim + "\"}";
  const double mapping_before = value_of(metrics(exporter), mapping);
  REQUIRE(sim.patch(victim, R"({"status":1,"system":{"response_time_ms":"fast"},"dependencies":[{"name":5}]})") ==
          200);
  const std::string text = metrics(exporter);
  CHECK(value_of(text, "twikit_up{service=\"" + victim + "\"}") == 1);
  CHECK(value_of(text, mapping) == mapping_before + 1);
  // The bad fields' series are gone; the rest of the document is served.
  CHECK(text.find("\ntwikit_response_time_seconds{service=\"" + victim + "\"}") == std::string::npos);
  CHECK(text.find("\ntwikit_service_healthy{service=\"" + victim + "\"}") == std::string::npos);
  CHECK(value_of(text, "twikit_requests_total{service=\"" + victim + "\"}") > 0);
  CHECK(value_of(text, "twikit_sessions{service=\"" + victim + "\"}") >= 0);
  for (const auto& [name, port] : sim.ports()) {
    if (name == victim) continue;
    INFO(name);
    CHECK(value_of(text, "twikit_up{service=\"" + name + "\"}") == 1);
    CHECK(value_of(text, "twikit_response_time_seconds{service=\"" + name + "\"}") >= 0);
    CHECK(value_of(text, "twikit_scrape_errors_total{reason=\"mapping\",service=\"" + name + "\"}") == 0);
  }
  const auto health = nlohmann::json::parse(http_get(exporter.url() + "/health"));
  const auto& component = health["components"][victim];
  CHECK(component["up"] == true);
  CHECK(component["mapping_errors"] == nlohmann::json({"status: expected a string, got number",
                                                       "system.response_time_ms: expected a number, got string",
                                                       "dependencies[0].up: not found",
                                                       "dependencies[0].latency_ms: not found"}));
  CHECK(component["dependencies"] == nlohmann::json::parse(R"([{"name":"5","up":false,"latency_seconds":0.0}])"));
  CHECK(health["components"]["rate_limit"].contains("mapping_errors") == false);
  sim.reset();
}

TEST_CASE("/health says why a service failed in the project's words", "[integration][hostile]") {
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  const std::string victim = "proxy_rotation";
  const auto last_error = [&] {
    metrics(exporter);
    return nlohmann::json::parse(http_get(exporter.url() + "/health"))["components"][victim]["last_error"];
  };
  REQUIRE(sim.fault(victim, R"({"mode":"oversize"})") == 200);
  CHECK(last_error() == "response larger than 4194304 bytes");
  REQUIRE(sim.fault(victim, R"({"mode":"error","http_status":503})") == 200);
  CHECK(last_error() == "HTTP status 503");
  REQUIRE(sim.fault(victim, R"({"mode":"down"})") == 200);
  CHECK(last_error() == "could not connect to 127.0.0.1:" + std::to_string(sim.port(victim)));
  REQUIRE(sim.fault(victim, R"({"mode":"hang"})") == 200);
  CHECK(last_error() == "no complete response within " + std::to_string(kTargetTimeout.count() / 1000) + "s");
  REQUIRE(sim.fault(victim, R"({"mode":"truncate"})") == 200);
  const std::string truncated = last_error();
  CHECK(truncated.rfind("body is not valid JSON: ", 0) == 0);
  REQUIRE(sim.fault(victim, R"({"mode":"garbage"})") == 200);
  CHECK(last_error() == "body is not valid JSON: invalid literal at line 1, column 1");
  sim.reset();
}

TEST_CASE("an empty configuration file is refused at start, check and reload unless --config.allow-empty",
          "[integration]") {
  const std::string dir = make_temp_dir("twikit-emptycfg");
  const std::string empty = dir + "/empty.yml";
  write_file(empty, "# nothing yet\n");
  const std::string refusal = empty + ":1:1: the configuration is empty: no targets to collect from (pass "
                                      "--config.allow-empty to run without targets)";
  {
    ChildProcess p({binary_path("exporter/twikit-exporter"), "--config.file=" + empty,
                    "--web.listen-address=127.0.0.1:0"},
                   {}, dir + "/start.log");
    CHECK(p.wait(5s) == 2);
    CHECK(read_file(dir + "/start.log").find(refusal) != std::string::npos);
  }
  {
    ChildProcess p({binary_path("exporter/twikit-exporter"), "--config.file=" + empty, "--config.check"}, {},
                   dir + "/check.log");
    CHECK(p.wait(5s) == 2);
    CHECK(read_file(dir + "/check.log").find(refusal) != std::string::npos);
  }
  {
    const int port = free_port();
    ChildProcess p({binary_path("exporter/twikit-exporter"), "--config.file=" + empty, "--config.allow-empty",
                    "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                   {}, dir + "/allowed.log");
    CHECK(eventually([&] { return !http_get("http://127.0.0.1:" + std::to_string(port) + "/-/healthy").empty(); }));
    p.signal(SIGTERM);
    CHECK(p.wait(5s) == 0);
  }
  Sim sim;
  Exporter exporter(exporter_config_for(sim, kOnScrape));
  write_file(exporter.config_path(), "");
  CHECK(http_send("POST", exporter.url() + "/-/reload", "") == 500);
  const std::string text = metrics(exporter);
  CHECK(value_of(text, "twikit_exporter_config_last_reload_successful") == 0);
  CHECK(value_of(text, "twikit_up{service=\"session_manager\"}") == 1);
}
