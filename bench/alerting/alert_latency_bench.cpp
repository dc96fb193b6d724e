// From the end of the scrape that first shows a breach (`for: 0`, `group_wait: 0`) to the webhook receiver
// holding the request: the real alertd binary, then Prometheus + Alertmanager on the same setup, in one run.
//
//   build/bench/alerting/bench_alert_latency [--samples 200] [--interval-ms 250] [--skip-peer]
//
// One process serves the exposition endpoint and the webhook receiver, so both instants are read from
// the same steady clock. The endpoint notes when it finished answering the first scrape whose body holds
// breach number k (a new label value each time, so a new alert and a new aggregation group); the receiver
// notes when the firing notification for k arrived. Scrape and evaluation intervals are the same for both
// systems.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/loopback_server.h"
#include "support/process.h"
#include "support/stack.h"

namespace {

using Clock = std::chrono::steady_clock;
using twikit::testing::ChildProcess;
using twikit::testing::eventually;
using twikit::testing::free_port;
using twikit::testing::write_file;

// Serves /metrics with the current breach series and remembers when each breach was first served.
class BreachEndpoint {
 public:
  BreachEndpoint() {
    server_.router().add("/metrics", [this](const twikit::WebRequest&, twikit::WebResponse& res) {
      std::lock_guard lock(mu_);
      std::string body = "# TYPE twikit_bench_breach gauge\n";
      if (current_ >= 0) body += "twikit_bench_breach{n=\"" + std::to_string(current_) + "\"} 1\n";
      body += "# TYPE twikit_bench_filler gauge\n";
      for (int i = 0; i < 200; ++i) body += "twikit_bench_filler{i=\"" + std::to_string(i) + "\"} 0\n";
      res.set_body(body, "text/plain; version=0.0.4");
      if (current_ >= 0 && !served_.count(current_)) served_[current_] = Clock::now();
    });
    port_ = server_.start();
  }
  void breach(int n) {
    std::lock_guard lock(mu_);
    current_ = n;
  }
  std::optional<Clock::time_point> served(int n) {
    std::lock_guard lock(mu_);
    auto it = served_.find(n);
    if (it == served_.end()) return std::nullopt;
    return it->second;
  }
  int port() const { return port_; }

  // The server stops (its handler threads end) before the members they use are destroyed.
  ~BreachEndpoint() { server_.stop(); }
 private:
  twikit::testing::LoopbackServer server_;
  std::mutex mu_;
  int current_ = -1;
  std::map<int, Clock::time_point> served_;
  int port_ = 0;
};

// Takes webhook notifications (Alertmanager's payload) and remembers when breach n first arrived firing.
class Receiver {
 public:
  Receiver() {
    server_.router().add("/hook", [this](const twikit::WebRequest& req, twikit::WebResponse& res) {
      const auto now = Clock::now();
      const auto payload = nlohmann::json::parse(req.body, nullptr, false);
      if (!payload.is_discarded() && payload.contains("alerts")) {
        std::lock_guard lock(mu_);
        for (const auto& a : payload["alerts"]) {
          if (a.value("status", "") != "firing" || !a["labels"].contains("n")) continue;
          arrived_.emplace(std::stoi(a["labels"]["n"].get<std::string>()), now);
        }
        cv_.notify_all();
      }
      res.set_body("ok", "text/plain");
    }, twikit::testing::accepting({"POST"}));
    port_ = server_.start();
  }
  std::optional<Clock::time_point> wait_for(int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return arrived_.count(n) > 0; })) return std::nullopt;
    return arrived_[n];
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

  // The server stops (its handler threads end) before the members they use are destroyed.
  ~Receiver() { server_.stop(); }
 private:
  twikit::testing::LoopbackServer server_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int, Clock::time_point> arrived_;
  int port_ = 0;
};

struct Options {
  int samples = 200;
  int interval_ms = 250;
  bool skip_peer = false;
};

const char* kRules =
    "groups:\n"
    "  - name: bench\n"
    "    rules:\n"
    "      - alert: Breach\n"
    "        expr: twikit_bench_breach == 1\n";

