#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "common/http_server.h"
#include "exporter/collector.h"
#include "exporter/scheduler.h"

using namespace twikit;
using namespace twikit::exporter;
using namespace std::chrono_literals;

namespace {

// One fake service whose answer each test chooses.
struct FakeService {
  HttpServer server;
  int port = 0;
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};
  std::atomic<int> hits{0};
  std::string body = R"({"status":"healthy","metrics":{"n":5,"list":[{"id":"a","v":1},{"id":"a","v":2}]}})";
  std::mutex mu;

  FakeService() {
    server.raw().Get("/status", [this](const httplib::Request&, httplib::Response& res) {
      ++hits;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
      std::lock_guard lock(mu);
      res.status = status;
      res.set_content(body, "application/json");
    });
    port = server.bind("127.0.0.1:0");
    server.start();
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

TEST_CASE("a snapshot keeps its bodies compressed and inflates a plain copy once, on first use") {
  FakeService svc;
  CurlHttpClient http;
  SystemClock clock;
  Collector c(config_for({{"one", svc.url()}}), http, clock);
  auto snap = c.collect();
  // Requests arriving together share one inflate.
  std::vector<const std::string*> seen(4);
  std::vector<std::thread> requests;
  for (auto& s : seen) requests.emplace_back([&snap, &s] { s = &snap->plain(ExpositionFormat::text); });
  for (auto& t : requests) t.join();
  const std::string& first = snap->plain(ExpositionFormat::text);
  for (const auto* s : seen) CHECK(s == &first);
  CHECK(first.size() == snap->text_gzip.size);
  CHECK(has_line(first, "t_n{service=\"one\"} 5"));

  const std::string& om = snap->plain(ExpositionFormat::openmetrics);
  CHECK(om.size() == snap->openmetrics_gzip.size);
  CHECK(has_line(om, "# TYPE twikit_scrape_errors counter"));
  CHECK(om.find("# EOF") == std::string::npos);  // each response appends its own metrics, then EOF
}
