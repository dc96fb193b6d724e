// An HA pair end to end: two alertd replicas running deploy/ha/alertd.yaml forward to a two-peer Alertmanager
// 0.25 cluster (Debian's prometheus-alertmanager, gossiping on loopback), which de-duplicates them and
// notifies a webhook receiver. Checked: one fault gives one notification; a silence made on one peer holds
// on the other; after kill -9 of one alertd a new fault still gives exactly one; after kill -9 of one
// Alertmanager peer, the same.

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "e2e_stack.h"

namespace twikit::e2e {
namespace {

using namespace std::chrono_literals;

/// How long a peer waits for the one before it (Alertmanager's --cluster.peer-timeout), in seconds.
constexpr int kPeerTimeoutSeconds = 2;

/// The rule both replicas evaluate: a service the exporter reports down, at once (no `for`).
constexpr const char* kRules =
    "groups:\n"
    "  - name: ha\n"
    "    interval: 1s\n"
    "    rules:\n"
    "      - alert: HaServiceDown\n"
    "        expr: twikit_up == 0\n"
    // A scrape missed on a loaded machine (sanitizer builds) would resolve the alert for a moment and fire it
    // again: rightly a second notification, and not what this test is about.
    "        keep_firing_for: 30s\n"
    "        labels: {severity: critical}\n"
    "        annotations: {summary: '{{ $labels.service }} is down'}\n";

/// One Alertmanager 0.25 peer on loopback: web and cluster ports, its own storage.
class AlertmanagerPeer {
 public:
  AlertmanagerPeer(const std::string& name, const std::string& config_path, int web_port, int cluster_port,
                   int other_cluster_port)
      : web_port_(web_port) {
    dir_ = testing::make_temp_dir("twikit-ha-" + name);
    log_path_ = dir_ + "/alertmanager.log";
    process_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{
            "prometheus-alertmanager", "--config.file=" + config_path, "--storage.path=" + dir_,
            "--web.listen-address=127.0.0.1:" + std::to_string(web_port),
            "--cluster.listen-address=127.0.0.1:" + std::to_string(cluster_port),
            "--cluster.advertise-address=127.0.0.1:" + std::to_string(cluster_port),
            "--cluster.peer=127.0.0.1:" + std::to_string(other_cluster_port),
            "--cluster.peer-timeout=" + std::to_string(kPeerTimeoutSeconds * testing::kTimeoutScale) + "s",
            "--cluster.gossip-interval=100ms", "--cluster.pushpull-interval=1s", "--cluster.settle-timeout=1s",
            "--log.level=debug"},
        std::vector<std::string>{}, log_path_);
  }
  /// The base URL.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(web_port_); }
  /// The log file (for failure messages).
  const std::string& log_path() const { return log_path_; }
  /// Kills the peer without a chance to say goodbye.
  void kill() {
    process_->signal(SIGKILL);
    process_->wait(5s);
  }

