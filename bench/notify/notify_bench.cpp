// Notification-side benchmarks: hand-off to webhook latency, a burst of 1,000 alerts in 20 groups, and
// a hung receiver's effect on another receiver. Real HTTP on loopback, SQLite outbox in WAL mode.
//
// usage: bench_notify [--hang-ms 30000] [--samples 500]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alertd/app/notification_stack.h"
#include "common/logging.h"
#include "common/web_server.h"

using namespace twikit;
using namespace twikit::notify;
using twikit::app::NotificationStack;
using twikit::app::StackOptions;
using Clock_ = std::chrono::steady_clock;

namespace {

// Records the arrival time of each request, keyed by the alertname in the groupKey.
class Receiver {
 public:
  explicit Receiver(int delay_ms = 0) : delay_ms_(delay_ms) {
    twikit::WebRouter router;
    twikit::WebRouteOptions post;
    post.methods = {"POST"};
    post.max_body_bytes = std::size_t{64} << 20;
    router.add_prefix("/", [this](const twikit::WebRequest& req, twikit::WebResponse& res) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        arrivals_.emplace_back(req.body.size() > 2000 ? "" : req.body, Clock_::now());
        ++count_;
      }
      if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      res.set_body("ok", "text/plain");
    }, post);
    twikit::WebServerOptions options;
    options.handler_threads = 64;  // a delayed receiver holds a handler thread per request
    server_ = std::make_unique<twikit::WebServer>(std::move(router), std::move(options));
    port_ = server_->bind("127.0.0.1:0");
    server_->start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::size_t count() const { return count_.load(); }
  Clock_::time_point last_arrival() {
    std::lock_guard<std::mutex> lock(mu_);
    return arrivals_.empty() ? Clock_::time_point{} : arrivals_.back().second;
  }

  // The server stops (its handler threads end) before the members they use are destroyed.
  ~Receiver() { server_->stop(); }
 private:
  std::unique_ptr<twikit::WebServer> server_;
  int port_ = 0;
  int delay_ms_;
  std::mutex mu_;
  std::vector<std::pair<std::string, Clock_::time_point>> arrivals_;
  std::atomic<std::size_t> count_{0};
};

NotificationConfig config(const std::string& yaml) {
  return load_notification_config(YAML::Load(yaml), "bench.yaml",
                                  [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
}

double ms_since(Clock_::time_point t0, Clock_::time_point t1) {
  return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto deadline = Clock_::now() + timeout;
  while (!cond()) {
    if (Clock_::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

std::unique_ptr<NotificationStack> make_stack(const std::string& dir) {
  StackOptions opts;
  std::filesystem::create_directories(dir);
  opts.database_path = dir + "/alertd.db";
  return std::make_unique<NotificationStack>(opts);
}

Alert alert(const std::string& name, const std::string& instance) {
  Alert a;
  a.labels = make_labels({{"alertname", name}, {"instance", instance}, {"severity", "critical"}});
  a.annotations = make_labels({{"summary", name + " on " + instance}});
  a.starts_at = SystemClock().now_ms();
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  int hang_ms = 30'000;
  int samples = 500;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--hang-ms") hang_ms = std::atoi(argv[i + 1]);
    if (flag == "--samples") samples = std::atoi(argv[i + 1]);
  }
  setup_logging("error", "logfmt");
  const std::string dir = std::filesystem::temp_directory_path() / ("bench-notify-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  // 1. Hand-off to the webhook receiver holding the request: group_wait 0, one new group per alert.
  {
    Receiver r;
    auto stack = make_stack(dir + "/1");
    stack->apply(config("receivers: [{name: ops, webhook_configs: [{url: '" + r.url() +
                        "'}]}]\nroute: {receiver: ops, group_by: [alertname], group_wait: 0s}\n"));
    std::vector<double> lat;
    for (int i = 0; i < samples; ++i) {
      const std::size_t before = r.count();
      const auto t0 = Clock_::now();
      stack->send({alert("Latency" + std::to_string(i), "i")});
      if (!wait_for([&] { return r.count() > before; }, std::chrono::seconds(5))) {
        std::printf("latency: timed out\n");
        return 1;
      }
      lat.push_back(ms_since(t0, r.last_arrival()));
    }
    std::printf("handoff_to_webhook_ms samples=%d p50=%.2f p99=%.2f max=%.2f (target p99 < 50)\n", samples,
                percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 1.0));
  }

  // 2. 1,000 alerts starting at once in 20 groups.
  {
    Receiver r;
    auto stack = make_stack(dir + "/2");
    stack->apply(config("receivers: [{name: ops, webhook_configs: [{url: '" + r.url() +
                        "'}]}]\nroute: {receiver: ops, group_by: [alertname], group_wait: 0s}\n"));
    std::vector<Alert> alerts;
    for (int i = 0; i < 1000; ++i) alerts.push_back(alert("Burst" + std::to_string(i % 20), "i" + std::to_string(i)));
    const auto t0 = Clock_::now();
    stack->send(alerts);
    const double send_ms = ms_since(t0, Clock_::now());
    const bool ok = wait_for([&] { return r.count() >= 20; }, std::chrono::seconds(10));
    std::printf("burst_1000_alerts_20_groups_ms=%.2f (send() itself %.2f) delivered=%zu ok=%d (target < 1000)\n",
                ms_since(t0, Clock_::now()), send_ms, r.count(), ok ? 1 : 0);
  }

  // 3. A receiver that hangs delays another receiver by how much?
  {
    Receiver hung(hang_ms), fast;
    auto stack = make_stack(dir + "/3");
    stack->apply(config("receivers:\n  - {name: hung, webhook_configs: [{url: '" + hung.url() + "', timeout: " +
                        std::to_string(hang_ms / 1000 + 5) + "s}]}\n  - {name: fast, webhook_configs: [{url: '" +
                        fast.url() + "'}]}\nroute:\n  receiver: fast\n  group_by: [alertname]\n  group_wait: 0s\n"
                        "  routes: [{matchers: [to=hung], receiver: hung, continue: true}]\n"));
    std::vector<double> baseline, during;
    for (int i = 0; i < 50; ++i) {
      const std::size_t before = fast.count();
      const auto t0 = Clock_::now();
      stack->send({alert("Base" + std::to_string(i), "i")});
      wait_for([&] { return fast.count() > before; }, std::chrono::seconds(5));
      baseline.push_back(ms_since(t0, fast.last_arrival()));
    }
    Alert h = alert("Hang", "i");
    set_label(h.labels, "to", "hung");
    stack->send({h});
    wait_for([&] { return hung.count() >= 1; }, std::chrono::seconds(5));
    for (int i = 0; i < 50; ++i) {
      const std::size_t before = fast.count();
      const auto t0 = Clock_::now();
      stack->send({alert("During" + std::to_string(i), "i")});
      wait_for([&] { return fast.count() > before; }, std::chrono::seconds(5));
      during.push_back(ms_since(t0, fast.last_arrival()));
    }
    std::printf("hung_receiver hang_ms=%d other_receiver_p99_ms baseline=%.2f during_hang=%.2f delta=%.2f (target delta < 10)\n",
                hang_ms, percentile(baseline, 0.99), percentile(during, 0.99),
                percentile(during, 0.99) - percentile(baseline, 0.99));
    std::fflush(stdout);
    stack->stop();  // waits for the hung request's timeout
  }
  std::filesystem::remove_all(dir);
  return 0;
}
