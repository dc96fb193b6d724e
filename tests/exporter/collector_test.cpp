#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <thread>

#include "common/clock.h"
#include "support/loopback_server.h"
#include "exporter/collector.h"
#include "exporter/health.h"
#include "exporter/scheduler.h"

using namespace twikit;
using namespace twikit::exporter;
using namespace std::chrono_literals;

namespace {

// One fake service whose answer each test chooses.
struct FakeService {
  testing::LoopbackServer server;
  int port = 0;
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};
  std::atomic<int> hits{0};
  std::string body = R"({"status":"healthy","metrics":{"n":5,"list":[{"id":"a","v":1},{"id":"a","v":2}]}})";
  std::mutex mu;

  FakeService() {
    server.router().add("/status", [this](const WebRequest&, WebResponse& res) {
      ++hits;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
      std::lock_guard lock(mu);
      res.status = status;
      res.set_body(body, "application/json");
    });
    port = server.start();
  }
  // Stops serving before the members a late request reads are destroyed.
  ~FakeService() { server.stop(); }
  FakeService(const FakeService&) = delete;
  FakeService& operator=(const FakeService&) = delete;

  void set_body(std::string b) {
    std::lock_guard lock(mu);
    body = std::move(b);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/status"; }
};

std::shared_ptr<ExporterConfig> config_for(const std::vector<std::pair<std::string, std::string>>& targets,
                                           CollectionMode mode = CollectionMode::interval) {
  auto cfg = std::make_shared<ExporterConfig>();
  cfg->collection.mode = mode;
  cfg->collection.max_body_bytes = 1000;
  MetricSpec n;
  n.name = "t_n";
  n.path = "metrics.n";
  MetricSpec list;
  list.name = "t_list";
  list.path = "metrics.list";
  list.each = "v";
  list.labels = {{"id", "id"}};
  cfg->services["svc"] = {n, list};
  for (const auto& [name, url] : targets) cfg->targets.push_back({name, url, "svc", 300, {}});
  return cfg;
}

// The snapshot's text body, as a client without gzip gets it.
std::string text_of(const std::shared_ptr<const Snapshot>& snapshot) {
  return snapshot->plain(ExpositionFormat::text);
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

// A complete contract document: every common metric of the default configuration maps without error.
const char* kContractDocument = R"({"service":"svc","version":"1.0","uptime_seconds":5,"status":"healthy",
  "system":{"requests_total":100,"errors_total":1,"response_time_ms":40},
  "dependencies":[{"name":"pg","up":true,"latency_ms":2}],"metrics":{"n":5,"list":[{"id":"a","v":1}]}})";

// The default configuration's common metrics plus config_for()'s, for targets `bad` and `good`.
std::shared_ptr<ExporterConfig> contract_config_for(const std::string& bad_url, const std::string& good_url) {
  auto cfg = config_for({{"bad", bad_url}, {"good", good_url}});
  cfg->common_metrics = load_config_string(default_config_text(), "default").common_metrics;
  cfg->collection.max_body_bytes = 300'000;
  return cfg;
}

// The /health component of `target` in `snapshot`.
nlohmann::json component(const std::shared_ptr<const Snapshot>& snapshot, const std::string& target) {
  const nlohmann::json doc = health_document(snapshot.get(), 0);
  CHECK_NOTHROW(doc.dump());  // strict UTF-8: throws if anything invalid got in
  return doc["components"][target];
}

}  // namespace

TEST_CASE("a healthy target is up and its mapped values are served") {
  FakeService svc;
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"one", svc.url()}}), http, clock);
  auto snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_up{service=\"one\"} 1"));
  CHECK(has_line(text_of(snap), "t_n{service=\"one\"} 5"));
  CHECK(snap->targets[0].status == "healthy");
}

TEST_CASE("a repeated label set from bad service data is dropped and counted, not emitted twice") {
  FakeService svc;
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"one", svc.url()}}), http, clock);
  auto snap = c.collect();
  CHECK(has_line(text_of(snap), "t_list{id=\"a\",service=\"one\"} 1"));
  CHECK_FALSE(has_line(text_of(snap), "t_list{id=\"a\",service=\"one\"} 2"));
  CHECK(snap->duplicates_dropped == 1);
}