 private:
  std::string dir_;
  std::string log_path_;
  int web_port_;
  std::unique_ptr<testing::ChildProcess> process_;
};

/// deploy/ha/alertd.yaml, the file both replicas of a pair run, with the test's exporter, rule file and
/// Alertmanager peers and 1 s scrape and evaluation intervals; everything else (external labels, the route's
/// group_by, waits and repeat) as shipped. Throws when the file no longer has the keys replaced here.
std::string pair_config(const std::string& exporter_address, const std::string& rule_file,
                        const std::vector<std::string>& peers) {
  YAML::Node c = YAML::LoadFile(std::string(TWIKIT_SOURCE_DIR) + "/deploy/ha/alertd.yaml");
  auto targets = c["scrape_configs"][0]["static_configs"][0]["targets"];
  auto alertmanagers = c["receivers"][0]["alertmanager_configs"];
  if (!c["global"]["external_labels"] || !targets.IsSequence() || !c["rule_files"].IsSequence() ||
      !alertmanagers.IsSequence() || alertmanagers.size() != peers.size() || c["receivers"].size() != 1) {
    throw std::runtime_error("deploy/ha/alertd.yaml: not the shape this test substitutes into");
  }
  for (const char* key : {"scrape_interval", "scrape_timeout", "evaluation_interval"}) c["global"][key] = "1s";
  targets[0] = exporter_address;
  c["rule_files"][0] = rule_file;
  for (std::size_t i = 0; i < peers.size(); ++i) alertmanagers[i]["url"] = peers[i];
  YAML::Emitter out;
  out << c;
  return out.c_str();
}

/// How many firing alerts for `service` the webhook has been sent, over all notifications.
int notified(const testing::WebhookReceiver& hook, const std::string& service) {
  int n = 0;
  for (const auto& payload : payloads(hook)) {
    if (!payload.is_object() || !payload.contains("alerts") || !payload["alerts"].is_array()) continue;
    for (const auto& a : payload["alerts"]) {
      if (a.contains("status") && a["status"] == "firing" && a.contains("labels") && a["labels"].is_object() &&
          a["labels"].contains("service") && a["labels"]["service"] == service) {
        ++n;
      }
    }
  }
  return n;
}

/// Whether the Prometheus-shaped /api/v1/alerts at `base_url` has HaServiceDown firing for `service`.
bool fires(const std::string& base_url, const std::string& service) {
  const auto firing = firing_alerts(base_url);
  if (!firing) return false;
  for (const auto& key : *firing) {
    if (key.find("alertname=\"HaServiceDown\"") != std::string::npos &&
        key.find("service=\"" + service + "\"") != std::string::npos) {
      return true;
    }
  }
  return false;
}

/// Whether the peer at `url` reports a ready cluster of `peers` members.
bool cluster_ready(const std::string& url, std::size_t peers) {
  const auto doc = nlohmann::json::parse(testing::http_get(url + "/api/v2/status"), nullptr, false);
  if (doc.is_discarded() || !doc.contains("cluster") || !doc["cluster"].is_object()) return false;
  const auto& c = doc["cluster"];
  return c.contains("status") && c["status"] == "ready" && c.contains("peers") && c["peers"].is_array() &&
         c["peers"].size() == peers;
}

/// The ids of the active silences the peer at `url` knows.
std::set<std::string> active_silences(const std::string& url) {
  std::set<std::string> ids;
  const auto doc = nlohmann::json::parse(testing::http_get(url + "/api/v2/silences"), nullptr, false);
  if (!doc.is_array()) return ids;
  for (const auto& s : doc) {
    if (s.contains("id") && s["id"].is_string() && s.contains("status") && s["status"].is_object() &&
        s["status"].contains("state") && s["status"]["state"] == "active") {
      ids.insert(s["id"].get<std::string>());
    }
  }
  return ids;
}

/// The time a second, duplicate notification would need to arrive if de-duplication failed: both peers'
/// turns (position × peer timeout), group_wait and interval, and slack.
std::chrono::milliseconds quiet_window() { return std::chrono::seconds(2 * kPeerTimeoutSeconds + 4); }

/// Waits out `quiet_window()` (scaled) and returns how many notifications `service` had by then.
int notified_after_quiet_window(const testing::WebhookReceiver& hook, const std::string& service) {
  // The absence of a second notification can only be seen by waiting: this is the only fixed wait here.
  std::this_thread::sleep_for(quiet_window() * testing::kTimeoutScale);
  return notified(hook, service);
}

}  // namespace

