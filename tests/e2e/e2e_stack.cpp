#include "e2e_stack.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace twikit::e2e {
namespace fs = std::filesystem;
using testing::read_file;
using testing::write_file;

namespace {

/// Replaces every occurrence of `from` in `text`; throws when there is none (the shipped file changed).
void replace_required(std::string& text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  if (at == std::string::npos) {
    throw std::runtime_error("deploy/prometheus/prometheus.yml no longer contains \"" + from + "\"");
  }
  for (; at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

}  // namespace

void require_binary(const std::string& relative, const std::string& what) {
  const std::string path = testing::binary_path(relative);
  if (::access(path.c_str(), X_OK) == 0) return;
  std::cout << "SKIPPED: " << what << " (" << path << ") is not built, so this end-to-end test cannot run."
            << std::endl;
  std::exit(kSkipExitCode);
}

int copy_rules(const std::string& dir, const std::string& for_duration) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(std::string(TWIKIT_SOURCE_DIR) + "/rules")) {
    if (entry.is_regular_file() && entry.path().extension() == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int copied = 0;
  static const std::regex for_line(R"(^(\s*)for:\s*\S+\s*$)");
  static const std::regex interval_line(R"(^(\s*)interval:\s*\S+\s*$)");
  for (const auto& path : files) {
    const YAML::Node doc = YAML::LoadFile(path.string());
    if (!doc.IsMap() || !doc["groups"]) continue;  // e.g. a promtool unit-test file
    std::istringstream in(read_file(path.string()));
    std::string out;
    for (std::string line; std::getline(in, line);) {
      line = std::regex_replace(line, for_line, "$1for: " + for_duration);
      out += std::regex_replace(line, interval_line, "$1interval: 1s") + "\n";
    }
    write_file(dir + "/" + path.filename().string(), out);
    ++copied;
  }
  return copied;
}

std::string prometheus_config(const std::string& exporter_address, const std::string& alertd_address,
                              const std::string& rules_dir) {
  std::string text = read_file(std::string(TWIKIT_SOURCE_DIR) + "/deploy/prometheus/prometheus.yml");
  replace_required(text, "'127.0.0.1:9877'", "'" + exporter_address + "'");
  replace_required(text, "'127.0.0.1:9878'", "'" + alertd_address + "'");
  replace_required(text, "/etc/twikit-monitor/rules", rules_dir);
  replace_required(text, "scrape_interval: 15s", "scrape_interval: 1s");
  replace_required(text, "scrape_timeout: 10s", "scrape_timeout: 1s");
  replace_required(text, "evaluation_interval: 15s", "evaluation_interval: 1s");
  return text;
}

std::vector<nlohmann::json> payloads(const testing::WebhookReceiver& webhook) {
  std::vector<nlohmann::json> out;
  for (const std::string& body : webhook.bodies()) {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    out.push_back(doc.is_discarded() ? nlohmann::json(body) : std::move(doc));
  }
  return out;
}

namespace {

// The configuration of the stack's alertd: the exporter scraped and the rules evaluated every second,
// every notification to `webhook_url`.
std::string stack_alertd_config(const std::string& exporter_address, const std::string& rules_dir,
                                const std::string& webhook_url) {
  return
      "global:\n"
      "  scrape_interval: 1s\n"
      "  scrape_timeout: 1s\n"
      "  evaluation_interval: 1s\n"
      "scrape_configs:\n"
      "  - job_name: twikit\n"
      "    static_configs:\n"
      "      - targets: ['" + exporter_address + "']\n"
      "rule_files:\n"
      "  - '" + rules_dir + "/*.yml'\n"
      "receivers:\n"
      "  - name: test-webhook\n"
      "    webhook_configs:\n"
      "      - url: " + webhook_url + "\n"
      "        send_resolved: true\n"
      "route:\n"
      "  receiver: test-webhook\n"
      "  group_by: [alertname, service]\n"
      "  group_wait: 1s\n"
      "  group_interval: 1s\n"
      "  repeat_interval: 1h\n";
}

}  // namespace

Alertd::Alertd(const std::string& exporter_address, const std::string& rules_dir, const std::string& webhook_url)
    : Alertd(stack_alertd_config(exporter_address, rules_dir, webhook_url)) {}

Alertd::Alertd(const std::string& config_yaml) {
  dir_ = testing::make_temp_dir("twikit-e2e-alertd");
  log_path_ = dir_ + "/alertd.log";
  write_file(dir_ + "/alertd.yaml", config_yaml);
  port_ = testing::free_port();
  process_ = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{testing::binary_path("alertd/alertd"), "--config.file=" + dir_ + "/alertd.yaml",
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--storage.path=" + dir_ + "/alertd.db"},
      std::vector<std::string>{}, log_path_);
  if (!testing::eventually([&] { return !testing::http_get(url() + "/-/ready").empty(); }, std::chrono::seconds(20))) {
    throw std::runtime_error("alertd did not become ready; see " + log_path_);
  }
}

void Alertd::kill() {
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(5));
}

std::string wait_for_alertd_targets_up(const Alertd& alertd) {
  std::string report;
  const bool up = testing::eventually(
      [&] {
        report = testing::http_get(alertd.url() + "/api/v1/targets");
        const auto doc = nlohmann::json::parse(report, nullptr, false);
        if (doc.is_discarded() || !doc.contains("data")) return false;
        const auto& active = doc["data"]["activeTargets"];
        if (!active.is_array() || active.empty()) return false;
        for (const auto& t : active) {
          if (t.value("health", "") != "up") {
            report = "target " + t.value("scrapeUrl", "?") + " is " + t.value("health", "?") + ": " +
                     t.value("lastError", "");
            return false;
          }
        }
        return true;
      },
      std::chrono::seconds(20));
  return up ? std::string() : (report.empty() ? "no answer from /api/v1/targets" : report);
}

AlertKey alert_key(const nlohmann::json& labels) {
  std::map<std::string, std::string> sorted;
  for (const auto& [k, v] : labels.items()) sorted[k] = v.get<std::string>();
  std::string out = "{";
  for (const auto& [k, v] : sorted) {
    if (out.size() > 1) out += ",";
    out += k + "=\"" + v + "\"";
  }
  return out + "}";
}

std::optional<std::set<AlertKey>> firing_alerts(const std::string& base_url) {
  const std::string body = testing::http_get(base_url + "/api/v1/alerts");
  if (body.empty()) return std::nullopt;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || doc.value("status", "") != "success") return std::nullopt;
  std::set<AlertKey> out;
  for (const auto& a : doc["data"]["alerts"]) {
    if (a.value("state", "") == "firing") out.insert(alert_key(a["labels"]));
  }
  return out;
}

