// The whole daemon in-process: App with a recording notification hub.

#include <catch2/catch.hpp>

#include <filesystem>
#include <mutex>
#include <stdexcept>

#include <httplib.h>

#include "alertd/app/app.h"
#include "alertd/app/rule_state.h"
#include "support/exposition_server.h"
#include "support/process.h"

namespace {

/// Records what the App hands to the notification side.
class RecordingHub final : public twikit::app::NotificationHub {
 public:
  void apply(const twikit::notify::NotificationConfig&) override { ++applied; }
  void send(const std::vector<twikit::notify::Alert>& alerts) override {
    std::lock_guard lock(mu);
    for (const auto& a : alerts) received.push_back(a);
  }
  void collect(std::vector<twikit::MetricFamily>&) const override {}
  void register_routes(twikit::WebRouter& router) override {
    router.add("/api/monitoring/ping", [](const twikit::WebRequest&, twikit::WebResponse& res) { res.set_body("pong", "text/plain"); });
    router.add("/api/monitoring/boom", [](const twikit::WebRequest&, twikit::WebResponse&) { throw std::runtime_error("bug"); });
  }
  void stop() override { stopped = true; }
  std::vector<twikit::notify::Alert> alerts() {
    std::lock_guard lock(mu);
    return received;
  }
  std::mutex mu;
  std::vector<twikit::notify::Alert> received;
  std::atomic<int> applied{0};
  std::atomic<bool> stopped{false};
};

}  // namespace

TEST_CASE("the App hands firing alerts to the notification hub with external labels, and reloads it") {
  twikit::testing::ExpositionServer exporter;
  exporter.serve("twikit_emergency_stop_active 1\n");
  const int exporter_port = exporter.port();
  const std::string dir = twikit::testing::make_temp_dir("alertd-app");
  twikit::testing::write_file(dir + "/rules.yml", R"(groups:
  - name: g
    interval: 200ms
    rules:
      - alert: EmergencyStop
        expr: twikit_emergency_stop_active == 1
        annotations: {summary: "stop"}
)");
  twikit::testing::write_file(dir + "/alertd.yaml",
                              "global: {scrape_interval: 200ms, scrape_timeout: 200ms, evaluation_interval: 200ms,"
                              " external_labels: {cluster: eu1}}\n"
                              "scrape_configs: [{job_name: twikit, static_configs: [{targets: ['127.0.0.1:" +
                                  std::to_string(exporter_port) + "']}]}]\n"
                              "rule_files: [rules.yml]\n"
                              "receivers: [{name: log, system_log_configs: [{}]}]\n"
                              "route: {receiver: log}\n");
  RecordingHub* hub = nullptr;
  twikit::app::AppOptions options;
  options.config_file = dir + "/alertd.yaml";
  options.listen_address = "127.0.0.1:0";
  options.storage_path = dir + "/alertd.db";  // not the default data/ in the current directory
  options.hub_factory = [&](const twikit::config::AlertdConfig&) {
    auto h = std::make_unique<RecordingHub>();
    hub = h.get();
    return h;
  };
  twikit::app::App app(options);
  app.start();
  REQUIRE(hub);
  REQUIRE(twikit::testing::eventually([&] { return !hub->alerts().empty(); }));
  const auto alert = hub->alerts().front();
  CHECK(twikit::label_value(alert.labels, "alertname") == "EmergencyStop");
  CHECK(twikit::label_value(alert.labels, "cluster") == "eu1");
  CHECK(twikit::label_value(alert.labels, "job") == "twikit");
  CHECK(alert.starts_at > 0);
  CHECK_FALSE(alert.resolved_at(alert.starts_at));

  httplib::Client client("127.0.0.1", app.port());
  auto ping = client.Get("/api/monitoring/ping");
  REQUIRE(ping);
  CHECK(ping->body == "pong");
  // A handler that throws is logged and answered 500 with a JSON body that does not leak the exception.
  auto boom = client.Get("/api/monitoring/boom");
  REQUIRE(boom);
  CHECK(boom->status == 500);
  CHECK(boom->body == R"({"error":"internal error; see alertd's log","errorType":"internal","status":"error"})");

  CHECK(app.reload());
  CHECK(hub->applied == 1);
  twikit::testing::write_file(dir + "/alertd.yaml", "global: {scrape_interval: nonsense}\n");
  std::string error;
  CHECK_FALSE(app.reload(&error));
  CHECK_THAT(error, Catch::StartsWith(dir + "/alertd.yaml:1:27:"));
  CHECK(hub->applied == 1);
  CHECK(app.config()->global.external_labels == twikit::Labels{{"cluster", "eu1"}});
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  CHECK_THAT(metrics->body, Catch::Contains("alertd_config_last_reload_successful 0"));
  CHECK_THAT(metrics->body, Catch::Contains("alertd_config_reload_failures_total 1"));
  CHECK_THAT(metrics->body, Catch::Contains("process_resident_memory_bytes "));
  CHECK_THAT(metrics->body, Catch::Contains("# TYPE alertd_regex_cache_misses_total counter\nalertd_regex_cache_misses_total "));
  CHECK_THAT(metrics->body, Catch::Contains("\nalertd_regex_cache_capacity_bytes 67108864\n"));
  CHECK_THAT(metrics->body, Catch::Contains("alertd_scrapes_total{instance=\"127.0.0.1:"));
  app.stop();
  CHECK(hub->stopped);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the App refuses to start with a broken rule file, naming its position") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-app-bad");
  twikit::testing::write_file(dir + "/rules.yml", "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n");
  twikit::testing::write_file(dir + "/alertd.yaml", "rule_files: [rules.yml]\n");
  twikit::app::AppOptions options;
  options.config_file = dir + "/alertd.yaml";
  options.listen_address = "127.0.0.1:0";
  options.storage_path = dir + "/alertd.db";
  twikit::app::App app(options);
  CHECK_THROWS_WITH(app.start(), Catch::Contains("rules.yml:5:"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("remembered pending alerts do not count alertd's downtime towards `for`; firing ones stay as they were") {
  twikit::rules::Alert pending;
  pending.labels = twikit::make_labels({{"alertname", "Slow"}});
  pending.state = twikit::rules::AlertState::pending;
  pending.active_at = 100'000;
  twikit::rules::Alert firing;
  firing.labels = twikit::make_labels({{"alertname", "Down"}});
  firing.state = twikit::rules::AlertState::firing;
  firing.active_at = 40'000;
  firing.fired_at = 70'000;
  twikit::rules::Alert resolved = firing;
  resolved.state = twikit::rules::AlertState::inactive;
  resolved.resolved_at = 90'000;
  const auto kept = twikit::app::to_remembered({pending, firing, resolved});
  REQUIRE(kept.size() == 2);
  // alertd was last known running at 160 s and starts again at 460 s: 300 s down.
  const auto back = twikit::app::from_remembered(kept, 160'000, 460'000);
  REQUIRE(back.size() == 2);
  CHECK(back[0].state == twikit::rules::AlertState::pending);
  CHECK(back[0].active_at == 400'000);  // 60 s of `for` progress kept
  CHECK(back[1].state == twikit::rules::AlertState::firing);
  CHECK(back[1].active_at == 40'000);
  CHECK(back[1].fired_at == 70'000);
}
