// Kills the real alertd binary with SIGKILL while a notification is pending, restarts it on the same
// database, and checks the notification goes out after the restart, once.

#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/rfc3339.h"
#include "exposition_server.h"
#include "support/stack.h"
#include "notify/receiver.h"
#include "support/process.h"

using twikit::notify::testing::ReceivedRequest;
using twikit::notify::testing::TestReceiver;
using twikit::testing::ChildProcess;
using twikit::testing::eventually;
using twikit::testing::ExpositionServer;

namespace {

const char* kRules = R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TwikitServiceDown
        expr: twikit_service_healthy == 0
        labels: {severity: critical}
)";

const char* kDown = "# TYPE twikit_service_healthy gauge\ntwikit_service_healthy{service=\"proxy_rotation\"} 0\n";
const char* kUp = "# TYPE twikit_service_healthy gauge\ntwikit_service_healthy{service=\"proxy_rotation\"} 1\n";

std::string config_yaml(int exporter_port, int web_port, const std::string& dir, const std::string& hook) {
  return "global: {scrape_interval: 1s, scrape_timeout: 500ms, evaluation_interval: 1s}\n"
         "scrape_configs:\n"
         "  - job_name: twikit\n"
         "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(exporter_port) + "']}]\n"
         "rule_files: ['" + dir + "/rules.yml']\n"
         "storage: {path: '" + dir + "/alertd.db'}\n"
         "web: {listen_address: '127.0.0.1:" + std::to_string(web_port) + "'}\n"
         "receivers:\n"
         "  - name: hook\n"
         "    webhook_configs: [{url: '" + hook + "', send_resolved: true}]\n"
         "route: {receiver: hook, group_wait: 0s, group_interval: 1s, repeat_interval: 1h}\n";
}

/// The webhook deliveries (answered 200) whose payload has `status`.
std::size_t delivered_with_status(const TestReceiver& receiver, const std::string& status) {
  std::size_t n = 0;
  for (const ReceivedRequest& r : receiver.delivered()) {
    const auto payload = nlohmann::json::parse(r.body, nullptr, false);
    if (!payload.is_discarded() && payload.value("status", "") == status) ++n;
  }
  return n;
}

/// alertd on `dir`'s config, logging to `log`.
std::unique_ptr<ChildProcess> start_alertd(const std::string& dir, const std::string& log) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml"},
      std::vector<std::string>{}, dir + "/" + log);
}

/// Starts alertd with the receiver failing, waits until the firing notification has been tried (so it is
/// in the outbox, not yet delivered), then kills alertd with SIGKILL.
void fire_and_kill(const std::string& dir, TestReceiver& receiver) {
  receiver.set_default_status(503);
  auto alertd = start_alertd(dir, "first.log");
  REQUIRE(eventually([&] { return receiver.requests().size() >= 2; }, std::chrono::seconds(20)));
  alertd->signal(SIGKILL);
  CHECK(alertd->wait(std::chrono::seconds(10)) == 128 + SIGKILL);
  REQUIRE(receiver.delivered().empty());
}

}  // namespace

TEST_CASE("a notification pending when alertd is SIGKILLed is delivered after the restart, once") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-crash");
  twikit::testing::write_file(dir + "/rules.yml", kRules);
  ExpositionServer exporter;
  exporter.serve(kDown);
  TestReceiver receiver;
  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir, receiver.url()));
  fire_and_kill(dir, receiver);

  SECTION("the alert still fires: the replayed outbox entry and the re-evaluated alert make one notification") {
    receiver.set_default_status(200);
    auto alertd = start_alertd(dir, "second.log");
    REQUIRE(eventually([&] { return delivered_with_status(receiver, "firing") == 1; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::seconds(4));  // several evaluations and group_interval ticks
    CHECK(delivered_with_status(receiver, "firing") == 1);
    CHECK(receiver.delivered().size() == 1);
    alertd->signal(SIGTERM);
    CHECK(alertd->wait(std::chrono::seconds(10)) == 0);
  }

  SECTION("the alert cleared while alertd was down: the pending firing notice goes out, then one resolved notice") {
    exporter.serve(kUp);
    receiver.set_default_status(200);
    auto alertd = start_alertd(dir, "second.log");
    REQUIRE(eventually([&] { return delivered_with_status(receiver, "resolved") == 1; }, std::chrono::seconds(20)));
    std::this_thread::sleep_for(std::chrono::seconds(3));
    const auto delivered = receiver.delivered();
    REQUIRE(delivered.size() == 2);
    CHECK(nlohmann::json::parse(delivered[0].body)["status"] == "firing");
    CHECK(nlohmann::json::parse(delivered[1].body)["status"] == "resolved");
    alertd->signal(SIGTERM);
    CHECK(alertd->wait(std::chrono::seconds(10)) == 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("alerts pending or firing when alertd is SIGKILLed come back with their activeAt and `for` progress") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-crash-state");
  twikit::testing::write_file(dir + "/rules.yml", R"(groups:
  - name: twikit
    interval: 1s
    rules:
      - alert: TwikitServiceDown
        expr: twikit_service_healthy == 0
      - alert: TwikitServiceSlow
        expr: twikit_service_healthy == 0
        for: 1h
)");
  ExpositionServer exporter;
  exporter.serve(kDown);
  TestReceiver receiver;
  const int port = twikit::testing::free_port();
  twikit::testing::write_file(dir + "/alertd.yaml", config_yaml(exporter.port(), port, dir, receiver.url()));
  const std::string alerts_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/alerts";
  // activeAt of each alert by name, with its state.
  const auto active = [&]() {
    std::map<std::string, std::pair<std::string, twikit::TimestampMs>> out;
    const auto body = nlohmann::json::parse(twikit::testing::http_get(alerts_url), nullptr, false);
    if (body.is_discarded()) return out;
    for (const auto& a : body["data"]["alerts"]) {
      twikit::TimestampMs t = 0;
      twikit::parse_rfc3339(a["activeAt"].get<std::string>(), t);
      out[a["labels"]["alertname"].get<std::string>()] = {a["state"].get<std::string>(), t};
    }
    return out;
  };

  auto first = start_alertd(dir, "first.log");
  REQUIRE(eventually([&] { return active().size() == 2; }, std::chrono::seconds(20)));
  const auto before = active();
  std::this_thread::sleep_for(std::chrono::seconds(4));  // `for` progress of the pending alert, saved each evaluation
  first->signal(SIGKILL);
  first->wait(std::chrono::seconds(10));
  const auto restarted_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  auto second = start_alertd(dir, "second.log");
  REQUIRE(eventually([&] { return active().size() == 2; }, std::chrono::seconds(20)));
  const auto after = active();
  CHECK(after.at("TwikitServiceDown").first == "firing");
  CHECK(after.at("TwikitServiceDown").second == before.at("TwikitServiceDown").second);
  CHECK(after.at("TwikitServiceSlow").first == "pending");
  // Pending since before the restart (moved on by the downtime, start-up included, only), not since the first
  // evaluation after it.
  CHECK(after.at("TwikitServiceSlow").second < restarted_at - 500);
  CHECK(after.at("TwikitServiceSlow").second >= before.at("TwikitServiceSlow").second);
  second->signal(SIGTERM);
  CHECK(second->wait(std::chrono::seconds(10)) == 0);
  std::filesystem::remove_all(dir);
}
