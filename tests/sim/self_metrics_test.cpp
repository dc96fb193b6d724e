// The sim's own /metrics, served by an in-process sim while many threads use its services and admin API.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "common/clock.h"
#include "sim/sim.h"
#include "support/process.h"

using namespace std::chrono_literals;

namespace {

httplib::Client client(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5s);
  c.set_read_timeout(5s);
  return c;
}

std::string metrics(int admin_port) {
  auto c = client(admin_port);
  auto res = c.Get("/metrics");
  return res && res->status == 200 ? res->body : std::string();
}

// Whether `exposition` has the sample line "`series` `value`".
bool has_sample(const std::string& exposition, const std::string& series, const std::string& value) {
  return ("\n" + exposition).find("\n" + series + " " + value + "\n") != std::string::npos;
}

int port_of(const twikit::sim::Sim& sim, const std::string& name) {
  for (const auto& service : sim.services()) {
    if (service->name() == name) return service->port();
  }
  return 0;
}

}  // namespace

TEST_CASE("status requests, fault changes and scrapes from many threads are all counted", "[sim][metrics]") {
  twikit::FakeClock clock(1'700'000'000'000);
  twikit::sim::SimConfig config;
  config.base_port = 0;
  config.threads = 8;
  twikit::sim::Sim sim(config, clock);
  sim.start();
  const int port = port_of(sim, "rate_limit");
  REQUIRE(port > 0);

  constexpr int kClients = 4;
  constexpr int kRequestsEach = 25;
  constexpr int kFaultChanges = 10;
  std::atomic<int> ok{0};
  std::atomic<int> faults_set{0};
  std::atomic<int> scraped{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      auto c = client(port);
      for (int n = 0; n < kRequestsEach; ++n) {
        auto res = c.Get("/status");
        if (res && res->status == 200) ++ok;
      }
    });
  }
  threads.emplace_back([&] {
    // `latency` of 0 ms answers 200 as `none` does, so every request above still counts as code 200.
    auto c = client(sim.admin_port());
    for (int n = 0; n < kFaultChanges; ++n) {
      const std::string body = n % 2 == 0 ? R"({"mode": "latency", "latency_ms": 0})" : R"({"mode": "none"})";
      auto res = c.Put("/admin/services/rate_limit/fault", body, "application/json");
      if (res && res->status == 200) ++faults_set;
    }
  });
  threads.emplace_back([&] {
    for (int n = 0; n < 10; ++n) {
      if (!metrics(sim.admin_port()).empty()) ++scraped;
    }
  });
  for (auto& t : threads) t.join();
  REQUIRE(ok == kClients * kRequestsEach);
  REQUIRE(faults_set == kFaultChanges);
  REQUIRE(scraped == 10);

  const std::string text = metrics(sim.admin_port());
  INFO(text);
  CHECK(has_sample(text, R"(twikit_sim_requests_total{code="200",service="rate_limit"})", "100"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="none",service="rate_limit"})", "1"));
  CHECK(has_sample(text, R"(twikit_sim_fault{mode="latency",service="rate_limit"})", "0"));
  // Admin requests are counted after their answer is written, so the last one may trail by a moment.
  CHECK(twikit::testing::eventually([&] {
    return has_sample(metrics(sim.admin_port()), R"(twikit_sim_admin_requests_total{code="200",method="PUT"})", "10");
  }));
  sim.stop();
}
