// The shipped rules in a real Prometheus and in alertd, fed by the same exporter: both load them healthy,
// and the same faults make the same alerts fire in both; alertd delivers them to a webhook.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "e2e_stack.h"

using namespace twikit::e2e;
using namespace twikit::testing;
using namespace std::chrono_literals;

namespace {

/// group name → rule names (alert or record), read from the copied rule files.
std::map<std::string, std::vector<std::string>> rules_in(const std::string& dir) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    for (const auto& group : YAML::LoadFile(entry.path().string())["groups"]) {
      auto& names = out[group["name"].as<std::string>()];
      for (const auto& rule : group["rules"]) {
        names.push_back(rule[rule["alert"] ? "alert" : "record"].as<std::string>());
      }
    }
  }
  return out;
}

/// The same map from a /api/v1/rules answer, counting only rules that were evaluated and are healthy.
std::map<std::string, std::vector<std::string>> healthy_rules(const nlohmann::json& groups, std::string* unhealthy) {
  std::map<std::string, std::vector<std::string>> out;
  if (!groups.is_array()) return out;
  for (const auto& g : groups) {
    auto& names = out[g["name"].get<std::string>()];
    for (const auto& r : g["rules"]) {
      if (r.value("health", "") == "ok") {
        names.push_back(r["name"]);
      } else if (unhealthy != nullptr) {
        *unhealthy += g["name"].get<std::string>() + "/" + r["name"].get<std::string>() + ": health=" +
                      r.value("health", "?") + " " + r.value("lastError", "") + "\n";
      }
    }
  }
  return out;
}

std::string joined(const std::set<AlertKey>& keys) {
  std::string out;
  for (const auto& k : keys) out += "  " + k + "\n";
  return out.empty() ? "  (none)\n" : out;
}

bool has_alert_with(const std::set<AlertKey>& alerts, const std::string& label) {
  return std::any_of(alerts.begin(), alerts.end(), [&](const AlertKey& k) { return k.find(label) != std::string::npos; });
}

}  // namespace

TEST_CASE("Prometheus loads every shipped rule file with every rule healthy", "[e2e][rules]") {
  require_binary("sim/twikit-sim", "twikit-sim");
  require_binary("exporter/twikit-exporter", "twikit-exporter");
  Stack stack(false);
  {
    INFO("rules/ holds no rule files");
    REQUIRE(stack.rule_files > 0);
  }
  const auto expected = rules_in(stack.rules_dir);
  std::string unhealthy;
  const bool all_healthy = eventually(
      [&] {
        unhealthy.clear();
        return healthy_rules(rule_groups(stack.prometheus->url()), &unhealthy) == expected;
      },
      30s);
  INFO("not healthy after 30 s:\n" << unhealthy);
  CHECK(all_healthy);
}

TEST_CASE("a service down, an error storm and an open circuit breaker fire the same alerts in Prometheus and "
          "alertd, and alertd notifies the webhook",
          "[e2e][alerts]") {
  require_binary("sim/twikit-sim", "twikit-sim");
  require_binary("exporter/twikit-exporter", "twikit-exporter");
  require_binary("alertd/alertd", "alertd");
  Stack stack(true);
  REQUIRE(stack.rule_files > 0);
  const std::string prom = stack.prometheus->url();
  const std::string alertd = stack.alertd->url();
  INFO("alertd log: " << stack.alertd->log_path());
  {
    const std::string scrape_problem = wait_for_alertd_targets_up(*stack.alertd);
    INFO("alertd cannot scrape twikit-exporter: " << scrape_problem);
    REQUIRE(scrape_problem.empty());
  }

  // alertd loaded the same groups and rules and evaluates them without errors.
  const auto expected = rules_in(stack.rules_dir);
  std::string unhealthy;
  const bool alertd_healthy =
      eventually([&] { unhealthy.clear(); return healthy_rules(rule_groups(alertd), &unhealthy) == expected; }, 30s);
  {
    INFO("alertd rules not healthy after 30 s:\n" << unhealthy);
    CHECK(alertd_healthy);
  }

  REQUIRE(stack.sim.fault("proxy_rotation", R"({"mode":"down"})") == 200);
  ErrorPump pump(stack.sim, "session_manager");
  REQUIRE(stack.sim.patch("retry_engine",
                          R"({"metrics":{"circuitBreakers":[{"name":"e2e_open_circuit","state":"open","failures":50}]}})") ==
          200);

  std::set<AlertKey> in_prometheus, in_alertd;
  const auto started = std::chrono::steady_clock::now();
  const bool agree = eventually(
      [&] {
        in_prometheus = firing_alerts(prom).value_or(std::set<AlertKey>{});
        in_alertd = firing_alerts(alertd).value_or(std::set<AlertKey>{});
        return in_prometheus == in_alertd && has_alert_with(in_prometheus, R"(service="proxy_rotation")") &&
               has_alert_with(in_prometheus, R"(service="session_manager")") &&
               has_alert_with(in_prometheus, R"(circuit="e2e_open_circuit")");
      },
      90s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  INFO("firing in Prometheus:\n" << joined(in_prometheus) << "firing in alertd:\n" << joined(in_alertd));
  REQUIRE(agree);
  WARN("Prometheus and alertd agreed on " << in_prometheus.size() << " firing alerts " << took.count()
                                          << " ms after the faults");

  // Every alert both report as firing reaches the webhook in a firing notification (Alertmanager v4 JSON).
  std::set<AlertKey> notified;
  const bool delivered = eventually(
      [&] {
        notified.clear();
        for (const auto& payload : payloads(stack.webhook)) {
          if (!payload.is_object() || payload.value("version", "") != "4") continue;
          for (const auto& a : payload["alerts"]) {
            if (a.value("status", "") == "firing") notified.insert(alert_key(a["labels"]));
          }
        }
        return std::includes(notified.begin(), notified.end(), in_prometheus.begin(), in_prometheus.end());
      },
      30s);
  INFO("firing notifications received:\n" << joined(notified));
  CHECK(delivered);
}
