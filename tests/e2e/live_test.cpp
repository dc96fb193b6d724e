// The dashboard service end to end: twikit-sim -> twikit-exporter -> alertd, its monitoring documents, and a
// real WebSocket client (Debian's python3-websockets) that sees a fault become a firing alert live.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sys/time.h>

#include <nlohmann/json.hpp>

#include "common/http_client.h"
#include "common/rfc3339.h"
#include "e2e_stack.h"
#include "support/process.h"

using namespace std::chrono_literals;
using namespace twikit;
using namespace twikit::e2e;
using twikit::testing::eventually;

namespace {

HttpResponse get(const std::string& url) {
  CurlHttpClient http;
  HttpRequest req;
  req.url = url;
  req.timeout = std::chrono::milliseconds(5000);
  return http.send(req);
}

/// The messages the client has written so far.
std::vector<nlohmann::json> messages(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(std::move(j));
  }
  return out;
}

double now_seconds() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

TEST_CASE("the monitoring documents describe the ten services and a WebSocket client sees a fault fire live",
          "[live]") {
  require_binary("sim/twikit-sim", "twikit-sim");
  require_binary("exporter/twikit-exporter", "twikit-exporter");
  require_binary("alertd/alertd", "alertd");
  Stack stack(true);
  const std::string alertd = stack.alertd->url();
  INFO("alertd log: " << stack.alertd->log_path());
  REQUIRE(wait_for_alertd_targets_up(*stack.alertd).empty());

  // The dashboard document lists the ten services once a scrape and an evaluation have happened.
  nlohmann::json dashboard;
  REQUIRE(eventually(
      [&] {
        const auto res = get(alertd + "/api/monitoring/dashboard");
        if (res.status != 200) return false;
        dashboard = nlohmann::json::parse(res.body, nullptr, false);
        return dashboard.is_object() && dashboard["services"].is_object() && dashboard["services"].size() == 10;
      },
      30s));
  CHECK(get(alertd + "/api/monitoring/health").status == 200);
  const auto metrics = nlohmann::json::parse(get(alertd + "/api/monitoring/metrics").body, nullptr, false);
  REQUIRE(metrics.is_object());
  CHECK(metrics["services"]["session_manager"]["sessions"].contains("total"));

  // A live client subscribes, then the sim takes a service down.
  const std::string out = twikit::testing::make_temp_dir("alertd-live") + "/messages.jsonl";
  const std::string ws_url = "ws://" + stack.alertd->address() + "/api/monitoring/ws?topics=alerts,dashboard,health";
  twikit::testing::ChildProcess client({"/usr/bin/python3", std::string(TWIKIT_SOURCE_DIR) + "/tests/e2e/live_client.py",
                                        ws_url, out, "120"},
                                       {}, out + ".log");
  REQUIRE(eventually([&] { return !messages(out).empty(); }, 10s));
  // The hub answers a subscription with its confirmation and the topics' current documents.
  REQUIRE(eventually(
      [&] {
        bool subscribed = false, snapshot = false;
        for (const auto& m : messages(out)) {
          subscribed = subscribed || m.value("type", "") == "subscribed";
          snapshot = snapshot || (m.value("type", "") == "snapshot" && m.value("topic", "") == "dashboard");
        }
        return subscribed && snapshot;
      },
      10s));
  REQUIRE(stack.sim.fault("proxy_rotation", R"({"mode":"down"})") == 200);

  // alertd's own answer says when the alert fired; the client must hold the event within 1 s of it.
  double seen_firing_at = 0;
  nlohmann::json event;
  REQUIRE(eventually(
      [&] {
        for (const auto& m : messages(out)) {
          if (m.value("topic", "") != "alerts" || m.value("type", "") != "event") continue;
          const auto& data = m["data"];
          if (data.value("state", "") == "firing" && data["labels"].value("service", "") == "proxy_rotation") {
            event = m;
            return true;
          }
        }
        return false;
      },
      90s));
  seen_firing_at = now_seconds();
  INFO("event: " << event.dump());
  CHECK(event["seq"].get<std::uint64_t>() > 0);
  // The event arrived at most 1 s after the evaluation that fired it (its firedAt, an evaluation time).
  TimestampMs fired_at = 0;
  REQUIRE(parse_rfc3339(event["data"].value("firedAt", ""), fired_at));
  const double received = event["receivedAt"].get<double>();
  CHECK(received <= seen_firing_at);
  CHECK(received - static_cast<double>(fired_at) / 1000.0 < 1.0 * twikit::testing::kTimeoutScale);
  // The dashboard document is broadcast every 5 s, and events come with growing sequence numbers.
  REQUIRE(eventually(
      [&] {
        for (const auto& m : messages(out)) {
          if (m.value("topic", "") == "dashboard" && m.value("type", "") == "event") return true;
        }
        return false;
      },
      15s));
  std::uint64_t last = 0;
  bool ordered = true;
  for (const auto& m : messages(out)) {
    if (m.value("type", "") != "event") continue;
    if (m["seq"].get<std::uint64_t>() <= last) ordered = false;
    last = m["seq"].get<std::uint64_t>();
  }
  CHECK(ordered);
}