nlohmann::json rule_groups(const std::string& base_url) {
  const std::string body = testing::http_get(base_url + "/api/v1/rules");
  if (body.empty()) return nullptr;
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || doc.value("status", "") != "success") return nullptr;
  return doc["data"]["groups"];
}

ErrorPump::ErrorPump(testing::Sim& sim, std::string service) {
  const std::string status = testing::http_get("http://127.0.0.1:" + std::to_string(sim.port(service)) + "/status");
  const auto doc = nlohmann::json::parse(status, nullptr, false);
  if (doc.is_discarded()) throw std::runtime_error("cannot read " + service + "'s /status from the sim");
  const double start = doc["system"]["errors_total"].get<double>();
  const double requests = doc["system"]["requests_total"].get<double>();
  thread_ = std::thread([this, &sim, service = std::move(service), start, requests] {
    // Each step adds as many errors as the service has handled requests in its whole life, so the error
    // ratio over any window is far above 1.
    const double step = std::max(1000.0, requests);
    double errors = start;
    while (!stop_) {
      errors += step;
      char body[128];
      std::snprintf(body, sizeof body, R"({"system":{"errors_total":%.0f}})", errors);
      sim.patch(service, body);
      for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

ErrorPump::~ErrorPump() {
  stop_ = true;
  thread_.join();
}

Stack::Stack(bool with_alertd) {
  rules_dir = testing::make_temp_dir("twikit-e2e-rules");
  rule_files = copy_rules(rules_dir, "1s");
  exporter = std::make_unique<testing::Exporter>(
      testing::exporter_config_for(sim, "  mode: interval\n  interval: 1s\n  max_concurrent_collections: 10\n"));
  const std::string exporter_address = exporter->url().substr(std::string("http://").size());
  // Without alertd, Prometheus' alertd job points at a port nobody listens on (its target is simply down).
  std::string alertd_address = "127.0.0.1:" + std::to_string(testing::free_port());
  if (with_alertd) {
    alertd = std::make_unique<Alertd>(exporter_address, rules_dir, webhook.url("/alerts"));
    alertd_address = alertd->address();
  }
  prometheus = std::make_unique<testing::Prometheus>(prometheus_config(exporter_address, alertd_address, rules_dir));
}

std::vector<PanelQuery> dashboard_queries(const std::string& file) {
  const auto doc = nlohmann::json::parse(read_file(std::string(TWIKIT_SOURCE_DIR) + "/dashboards/" + file));
  std::vector<PanelQuery> out;
  auto visit = [&](const nlohmann::json& panel) {
    for (const auto& t : panel.value("targets", nlohmann::json::array())) {
      out.push_back({file, panel.value("title", ""), t.value("expr", "")});
    }
  };
  for (const auto& p : doc["panels"]) {
    visit(p);
    for (const auto& nested : p.value("panels", nlohmann::json::array())) visit(nested);
  }
  return out;
}

std::string substitute(std::string expr, const std::map<std::string, std::string>& variables) {
  std::map<std::string, std::string> all = {{"__rate_interval", "1m"}, {"__interval", "15s"},
                                            {"__range", "5m"},         {"__range_s", "300"},
                                            {"__interval_ms", "15000"}};
  all.insert(variables.begin(), variables.end());
  // Longest names first, so $__range_s is not taken for $__range followed by "_s".
  std::vector<std::pair<std::string, std::string>> ordered(all.begin(), all.end());
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [name, value] : ordered) {
    for (const std::string& token : {"${" + name + "}", "$" + name}) {
      for (auto at = expr.find(token); at != std::string::npos; at = expr.find(token, at + value.size())) {
        expr.replace(at, token.size(), value);
      }
    }
  }
  return expr;
}

}  // namespace twikit::e2e