TEST_CASE("each failure mode is counted under its reason and old values are not served as fresh") {
  FakeService svc;
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"one", svc.url()}}), http, clock);
  REQUIRE(has_line(text_of(c.collect()), "t_n{service=\"one\"} 5"));

  svc.status = 503;
  auto snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_up{service=\"one\"} 0"));
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"http_status\",service=\"one\"} 1"));
  CHECK(text_of(snap).find("t_n{") == std::string::npos);

  svc.status = 200;
  svc.set_body("{not json");
  snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"invalid_json\",service=\"one\"} 1"));

  svc.set_body(std::string(5000, ' ') + "{}");
  snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"too_large\",service=\"one\"} 1"));

  svc.set_body(R"({"metrics":{"n":"many"}})");
  snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_up{service=\"one\"} 1"));
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"mapping\",service=\"one\"} 1"));

  svc.set_body("{}");
  svc.delay_ms = 1000;
  snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"timeout\",service=\"one\"} 1"));
  CHECK(snap->targets[0].consecutive_failures == 1);
}

TEST_CASE("a refused connection is reason connect and other targets stay up") {
  FakeService good;
  int dead_port = 0;
  {
    FakeService gone;
    dead_port = gone.port;
  }
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"good", good.url()}, {"dead", "http://127.0.0.1:" + std::to_string(dead_port) + "/status"}}),
              http, clock);
  auto snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_up{service=\"good\"} 1"));
  CHECK(has_line(text_of(snap), "twikit_up{service=\"dead\"} 0"));
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"connect\",service=\"dead\"} 1"));
}

TEST_CASE("a connection closed without an answer is reason other, with libcurl's message, not connect") {
  // A listener that accepts one connection, reads the request and closes it without an answer.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const std::string authority = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  std::thread closer([listener] {
    const int conn = ::accept(listener, nullptr, nullptr);
    if (conn < 0) return;
    std::string request;
    char buf[1024];
    ssize_t n = 0;
    while (request.find("\r\n\r\n") == std::string::npos && (n = ::recv(conn, buf, sizeof buf, 0)) > 0) {
      request.append(buf, static_cast<std::size_t>(n));
    }
    ::close(conn);
  });
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"mute", "http://" + authority + "/status"}}), http, clock);
  auto snap = c.collect();
  closer.join();
  ::close(listener);
  CHECK(has_line(text_of(snap), "twikit_up{service=\"mute\"} 0"));
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"other\",service=\"mute\"} 1"));
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"connect\",service=\"mute\"} 0"));
  CHECK(component(snap, "mute")["last_error"] ==
        "request to " + authority + " failed: Server returned nothing (no headers, no data)");
}

TEST_CASE("counters survive a reload through carry_over_from") {
  FakeService svc;
  svc.status = 500;
  CurlHttpClient http;
  SystemClock clock;
  auto cfg = config_for({{"one", svc.url()}});
  Collector old(cfg, http, clock);
  old.collect();
  Collector fresh(cfg, http, clock);
  fresh.carry_over_from(old);
  auto snap = fresh.collect();
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"http_status\",service=\"one\"} 2"));
}

TEST_CASE("concurrent on-scrape requests share one collection") {
  FakeService svc;
  svc.delay_ms = 200;
  CurlHttpClient http;
  SystemClock clock;
  Scheduler scheduler(std::make_shared<Collector>(config_for({{"one", svc.url()}}, CollectionMode::on_scrape),
                                                  http, clock));
  std::vector<std::thread> scrapes;
  std::atomic<int> served{0};
  for (int i = 0; i < 5; ++i) {
    scrapes.emplace_back([&] {
      if (scheduler.snapshot(2s)) ++served;
    });
    std::this_thread::sleep_for(10ms);
  }
  for (auto& t : scrapes) t.join();
  CHECK(served == 5);
  CHECK(svc.hits == 1);
}