TEST_CASE("An alertd pair behind an Alertmanager cluster notifies once, through a replica's and a peer's death",
          "[ha]") {
  require_binary("alertd/alertd", "alertd");
  require_binary("exporter/twikit-exporter", "twikit-exporter");
  if (std::system("command -v prometheus-alertmanager >/dev/null 2>&1") != 0) {
    std::cout << "SKIPPED: prometheus-alertmanager is not installed (scripts/setup.sh installs it)\n";
    std::exit(kSkipExitCode);
  }

  testing::WebhookReceiver hook;
  testing::Sim sim;
  testing::Exporter exporter(testing::exporter_config_for(sim, "  mode: interval\n  interval: 1s\n  max_concurrent_collections: 10\n"));

  const std::string dir = testing::make_temp_dir("twikit-ha");
  testing::write_file(dir + "/alertmanager.yml",
                      "route:\n"
                      "  receiver: hook\n"
                      "  group_by: [alertname, service]\n"
                      "  group_wait: 1s\n"
                      "  group_interval: 1s\n"
                      "  repeat_interval: 1h\n"
                      "receivers:\n"
                      "  - name: hook\n"
                      "    webhook_configs:\n"
                      "      - url: " + hook.url("/alerts") + "\n"
                      "        send_resolved: false\n");
  const int web1 = testing::free_port(), web2 = testing::free_port();
  const int gossip1 = testing::free_port(), gossip2 = testing::free_port();
  AlertmanagerPeer am1("am1", dir + "/alertmanager.yml", web1, gossip1, gossip2);
  AlertmanagerPeer am2("am2", dir + "/alertmanager.yml", web2, gossip2, gossip1);
  INFO("Alertmanager logs: " << am1.log_path() << " " << am2.log_path());
  REQUIRE(testing::eventually([&] { return cluster_ready(am1.url(), 2) && cluster_ready(am2.url(), 2); }, 30s));

  testing::write_file(dir + "/ha.yml", kRules);
  const std::string exporter_address = exporter.url().substr(std::string("http://").size());
  const std::string config =
      pair_config(exporter_address, dir + "/ha.yml", {am1.url(), am2.url()});
  Alertd a(config);
  Alertd b(config);
  INFO("alertd logs: " << a.log_path() << " " << b.log_path());

  SECTION("the pair") {
    // 1. One fault: both replicas fire and forward it to both peers; the webhook hears it once.
    REQUIRE(sim.fault("proxy_rotation", R"({"mode":"down"})") == 200);
    REQUIRE(testing::eventually([&] { return fires(a.url(), "proxy_rotation") && fires(b.url(), "proxy_rotation"); },
                                30s));
    REQUIRE(testing::eventually([&] { return notified(hook, "proxy_rotation") >= 1; }, 30s));
    CHECK(notified_after_quiet_window(hook, "proxy_rotation") == 1);

    // 2. A silence made on one peer holds on the other: the silenced service's fault notifies nobody.
    const std::string silence =
        R"({"matchers":[{"name":"service","value":"account_health","isRegex":false,"isEqual":true}],)"
        R"("startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"ha-test","comment":"maintenance"})";
    REQUIRE(testing::http_send("POST", am1.url() + "/api/v2/silences", silence) == 200);
    REQUIRE(testing::eventually([&] { return active_silences(am2.url()).size() == 1; }, 20s));
    REQUIRE(sim.fault("account_health", R"({"mode":"down"})") == 200);
    REQUIRE(testing::eventually([&] { return fires(a.url(), "account_health") && fires(b.url(), "account_health"); },
                                30s));
    CHECK(notified_after_quiet_window(hook, "account_health") == 0);

    // 3. kill -9 one replica: the other alone still delivers a new fault, once, and nothing is repeated.
    a.kill();
    REQUIRE(sim.fault("rate_limit", R"({"mode":"down"})") == 200);
    REQUIRE(testing::eventually([&] { return notified(hook, "rate_limit") >= 1; }, 30s));
    CHECK(notified_after_quiet_window(hook, "rate_limit") == 1);
    CHECK(notified(hook, "proxy_rotation") == 1);

    // 4. kill -9 one Alertmanager peer: the survivor delivers the next fault, once.
    am1.kill();
    REQUIRE(sim.fault("session_manager", R"({"mode":"down"})") == 200);
    REQUIRE(testing::eventually([&] { return notified(hook, "session_manager") >= 1; }, 40s));
    CHECK(notified_after_quiet_window(hook, "session_manager") == 1);
    CHECK(notified(hook, "proxy_rotation") == 1);
    CHECK(notified(hook, "rate_limit") == 1);
    CHECK(notified(hook, "account_health") == 0);
  }
}

}  // namespace twikit::e2e
