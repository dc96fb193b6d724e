// Every panel of every dashboard, its Grafana variables substituted, returns data from a real Prometheus
// that scrapes the real exporter (and alertd): a panel that would show "No data" fails the test.
#include <catch2/catch.hpp>

#include "e2e_stack.h"

using namespace twikit::e2e;
using namespace twikit::testing;
using namespace std::chrono_literals;

namespace {

/// Faults that make alerts fire without taking any series away: an error storm on session_manager and an
/// open circuit breaker on retry_engine (ALERTS panels are empty on a healthy system, legitimately).
struct AlertingFaults {
  explicit AlertingFaults(Stack& stack) : pump(stack.sim, "session_manager") {
    REQUIRE(stack.sim.patch("retry_engine",
                            R"({"metrics":{"circuitBreakers":[{"name":"e2e_open_circuit","state":"open","failures":50}]}})") ==
            200);
  }
  ErrorPump pump;
};

/// Runs every query in `queries` until each has returned data once, for at most `deadline`; returns the
/// ones that never did.
std::vector<PanelQuery> without_data(const Prometheus& prom, std::vector<PanelQuery> queries,
                                     const std::map<std::string, std::string>& variables,
                                     std::chrono::seconds deadline) {
  eventually(
      [&] {
        std::erase_if(queries, [&](const PanelQuery& q) { return !prom.query(substitute(q.expr, variables)).empty(); });
        return queries.empty();
      },
      deadline);
  return queries;
}

void check_all_have_data(const std::vector<PanelQuery>& missing, const std::map<std::string, std::string>& variables) {
  for (const auto& q : missing) {
    INFO(q.dashboard << " panel \"" << q.panel << "\" shows No data for: " << substitute(q.expr, variables));
    CHECK(false);
  }
}

/// The services Prometheus knows, as Grafana's label_values(twikit_up, service) lists them.
std::vector<std::string> services(const Prometheus& prom) {
  std::vector<std::string> out;
  for (const auto& s : prom.query("group by (service) (twikit_up)")) out.push_back(s["metric"]["service"]);
  return out;
}

}  // namespace

TEST_CASE("every panel of the overview and service dashboards shows data from a real Prometheus",
          "[e2e][dashboards-services]") {
  require_binary("sim/twikit-sim", "twikit-sim");
  require_binary("exporter/twikit-exporter", "twikit-exporter");
  Stack stack(false);
  {
    INFO("rules/ must hold rule files: the ALERTS panels can only show data when rules fire");
    REQUIRE(stack.rule_files > 0);
  }
  AlertingFaults faults(stack);
  const Prometheus& prom = *stack.prometheus;
  REQUIRE(eventually([&] { return prom.query("twikit_up == 1").size() == 10; }, 30s));
  REQUIRE(eventually([&] { return !prom.query(R"(ALERTS{alertstate="firing"})").empty(); }, 60s));

  const auto overview = dashboard_queries("twikit-overview.json");
  REQUIRE(overview.size() >= 20);
  check_all_have_data(without_data(prom, overview, {}, 30s), {});

  const auto service_panels = dashboard_queries("twikit-service.json");
  REQUIRE(service_panels.size() >= 15);
  const auto names = services(prom);
  REQUIRE(names.size() == 10);
  for (const auto& service : names) {
    const std::map<std::string, std::string> vars{{"service", service}};
    check_all_have_data(without_data(prom, service_panels, vars, 10s), vars);
  }
  WARN(overview.size() << " overview queries and " << service_panels.size() << " service-dashboard queries x "
                       << names.size() << " services returned data");
}

TEST_CASE("every panel of the twikit-monitor dashboard shows data once alertd has notified",
          "[e2e][dashboards-monitor]") {
  require_binary("sim/twikit-sim", "twikit-sim");
  require_binary("exporter/twikit-exporter", "twikit-exporter");
  require_binary("alertd/alertd", "alertd");
  Stack stack(true);
  REQUIRE(stack.rule_files > 0);
  AlertingFaults faults(stack);
  const Prometheus& prom = *stack.prometheus;
  REQUIRE(eventually([&] { return prom.query("up == 1").size() == 2; }, 30s));
  INFO("alertd log: " << stack.alertd->log_path());
  {
    const std::string scrape_problem = wait_for_alertd_targets_up(*stack.alertd);
    INFO("alertd cannot scrape twikit-exporter: " << scrape_problem);
    REQUIRE(scrape_problem.empty());
  }
  REQUIRE(eventually([&] { return !payloads(stack.webhook).empty(); }, 60s));
  const auto queries = dashboard_queries("twikit-monitor.json");
  REQUIRE(queries.size() >= 10);
  check_all_have_data(without_data(prom, queries, {}, 30s), {});
  WARN(queries.size() << " twikit-monitor queries returned data");
}
