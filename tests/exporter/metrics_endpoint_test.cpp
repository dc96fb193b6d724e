#include <catch2/catch.hpp>


#include "exporter/metrics_endpoint.h"
#include "support/canned_http_client.h"
#include "support/gzip.h"

using namespace twikit;
using namespace twikit::exporter;
using twikit::testing::CannedHttpClient;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<ExporterConfig> config() {
  auto cfg = std::make_shared<ExporterConfig>();
  // One collection for the whole test, so that every request serves the same snapshot.
  cfg->collection.mode = CollectionMode::interval;
  cfg->collection.interval_ms = 3600 * 1000;
  MetricSpec n;
  n.name = "t_n";
  n.path = "metrics.n";
  MetricSpec list;
  list.name = "t_events_total";
  list.type = "counter";
  list.help = "Events by id.";
  list.path = "metrics.list";
  list.each = "v";
  list.labels = {{"id", "id"}};
  cfg->services["svc"] = {n, list};
  cfg->targets.push_back({"one", "http://127.0.0.1:1/status", "svc", 300, {}});
  return cfg;
}

struct Served {
  std::string content_type;
  std::string content_encoding;
  std::string body;  // as sent on the wire
};

Served get(Scheduler& scheduler, const SelfMetrics& self, const std::string& accept,
           const std::string& accept_encoding) {
  WebRequest req;
  req.method = "GET";
  req.path = "/metrics";
  if (!accept.empty()) req.headers.set("Accept", accept);
  if (!accept_encoding.empty()) req.headers.set("Accept-Encoding", accept_encoding);
  WebResponse res;
  serve_metrics(req, res, scheduler, self);
  Served out;
  out.content_type = res.headers.get("Content-Type");
  out.content_encoding = res.headers.get("Content-Encoding");
  out.body = res.body();  // the parts in order, as the server writes them
  return out;
}


// The body up to the exporter's own metrics, which change from one request to the next.
std::string service_part(const std::string& body) {
  const auto at = body.find("# HELP twikit_exporter_build_info");
  REQUIRE(at != std::string::npos);
  return body.substr(0, at);
}

const char* kOpenMetrics = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
const char* kDocument = R"({"metrics":{"n":5,"list":[{"id":"a","v":1},{"id":"b","v":2}]}})";

}  // namespace

TEST_CASE("OpenMetrics is served whole to a scraper that does not accept gzip") {
  CannedHttpClient http(kDocument);
  SystemClock clock;
  Scheduler scheduler(std::make_shared<Collector>(config(), http, clock));
  scheduler.start();
  SelfMetrics self;
  const Served plain = get(scheduler, self, kOpenMetrics, "");
  CHECK(plain.content_encoding.empty());
  CHECK(plain.content_type == content_type(ExpositionFormat::openmetrics));
  CHECK(plain.body.rfind("# HELP twikit_up ", 0) == 0);
  CHECK(plain.body.find("\n# TYPE t_events counter\nt_events_total{id=\"a\",service=\"one\"} 1\n"
                        "t_events_total{id=\"b\",service=\"one\"} 2\n") !=
        std::string::npos);
  CHECK(plain.body.find("\nt_n{service=\"one\"} 5\n") != std::string::npos);
  CHECK(plain.body.substr(plain.body.size() - 6) == "# EOF\n");
  CHECK(plain.body.find("# EOF") == plain.body.size() - 6);

  const Served gz = get(scheduler, self, kOpenMetrics, "gzip");
  CHECK(gz.content_encoding == "gzip");
  const std::string decoded = twikit::testing::gunzip(gz.body);
  CHECK(service_part(decoded) == service_part(plain.body));
  CHECK(decoded.substr(decoded.size() - 6) == "# EOF\n");
}

TEST_CASE("the text format is the same with and without gzip, and has no EOF line") {
  CannedHttpClient http(kDocument);
  SystemClock clock;
  Scheduler scheduler(std::make_shared<Collector>(config(), http, clock));
  scheduler.start();
  SelfMetrics self;
  const Served plain = get(scheduler, self, "", "");
  CHECK(plain.content_encoding.empty());
  CHECK(plain.content_type == content_type(ExpositionFormat::text));
  CHECK(plain.body.find("\n# TYPE t_events_total counter\nt_events_total{id=\"a\",service=\"one\"} 1\n") !=
        std::string::npos);
  CHECK(plain.body.find("# EOF") == std::string::npos);

  const Served gz = get(scheduler, self, "", "gzip, deflate");
  CHECK(gz.content_encoding == "gzip");
  const std::string decoded = twikit::testing::gunzip(gz.body);
  CHECK(service_part(decoded) == service_part(plain.body));
  CHECK(decoded.find("\nprocess_resident_memory_bytes ") != std::string::npos);
}

TEST_CASE("families the wiring adds (the web server's) are served with the exporter's own") {
  CannedHttpClient http(kDocument);
  SystemClock clock;
  Scheduler scheduler(std::make_shared<Collector>(config(), http, clock));
  scheduler.start();
  SelfMetrics self;
  WebRequest req;
  WebResponse res;
  self.add([] {
    return std::vector<prometheus::MetricFamily>{single_value(
        "twikit_exporter_http_connections_open", "HTTP connections open now.", prometheus::MetricType::Gauge, 3)};
  });
  serve_metrics(req, res, scheduler, self);
  CHECK(res.body().find("# HELP twikit_exporter_http_connections_open HTTP connections open now.\n"
                        "# TYPE twikit_exporter_http_connections_open gauge\n"
                        "twikit_exporter_http_connections_open 3\n") != std::string::npos);
}
