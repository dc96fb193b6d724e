// The routes through a real WebServer on loopback and the project's HTTP client: documents served from
// the current snapshot, 503 before the first one and on an unhealthy health document, JSON errors.
#include <catch2/catch.hpp>

#include <thread>

#include "alertd/dashboard/dashboard_routes.h"
#include "common/http_client.h"
#include "common/web_server.h"
#include "fixture.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;

namespace {

// A WebServer on 127.0.0.1:0 serving the dashboard routes of `snapshots`.
class Server {
 public:
  explicit Server(const DashboardSnapshots& snapshots) : server_(router(snapshots), WebServerOptions{}) {
    port_ = server_.bind("127.0.0.1:0");
    server_.start();
  }
  ~Server() { server_.stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  HttpResponse send(const std::string& path, const std::string& method = "GET") {
    HttpRequest req;
    req.method = method;
    req.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    req.timeout = std::chrono::milliseconds(5000);
    return client_.send(req);
  }

 private:
  static WebRouter router(const DashboardSnapshots& snapshots) {
    WebRouter r(WebErrorFormat::json);
    add_dashboard_routes(r, snapshots);
    return r;
  }

  WebServer server_;
  CurlHttpClient client_;
  int port_ = 0;
};

}  // namespace

TEST_CASE("before the first snapshot the three documents answer 503 with a JSON error") {
  DashboardSnapshots snapshots;
  Server server(snapshots);
  for (const char* path : {"/api/monitoring/dashboard", "/api/monitoring/metrics", "/api/monitoring/health"}) {
    const HttpResponse res = server.send(path);
    CHECK(res.status == 503);
    CHECK(*res.header("content-type") == "application/json");
    CHECK(res.body ==
          R"({"error":"the monitoring documents are not built yet: waiting for the first scrape",)"
          R"("errorType":"unavailable","status":"error"})"
          "\n");
  }
}

TEST_CASE("the routes serve the current snapshot's documents as JSON") {
  storage::SeriesStore store;
  fill_two_services(store);
  DashboardSnapshots snapshots;
  snapshots.rebuild(inputs_for(store));
  Server server(snapshots);
  const HttpResponse dashboard = server.send("/api/monitoring/dashboard");
  CHECK(dashboard.status == 200);
  CHECK(*dashboard.header("content-type") == "application/json");
  CHECK(*dashboard.header("cache-control") == "no-store");
  CHECK(dashboard.body == *snapshots.dashboard());
  const HttpResponse metrics = server.send("/api/monitoring/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body == *snapshots.metrics());
  const HttpResponse health = server.send("/api/monitoring/health");
  CHECK(health.status == 200);  // degraded is still served with 200
  CHECK(health.body == *snapshots.health());
  const HttpResponse post = server.send("/api/monitoring/dashboard", "POST");
  CHECK(post.status == 405);
  CHECK(post.body == R"({"error":"Method Not Allowed","errorType":"method_not_allowed","status":"error"})" "\n");
}

TEST_CASE("the health document is served with 503 once a rebuild finds a scrape target down") {
  storage::SeriesStore store;
  fill_two_services(store);
  DashboardSnapshots snapshots;
  SnapshotInputs in = inputs_for(store);
  snapshots.rebuild(in);
  Server server(snapshots);
  CHECK(server.send("/api/monitoring/health").status == 200);
  in.targets = {target("down", "connection refused")};
  snapshots.rebuild(in);
  const HttpResponse res = server.send("/api/monitoring/health");
  CHECK(res.status == 503);
  CHECK(res.body == *snapshots.health());
  CHECK(server.send("/api/monitoring/dashboard").status == 200);
}

TEST_CASE("readers share one serialized document until a rebuild, and keep theirs afterwards") {
  storage::SeriesStore store;
  fill_two_services(store);
  DashboardSnapshots snapshots;
  CHECK(snapshots.dashboard() == nullptr);
  snapshots.rebuild(inputs_for(store));
  const auto first = snapshots.dashboard();
  CHECK(snapshots.dashboard().get() == first.get());  // a pointer copy, not a rebuild
  const std::string text = *first;
  SnapshotInputs later = inputs_for(store);
  later.now = kNow + 1000;
  snapshots.rebuild(later);
  CHECK(snapshots.dashboard().get() != first.get());
  CHECK(*first == text);  // the old document lives as long as its reader holds it
}

TEST_CASE("rebuilds and reads may run at once") {
  storage::SeriesStore store;
  fill_two_services(store);
  DashboardSnapshots snapshots;
  snapshots.rebuild(inputs_for(store));
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i) {
      SnapshotInputs in = inputs_for(store);
      in.now = kNow + i;
      snapshots.rebuild(in);
    }
  });
  std::size_t bytes = 0;
  for (int i = 0; i < 500; ++i) bytes += snapshots.health()->size() + snapshots.metrics()->size();
  writer.join();
  CHECK(bytes > 0);
  CHECK(snapshots.current()->built_at == kNow + 49);
}