TEST_CASE("the on-scrape deadline caps a slow target's timeout") {
  FakeService svc;
  svc.delay_ms = 1000;
  CurlHttpClient http;
  SystemClock clock;
  auto cfg = config_for({{"one", svc.url()}}, CollectionMode::on_scrape);
  cfg->targets[0].timeout_ms = 5000;
  Scheduler scheduler(std::make_shared<Collector>(cfg, http, clock));
  const auto start = std::chrono::steady_clock::now();
  auto snap = scheduler.snapshot(150ms);
  CHECK(std::chrono::steady_clock::now() - start < 400ms);
  CHECK(has_line(text_of(snap), "twikit_up{service=\"one\"} 0"));
}

TEST_CASE("a snapshot renders each body once, on first use, and its gzip body inflates to its plain body") {
  FakeService svc;
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"one", svc.url()}}), http, clock);
  auto snap = c.collect();
  // Requests arriving together share one rendering.
  std::vector<const std::string*> seen(4);
  std::vector<const GzipPrefix*> seen_gzip(4);
  std::vector<std::thread> requests;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    requests.emplace_back([&snap, &seen, &seen_gzip, i] {
      seen[i] = &snap->plain(ExpositionFormat::text);
      seen_gzip[i] = &snap->gzip(ExpositionFormat::text);
    });
  }
  for (auto& t : requests) t.join();
  const std::string& first = snap->plain(ExpositionFormat::text);
  for (const auto* s : seen) CHECK(s == &first);
  for (const auto* g : seen_gzip) CHECK(g == &snap->gzip(ExpositionFormat::text));
  CHECK(inflate_prefix(snap->gzip(ExpositionFormat::text)) == first);
  CHECK(has_line(first, "t_n{service=\"one\"} 5"));

  const std::string& om = snap->plain(ExpositionFormat::openmetrics);
  CHECK(inflate_prefix(snap->gzip(ExpositionFormat::openmetrics)) == om);
  CHECK(has_line(om, "# TYPE twikit_scrape_errors counter"));
  CHECK(om.find("# EOF") == std::string::npos);  // each response appends its own metrics, then EOF
}

TEST_CASE("a wrong-typed field is a counted mapping error with its JSON path; the rest of the target is served") {
  FakeService bad;
  FakeService good;
  good.set_body(kContractDocument);
  CurlHttpClient http;
  SystemClock clock;
  Collector c(contract_config_for(bad.url(), good.url()), http, clock);
  struct Case {
    const char* patch;
    std::vector<std::string> errors;
    const char* missing_series;  // the one series the bad field costs
  };
  const Case cases[] = {
      {R"({"status":1})", {"status: expected a string, got number"}, "twikit_service_healthy{service=\"bad\"}"},
      {R"({"system":{"response_time_ms":"fast"}})", {"system.response_time_ms: expected a number, got string"},
       "twikit_response_time_seconds{service=\"bad\"}"},
      {R"({"dependencies":[{"name":"pg","up":"yes","latency_ms":2}]})",
       {"dependencies[0].up: expected a number, got string"}, "twikit_dependency_up{dependency=\"pg\",service=\"bad\"}"},
      {R"({"dependencies":[{"name":5}]})", {"dependencies[0].up: not found", "dependencies[0].latency_ms: not found"},
       "twikit_dependency_up{dependency=\"5\",service=\"bad\"}"},
      {R"({"metrics":{"n":"many"}})", {"metrics.n: expected a number, got string"}, "t_n{service=\"bad\"}"},
      {R"({"uptime_seconds":{"s":1}})", {"uptime_seconds: expected a number, got object"},
       "twikit_service_uptime_seconds{service=\"bad\"}"},
  };
  double mapping_errors = 0;
  for (const auto& k : cases) {
    INFO(k.patch);
    nlohmann::json doc = nlohmann::json::parse(kContractDocument);
    doc.merge_patch(nlohmann::json::parse(k.patch));
    bad.set_body(doc.dump());
    auto snap = c.collect();
    const std::string text = text_of(snap);
    CHECK(has_line(text, "twikit_up{service=\"bad\"} 1"));
    CHECK(has_line(text, "twikit_scrape_errors_total{reason=\"mapping\",service=\"bad\"} " +
                             std::to_string(static_cast<int>(++mapping_errors))));
    CHECK(text.find(std::string("\n") + k.missing_series + " ") == std::string::npos);
    CHECK(has_line(text, "twikit_requests_total{service=\"bad\"} 100"));  // the good fields of the bad target
    CHECK(has_line(text, "t_list{id=\"a\",service=\"bad\"} 1"));
    CHECK(has_line(text, "twikit_up{service=\"good\"} 1"));
    CHECK(has_line(text, "twikit_scrape_errors_total{reason=\"mapping\",service=\"good\"} 0"));
    CHECK(has_line(text, "twikit_response_time_seconds{service=\"good\"} 0.04"));
    const nlohmann::json health = component(snap, "bad");
    CHECK(health["up"] == true);
    CHECK(health["mapping_errors"] == nlohmann::json(k.errors));
    CHECK_FALSE(health.contains("last_error"));
    CHECK_FALSE(component(snap, "good").contains("mapping_errors"));
  }
}

