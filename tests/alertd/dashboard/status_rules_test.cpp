// The status rules: a service's status, the platform's health, the dashboard's status, the HTTP status.
#include <catch2/catch.hpp>

#include "alertd/dashboard/status_rules.h"
#include "fixture.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;

namespace {

ServiceView service(Health status) {
  ServiceView s;
  s.name = "session_manager";
  s.status = status;
  return s;
}

TargetView target_view(const std::string& health) {
  TargetView t;
  t.status = target(health);
  return t;
}

}  // namespace

TEST_CASE("a service is unhealthy when unreachable, else what it reports, unknown without data") {
  CHECK(service_status(false, 1) == Health::unhealthy);
  CHECK(service_status(true, 1) == Health::healthy);
  CHECK(service_status(true, 0.5) == Health::degraded);
  CHECK(service_status(true, 0) == Health::unhealthy);
  CHECK(service_status(std::nullopt, 0.5) == Health::degraded);
  CHECK(service_status(true, std::nullopt) == Health::unknown);
  CHECK(service_status(std::nullopt, std::nullopt) == Health::unknown);
}

TEST_CASE("the platform's health is the worst of its targets, components and services") {
  const std::vector<ServiceView> healthy{service(Health::healthy)};
  const std::vector<TargetView> up{target_view("up")};
  CHECK(overall_health(healthy, up, {}) == Health::healthy);
  CHECK(overall_health(healthy, {target_view("down")}, {}) == Health::unhealthy);
  CHECK(overall_health(healthy, {target_view("unknown")}, {}) == Health::degraded);
  CHECK(overall_health(healthy, up, {{"database", Health::unhealthy, "disk full"}}) == Health::unhealthy);
  CHECK(overall_health(healthy, up, {{"history", Health::unknown, ""}}) == Health::degraded);
  CHECK(overall_health({service(Health::unhealthy)}, up, {}) == Health::unhealthy);
  CHECK(overall_health({service(Health::unknown)}, up, {}) == Health::degraded);
  CHECK(overall_health({}, up, {}) == Health::degraded);  // nothing seen yet is not healthy
  ServiceView dependency_down = service(Health::healthy);
  dependency_down.dependencies.push_back({"postgres", false, std::nullopt});
  CHECK(overall_health({dependency_down}, up, {}) == Health::degraded);
}

TEST_CASE("firing critical alerts make the dashboard unhealthy, firing errors degraded, others nothing") {
  using rules::AlertState;
  CHECK(dashboard_status(Health::healthy, {alert("A", "critical", AlertState::firing)}) == Health::unhealthy);
  CHECK(dashboard_status(Health::healthy, {alert("A", "error", AlertState::firing)}) == Health::degraded);
  CHECK(dashboard_status(Health::healthy, {alert("A", "warning", AlertState::firing)}) == Health::healthy);
  CHECK(dashboard_status(Health::healthy, {alert("A", "critical", AlertState::pending)}) == Health::healthy);
  CHECK(dashboard_status(Health::unhealthy, {alert("A", "error", AlertState::firing)}) == Health::unhealthy);
}

TEST_CASE("the health document is served with 503 only when unhealthy") {
  CHECK(health_http_status(Health::healthy) == 200);
  CHECK(health_http_status(Health::unknown) == 200);
  CHECK(health_http_status(Health::degraded) == 200);
  CHECK(health_http_status(Health::unhealthy) == 503);
}