// Breaches `samples` times, one after the other, and returns each one's latency in milliseconds.
std::vector<double> measure(BreachEndpoint& endpoint, Receiver& receiver, const Options& o, const char* name) {
  std::vector<double> out;
  int lost = 0;
  for (int n = 0; n < o.samples; ++n) {
    endpoint.breach(n);
    const auto arrived = receiver.wait_for(n, std::chrono::milliseconds(20 * o.interval_ms + 5000));
    const auto served = endpoint.served(n);
    if (!arrived || !served) {
      ++lost;
      continue;
    }
    out.push_back(std::chrono::duration<double, std::milli>(*arrived - *served).count());
  }
  if (lost) std::fprintf(stderr, "%s: %d of %d breaches never arrived\n", name, lost, o.samples);
  return out;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void report(const char* name, const std::vector<double>& v) {
  std::printf("%-26s n=%-4zu p50=%8.2f ms  p90=%8.2f ms  p99=%8.2f ms  max=%8.2f ms\n", name, v.size(),
              percentile(v, 0.5), percentile(v, 0.9), percentile(v, 0.99), percentile(v, 1.0));
}

// Waits until `base`/-/ready answers; throws naming the log otherwise.
void wait_ready(const char* name, const std::string& base, const std::string& log) {
  if (!eventually([&] { return !twikit::testing::http_get(base + "/-/ready").empty(); }, std::chrono::seconds(30))) {
    throw std::runtime_error(std::string(name) + " did not become ready; see " + log);
  }
}

std::string interval(const Options& o) { return std::to_string(o.interval_ms) + "ms"; }

std::vector<double> run_alertd(const Options& o) {
  const std::string dir = twikit::testing::make_temp_dir("bench-alertd");
  BreachEndpoint endpoint;
  Receiver receiver;
  write_file(dir + "/rules.yml", kRules);
  const int web = free_port();
  write_file(dir + "/alertd.yaml",
             "global: {scrape_interval: " + interval(o) + ", scrape_timeout: " + interval(o) +
                 ", evaluation_interval: " + interval(o) + "}\n"
                 "scrape_configs:\n"
                 "  - job_name: bench\n"
                 "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(endpoint.port()) + "']}]\n"
                 "rule_files: ['" + dir + "/rules.yml']\n"
                 "storage: {path: '" + dir + "/alertd.db'}\n"
                 "web: {listen_address: '127.0.0.1:" + std::to_string(web) + "'}\n"
                 "receivers:\n"
                 "  - name: hook\n"
                 "    webhook_configs: [{url: '" + receiver.url() + "', send_resolved: false}]\n"
                 "route: {receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 1m, repeat_interval: 1h}\n");
  ChildProcess alertd({twikit::testing::binary_path("alertd/alertd"), "--config.file=" + dir + "/alertd.yaml",
                       "--log.level=warn"},
                      {}, dir + "/alertd.log");
  wait_ready("alertd", "http://127.0.0.1:" + std::to_string(web), dir + "/alertd.log");
  const auto v = measure(endpoint, receiver, o, "alertd");
  std::filesystem::remove_all(dir);
  return v;
}

std::vector<double> run_peer(const Options& o) {
  const std::string dir = twikit::testing::make_temp_dir("bench-prometheus");
  BreachEndpoint endpoint;
  Receiver receiver;
  write_file(dir + "/rules.yml", kRules);
  const int am_port = free_port();
  write_file(dir + "/am.yml",
             "route: {receiver: hook, group_by: ['...'], group_wait: 0s, group_interval: 1m, repeat_interval: 1h}\n"
             "receivers:\n"
             "  - name: hook\n"
             "    webhook_configs: [{url: '" + receiver.url() + "', send_resolved: false}]\n");
  ChildProcess am({"/usr/bin/prometheus-alertmanager", "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
                   "--cluster.listen-address=", "--storage.path=" + dir + "/am", "--config.file=" + dir + "/am.yml"},
                  {}, dir + "/am.log");
  const int prom_port = free_port();
  write_file(dir + "/prometheus.yml",
             "global: {scrape_interval: " + interval(o) + ", scrape_timeout: " + interval(o) +
                 ", evaluation_interval: " + interval(o) + "}\n"
                 "rule_files: ['" + dir + "/rules.yml']\n"
                 "alerting:\n"
                 "  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:" + std::to_string(am_port) + "']}]}]\n"
                 "scrape_configs:\n"
                 "  - job_name: bench\n"
                 "    static_configs: [{targets: ['127.0.0.1:" + std::to_string(endpoint.port()) + "']}]\n");
  ChildProcess prometheus({"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                           "--storage.tsdb.path=" + dir + "/data",
                           "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                          {}, dir + "/prometheus.log");
  wait_ready("alertmanager", "http://127.0.0.1:" + std::to_string(am_port), dir + "/am.log");
  wait_ready("prometheus", "http://127.0.0.1:" + std::to_string(prom_port), dir + "/prometheus.log");
  const auto v = measure(endpoint, receiver, o, "prometheus+alertmanager");
  std::filesystem::remove_all(dir);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--samples") && i + 1 < argc) o.samples = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--interval-ms") && i + 1 < argc) o.interval_ms = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--skip-peer")) o.skip_peer = true;
    else {
      std::fprintf(stderr, "usage: %s [--samples N] [--interval-ms MS] [--skip-peer]\n", argv[0]);
      return 2;
    }
  }
  std::printf("scrape and evaluation interval %d ms, %d breaches each (for: 0, group_wait: 0)\n", o.interval_ms,
              o.samples);
  const auto alertd = run_alertd(o);
  report("alertd", alertd);
  if (!o.skip_peer) {
    const auto peer = run_peer(o);
    report("prometheus+alertmanager", peer);
    if (!peer.empty() && !alertd.empty()) {
      std::printf("ratio alertd/peer: p50 %.3f, p99 %.3f\n", percentile(alertd, 0.5) / percentile(peer, 0.5),
                  percentile(alertd, 0.99) / percentile(peer, 0.99));
    }
  }
  const bool ok = !alertd.empty() && percentile(alertd, 0.99) < 50.0;
  std::printf("target p99 < 50 ms: %s\n", ok ? "met" : "MISSED");
  return ok ? 0 : 1;
}