TEST_CASE("a dependency named by a number is exported and shown under that number") {
  FakeService svc;
  nlohmann::json doc = nlohmann::json::parse(kContractDocument);
  doc["dependencies"] = nlohmann::json::parse(R"([{"name":5,"up":true,"latency_ms":3}])");
  svc.set_body(doc.dump());
  CurlHttpClient http;
  SystemClock clock;
  Collector c(contract_config_for(svc.url(), svc.url()), http, clock);
  auto snap = c.collect();
  CHECK(has_line(text_of(snap), "twikit_dependency_up{dependency=\"5\",service=\"bad\"} 1"));
  CHECK(component(snap, "bad")["dependencies"] ==
        nlohmann::json::parse(R"([{"name":"5","up":true,"latency_seconds":0.003}])"));
  CHECK(has_line(text_of(snap), "twikit_scrape_errors_total{reason=\"mapping\",service=\"bad\"} 0"));
}

TEST_CASE("invalid UTF-8 from a service reaches neither the exposition nor /health unreplaced") {
  FakeService bad;
  FakeService good;
  good.set_body(kContractDocument);
  std::string body = kContractDocument;
  body.replace(body.find("1.0"), 3, "1.\xff");
  body.replace(body.find(R"("pg")"), 4, "\"p\xc3g\"");
  bad.set_body(body);
  CurlHttpClient http;
  SystemClock clock;
  Collector c(contract_config_for(bad.url(), good.url()), http, clock);
  auto snap = c.collect();
  const std::string text = text_of(snap);
  CHECK(has_line(text, "twikit_service_info{service=\"bad\",version=\"1.\xEF\xBF\xBD\"} 1"));
  CHECK(has_line(text, "twikit_dependency_up{dependency=\"p\xEF\xBF\xBDg\",service=\"bad\"} 1"));
  CHECK(has_line(text, "twikit_scrape_errors_total{reason=\"mapping\",service=\"bad\"} 1"));
  const nlohmann::json health = component(snap, "bad");
  CHECK(health["mapping_errors"] == nlohmann::json({"dependencies[0].name: invalid UTF-8 replaced with U+FFFD",
                                                    "version: invalid UTF-8 replaced with U+FFFD"}));
  CHECK(health["dependencies"][0]["name"] == "p\xEF\xBF\xBDg");
  CHECK(has_line(text, "twikit_up{service=\"good\"} 1"));
}

