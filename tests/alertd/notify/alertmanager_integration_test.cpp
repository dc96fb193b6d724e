// The alertmanager integration into a real prometheus-alertmanager; amtool lists what was forwarded.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>

#include "alertd/dispatch/dispatcher.h"
#include "alertd/notify/integrations.h"
#include "alertd/notify/pipeline.h"
#include "support/notify/fakes.h"
#include "support/notify/peers.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;
using twikit::testing::eventually;

namespace {
std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}
}  // namespace

TEST_CASE("alerts forwarded to a real Alertmanager are listed by amtool, and resolve there") {
  const std::string dir = twikit::testing::make_temp_dir("notify-am");
  twikit::testing::write_file(dir + "/am.yml", "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n");
  const int port = free_port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  twikit::testing::ChildProcess am({"/usr/bin/prometheus-alertmanager", "--web.listen-address=127.0.0.1:" + std::to_string(port),
                                    "--cluster.listen-address=", "--storage.path=" + dir, "--config.file=" + dir + "/am.yml"},
                                   {}, dir + "/am.log");
  REQUIRE(eventually([&] { return port_open(port); }, std::chrono::seconds(20)));

  const auto cfg = load_notification_config(
      YAML::Load("receivers:\n  - name: am\n    alertmanager_configs: [{url: '" + url +
                 "'}]\nroute: {receiver: am, group_by: ['...'], group_wait: 0s, group_interval: 1s}\n"),
      "test.yaml", [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  SystemClock clock;
  MemoryNotificationLog nflog;
  MemoryOutbox outbox;
  NotifyMetrics metrics;
  PipelineOptions opts;
  opts.retry.initial_backoff_ms = 50;
  opts.retry.max_elapsed_ms = 20'000;
  Pipeline pipeline({{"am", build_integrations(*cfg.find_receiver("am"), std::make_shared<CurlHttpClient>())}}, nullptr,
                    nullptr, nflog, outbox, clock, &metrics, opts);
  dispatch::Dispatcher dispatcher(cfg.route, pipeline, clock);

  const Alert a = firing({{"alertname", "TwikitForwarded"}, {"service", "session_manager"}, {"severity", "critical"}},
                         clock.now_ms() - 1000, {{"summary", "forwarded by alertd"}});
  dispatcher.put({a});
  REQUIRE(pipeline.wait_idle(std::chrono::seconds(20)));
  CHECK(metrics.sent("alertmanager") == 1);
  const std::string amtool = "amtool alert query --alertmanager.url=" + url + " -o json 2>&1";
  std::string listed;
  REQUIRE(eventually([&] {
    listed = run(amtool);
    return listed.find("TwikitForwarded") != std::string::npos;
  }, std::chrono::seconds(10)));
  CHECK(listed.find("session_manager") != std::string::npos);
  CHECK(listed.find("forwarded by alertd") != std::string::npos);

  // Resolving it in alertd resolves it in Alertmanager: amtool no longer lists it as active.
  // The resolved notice goes out at the group's next group_interval tick (1s here).
  dispatcher.put({resolved(a, clock.now_ms() - 1)});
  REQUIRE(eventually([&] {
    dispatcher.tick();
    return metrics.sent("alertmanager") == 2;
  }, std::chrono::seconds(10)));
  REQUIRE(eventually([&] { return run(amtool).find("TwikitForwarded") == std::string::npos; }, std::chrono::seconds(10)));
}
