// Runs the real twikit-sim binary with --replicas and checks that every instance is its own service.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

using nlohmann::json;
using twikit::testing::ChildProcess;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kServices{"session_manager", "proxy_rotation",  "rate_limit",      "anti_detection",
                                         "account_health",  "emergency_stop",  "content_safety",  "connection_pool",
                                         "retry_engine",    "campaign_orchestrator"};

// A sim started with --replicas 3 and its ready line, parsed in the line's own key order.
struct ReplicatedSim {
  std::unique_ptr<ChildProcess> process;
  int admin = 0;
  std::vector<std::pair<std::string, int>> instances;
};

ReplicatedSim start_replicated_sim() {
  ReplicatedSim sim;
  sim.process = std::make_unique<ChildProcess>(std::vector<std::string>{
      twikit::testing::binary_path("sim/twikit-sim"), "--base-port", "0", "--seed", "11", "--replicas", "3",
      "--log.level", "warn"});
  const auto line = sim.process->read_line(10s);
  REQUIRE(line);
  const json ready = json::parse(*line);
  sim.admin = ready.at("admin").get<int>();
  // nlohmann sorts keys, so the order is read from the text: each name's position in the line.
  std::vector<std::pair<std::size_t, std::pair<std::string, int>>> found;
  for (const auto& [name, port] : ready.at("services").items()) {
    found.push_back({line->find("\"" + name + "\""), {name, port.get<int>()}});
  }
  std::sort(found.begin(), found.end());
  for (auto& [at, instance] : found) sim.instances.push_back(instance);
  return sim;
}

httplib::Client client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5s);
  c.set_read_timeout(5s);
  return c;
}

// The status code of GET /status on `port` (-1 when the request fails).
int status_code(int port) {
  auto res = client(port).Get("/status");
  return res ? res->status : -1;
}

}  // namespace

TEST_CASE("--replicas 3 serves thirty instances named <service>-<i> with distinct documents",
          "[sim][integration]") {
  ReplicatedSim sim = start_replicated_sim();
  std::vector<std::string> expected;
  for (int r = 0; r < 3; ++r) {
    for (const auto& service : kServices) expected.push_back(service + "-" + std::to_string(r));
  }
  std::vector<std::string> names;
  std::set<int> ports;
  for (const auto& [name, port] : sim.instances) {
    names.push_back(name);
    ports.insert(port);
  }
  CHECK(names == expected);
  CHECK(ports.size() == 30);

  std::set<std::string> metrics;
  for (std::size_t i = 0; i < sim.instances.size(); ++i) {
    const auto& [name, port] = sim.instances[i];
    CAPTURE(name);
    auto res = client(port).Get("/status");
    REQUIRE(res);
    CHECK(res->status == 200);
    const json doc = json::parse(res->body);
    CHECK(doc["service"] == kServices[i % 10]);
    metrics.insert(doc["metrics"].dump());
  }
  CHECK(metrics.size() == 30);

  auto listed = client(sim.admin).Get("/admin/services");
  REQUIRE(listed);
  const json list = json::parse(listed->body)["services"];
  REQUIRE(list.size() == 30);
  CHECK(list[12]["name"] == "rate_limit-1");
  CHECK(list[12]["service"] == "rate_limit");
  CHECK(list[12]["port"] == sim.instances[12].second);
}

TEST_CASE("a fault set on one instance affects only that instance", "[sim][integration]") {
  ReplicatedSim sim = start_replicated_sim();
  auto admin = client(sim.admin);
  auto put = admin.Put("/admin/services/rate_limit-1/fault", R"({"mode": "error", "http_status": 502})",
                       "application/json");
  REQUIRE(put);
  CHECK(put->status == 200);
  for (const auto& [name, port] : sim.instances) {
    CAPTURE(name);
    CHECK(status_code(port) == (name == "rate_limit-1" ? 502 : 200));
  }
  auto described = admin.Get("/admin/services/rate_limit-1");
  REQUIRE(described);
  CHECK(json::parse(described->body)["fault"]["mode"] == "error");
  // With more than one replica the plain service name names no instance.
  auto plain = admin.Get("/admin/services/rate_limit");
  REQUIRE(plain);
  CHECK(plain->status == 404);
}