TEST_CASE("a broken body or transport failure is up 0 with its reason counted and said in the project's words") {
  FakeService bad;
  FakeService good;
  good.set_body(kContractDocument);
  CurlHttpClient http;
  SystemClock clock;
  Collector c(contract_config_for(bad.url(), good.url()), http, clock);
  struct Case {
    std::string body;
    int status;
    const char* reason;
    const char* error;
  };
  const Case cases[] = {
      {"[1,2]", 200, "mapping", "document root: expected an object, got array"},
      {std::string(100'000, '[') + std::string(100'000, ']'), 200, "invalid_json",
       "body is nested deeper than 64 levels (at byte 65)"},
      {"{not json", 200, "invalid_json", "body is not valid JSON: invalid literal at line 1, column 3"},
      {"", 200, "invalid_json", "body is empty"},
      {R"({"system":{"response_time_ms":1e400}})", 200, "invalid_json",
       "body is not valid JSON: number 1e400 is out of range"},
      {R"({"padding":")" + std::string(300'000, 'x') + R"("})", 200, "too_large", "response larger than 300000 bytes"},
      {kContractDocument, 503, "http_status", "HTTP status 503"},
  };
  std::map<std::string, int> counted;
  for (const auto& k : cases) {
    INFO(k.error);
    bad.set_body(k.body);
    bad.status = k.status;
    auto snap = c.collect();
    const std::string text = text_of(snap);
    CHECK(has_line(text, "twikit_up{service=\"bad\"} 0"));
    CHECK(has_line(text, "twikit_scrape_errors_total{reason=\"" + std::string(k.reason) + "\",service=\"bad\"} " +
                             std::to_string(++counted[k.reason])));
    CHECK(text.find("t_n{service=\"bad\"}") == std::string::npos);
    CHECK(has_line(text, "twikit_up{service=\"good\"} 1"));
    CHECK(has_line(text, "t_n{service=\"good\"} 5"));
    const nlohmann::json health = component(snap, "bad");
    CHECK(health["last_error"] == k.error);
    CHECK_FALSE(health.contains("mapping_errors"));
  }
}

TEST_CASE("a timeout and a refused connection are said with the limit and the address") {
  FakeService slow;
  slow.delay_ms = 1000;
  int dead_port = 0;
  {
    FakeService gone;
    dead_port = gone.port;
  }
  const std::string dead = "127.0.0.1:" + std::to_string(dead_port);
  CurlHttpClient http;
  SystemClock clock;
  Collector c(contract_config_for(slow.url(), "http://" + dead + "/status"), http, clock);
  auto snap = c.collect();
  CHECK(component(snap, "bad")["last_error"] == "no complete response within 300ms");
  CHECK(component(snap, "good")["last_error"] == "could not connect to " + dead);
}

namespace {

// `body` with the value of every twikit_scrape_duration_seconds sample replaced by "D": the one value of a
// collection that the wall clock of the HTTP transfer decides.
std::string without_durations(const std::string& body) {
  std::string out;
  std::size_t at = 0;
  while (at < body.size()) {
    std::size_t end = body.find('\n', at);
    end = end == std::string::npos ? body.size() : end + 1;
    std::string line = body.substr(at, end - at);
    if (line.rfind("twikit_scrape_duration_seconds{", 0) == 0) line = line.substr(0, line.rfind(' ') + 1) + "D\n";
    out += line;
    at = end;
  }
  return out;
}

}  // namespace

TEST_CASE("a collection's bodies are exactly the families in first-seen order, targets in config order, repeats dropped") {
  FakeService a;
  a.set_body(R"({"status":"degraded","version":"1.2\"x\\y","metrics":{"n":5,
    "list":[{"id":"a","v":1},{"id":"b","v":2.5},{"id":"a","v":3}],"risk":"high"}})");
  FakeService b;
  b.status = 500;
  FakeService c;
  c.set_body(R"({"status":"healthy","version":"2.0","metrics":{"n":1e300,"list":[{"id":"line\nbreak","v":-0.0}],"risk":"low"}})");
  const std::string config_text = R"(collection: {mode: interval, interval: 15s, max_body_bytes: 100000}
targets:
  - {name: a, url: ")" + a.url() + R"(", service: first, timeout: 2s}
  - {name: b, url: ")" + b.url() + R"(", service: first, timeout: 2s}
  - {name: c, url: ")" + c.url() + R"(", service: second, timeout: 2s}
common_metrics:
  - {name: t_healthy, type: gauge, path: status, value_map: {healthy: 1, degraded: 0.5}, help: "Health \"quoted\" \\ back."}
  - {name: t_info, type: gauge, value: 1, labels: {version: version}}
services:
  first:
    - {name: t_list_total, type: counter, path: metrics.list, each: v, labels: {id: id}, help: "Listed."}
    - {name: t_n, type: gauge, path: metrics.n, help: "N."}
  second:
    - {name: t_risk, type: gauge, path: metrics.risk, state_set: {label: level, states: [low, high]}, help: "Risk."}
    - {name: t_list_total, type: counter, path: metrics.list, each: v, labels: {id: id}, help: "Listed again."}
)";
  auto config = std::make_shared<ExporterConfig>(load_config_string(config_text, "golden.yaml"));
  CurlHttpClient http;
  FakeClock clock(1'700'000'000'123);
  Collector collector(config, http, clock);
  collector.collect();
  clock.advance_ms(15'000);
  const auto snap = collector.collect();

  // Main's output before the targets were rendered apart (the OpenMetrics body differs only in the family
  // lines of counters).
  const std::string text = R"golden(# HELP twikit_up Whether the last collection from the service succeeded (1) or not (0). (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_up gauge
twikit_up{service="a"} 1
twikit_up{service="b"} 0
twikit_up{service="c"} 1
# HELP twikit_scrape_duration_seconds How long the last collection from the service took. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_scrape_duration_seconds gauge
twikit_scrape_duration_seconds{service="a"} D
twikit_scrape_duration_seconds{service="b"} D
twikit_scrape_duration_seconds{service="c"} D
# HELP twikit_scrape_errors_total Failed collections from the service, by reason. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_scrape_errors_total counter
twikit_scrape_errors_total{reason="connect",service="a"} 0
twikit_scrape_errors_total{reason="http_status",service="a"} 0
twikit_scrape_errors_total{reason="invalid_json",service="a"} 0
twikit_scrape_errors_total{reason="mapping",service="a"} 0
twikit_scrape_errors_total{reason="other",service="a"} 0
twikit_scrape_errors_total{reason="timeout",service="a"} 0
twikit_scrape_errors_total{reason="too_large",service="a"} 0
twikit_scrape_errors_total{reason="connect",service="b"} 0
twikit_scrape_errors_total{reason="http_status",service="b"} 2
twikit_scrape_errors_total{reason="invalid_json",service="b"} 0
twikit_scrape_errors_total{reason="mapping",service="b"} 0
twikit_scrape_errors_total{reason="other",service="b"} 0
twikit_scrape_errors_total{reason="timeout",service="b"} 0
twikit_scrape_errors_total{reason="too_large",service="b"} 0
twikit_scrape_errors_total{reason="connect",service="c"} 0
twikit_scrape_errors_total{reason="http_status",service="c"} 0
twikit_scrape_errors_total{reason="invalid_json",service="c"} 0
twikit_scrape_errors_total{reason="mapping",service="c"} 0
twikit_scrape_errors_total{reason="other",service="c"} 0
twikit_scrape_errors_total{reason="timeout",service="c"} 0
twikit_scrape_errors_total{reason="too_large",service="c"} 0
# HELP twikit_last_success_timestamp_seconds Unix time of the last successful collection from the service. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_last_success_timestamp_seconds gauge
twikit_last_success_timestamp_seconds{service="a"} 1700000015.123
twikit_last_success_timestamp_seconds{service="c"} 1700000015.123
# HELP t_healthy Health "quoted" \\ back. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_healthy gauge
t_healthy{service="a"} 0.5
t_healthy{service="c"} 1
# HELP t_info  (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_info gauge
t_info{service="a",version="1.2\"x\\y"} 1
t_info{service="c",version="2.0"} 1
# HELP t_list_total Listed. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_list_total counter
t_list_total{id="a",service="a"} 1
t_list_total{id="b",service="a"} 2.5
t_list_total{id="line\nbreak",service="c"} 0
# HELP t_n N. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_n gauge
t_n{service="a"} 5
# HELP t_risk Risk. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_risk gauge
t_risk{level="low",service="c"} 1
t_risk{level="high",service="c"} 0
)golden";
  const std::string openmetrics = R"golden(# HELP twikit_up Whether the last collection from the service succeeded (1) or not (0). (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_up gauge
twikit_up{service="a"} 1
twikit_up{service="b"} 0
twikit_up{service="c"} 1
# HELP twikit_scrape_duration_seconds How long the last collection from the service took. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_scrape_duration_seconds gauge
twikit_scrape_duration_seconds{service="a"} D
twikit_scrape_duration_seconds{service="b"} D
twikit_scrape_duration_seconds{service="c"} D
# HELP twikit_scrape_errors Failed collections from the service, by reason. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_scrape_errors counter
twikit_scrape_errors_total{reason="connect",service="a"} 0
twikit_scrape_errors_total{reason="http_status",service="a"} 0
twikit_scrape_errors_total{reason="invalid_json",service="a"} 0
twikit_scrape_errors_total{reason="mapping",service="a"} 0
twikit_scrape_errors_total{reason="other",service="a"} 0
twikit_scrape_errors_total{reason="timeout",service="a"} 0
twikit_scrape_errors_total{reason="too_large",service="a"} 0
twikit_scrape_errors_total{reason="connect",service="b"} 0
twikit_scrape_errors_total{reason="http_status",service="b"} 2
twikit_scrape_errors_total{reason="invalid_json",service="b"} 0
twikit_scrape_errors_total{reason="mapping",service="b"} 0
twikit_scrape_errors_total{reason="other",service="b"} 0
twikit_scrape_errors_total{reason="timeout",service="b"} 0
twikit_scrape_errors_total{reason="too_large",service="b"} 0
twikit_scrape_errors_total{reason="connect",service="c"} 0
twikit_scrape_errors_total{reason="http_status",service="c"} 0
twikit_scrape_errors_total{reason="invalid_json",service="c"} 0
twikit_scrape_errors_total{reason="mapping",service="c"} 0
twikit_scrape_errors_total{reason="other",service="c"} 0
twikit_scrape_errors_total{reason="timeout",service="c"} 0
twikit_scrape_errors_total{reason="too_large",service="c"} 0
# HELP twikit_last_success_timestamp_seconds Unix time of the last successful collection from the service. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE twikit_last_success_timestamp_seconds gauge
twikit_last_success_timestamp_seconds{service="a"} 1700000015.123
twikit_last_success_timestamp_seconds{service="c"} 1700000015.123
# HELP t_healthy Health \"quoted\" \\ back. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_healthy gauge
t_healthy{service="a"} 0.5
t_healthy{service="c"} 1
# HELP t_info  (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_info gauge
t_info{service="a",version="1.2\"x\\y"} 1
t_info{service="c",version="2.0"} 1
# HELP t_list Listed. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_list counter
t_list_total{id="a",service="a"} 1
t_list_total{id="b",service="a"} 2.5
t_list_total{id="line\nbreak",service="c"} 0
# HELP t_n N. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_n gauge
t_n{service="a"} 5
# HELP t_risk Risk. (Collected every 15s in the background; see twikit_exporter_last_collection_timestamp_seconds.)
# TYPE t_risk gauge
t_risk{level="low",service="c"} 1
t_risk{level="high",service="c"} 0
)golden";
  CHECK(without_durations(snap->plain(ExpositionFormat::text)) == text);
  CHECK(without_durations(snap->plain(ExpositionFormat::openmetrics)) == openmetrics);
  CHECK(inflate_prefix(snap->gzip(ExpositionFormat::text)) == snap->plain(ExpositionFormat::text));
  CHECK(inflate_prefix(snap->gzip(ExpositionFormat::openmetrics)) == snap->plain(ExpositionFormat::openmetrics));
  CHECK(snap->series == 39);
  CHECK(snap->duplicates_dropped == 2);
}
