// Email into a real SMTP server (aiosmtpd, writing a maildir), including a server that starts late.
#include <catch2/catch.hpp>

#include <memory>

#include "alertd/dispatch/dispatcher.h"
#include "alertd/notify/integrations.h"
#include "alertd/notify/pipeline.h"
#include "fakes.h"
#include "peers.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;
using twikit::testing::eventually;

namespace {
std::unique_ptr<twikit::testing::ChildProcess> start_smtp(int port, const std::string& maildir) {
  auto p = std::make_unique<twikit::testing::ChildProcess>(std::vector<std::string>{
      "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
      "aiosmtpd.handlers.Mailbox", maildir});
  REQUIRE(eventually([&] { return port_open(port); }, std::chrono::seconds(15)));
  return p;
}
}  // namespace

TEST_CASE("email reaches a real SMTP server with the right recipients, subject and body, even when it starts late") {
  const std::string dir = twikit::testing::make_temp_dir("notify-smtp");
  const std::string maildir = dir + "/mail";
  const int port = free_port();
  const auto cfg = load_notification_config(
      YAML::Load("global: {smtp_smarthost: '127.0.0.1:" + std::to_string(port) +
                 "', smtp_from: 'alertd@twikit.test', smtp_require_tls: false}\n"
                 "receivers:\n  - name: mail\n    email_configs: [{to: 'ops@twikit.test, dev@twikit.test'}]\n"
                 "route: {receiver: mail, group_by: [alertname], group_wait: 0s}\n"),
      "test.yaml", [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  FakeClock clock(1'700'000'000'000);
  MemoryNotificationLog nflog;
  MemoryOutbox outbox;
  NotifyMetrics metrics;
  PipelineOptions opts;
  opts.retry.initial_backoff_ms = 20;
  opts.retry.max_backoff_ms = 200;
  opts.retry.max_elapsed_ms = 30'000;
  auto http = std::make_shared<CurlHttpClient>();
  Pipeline pipeline({{"mail", build_integrations(*cfg.find_receiver("mail"), http)}}, nullptr, nullptr, nflog, outbox,
                    clock, &metrics, opts);
  dispatch::Dispatcher dispatcher(cfg.route, pipeline, clock);

  // The SMTP server is down at first: the delivery is retried.
  dispatcher.put({firing({{"alertname", "MailTest"}, {"severity", "warning"}}, clock.now_ms(),
                         {{"summary", "proxies are slow"}, {"description", "p99 above 2s"}})});
  REQUIRE(eventually([&] { return metrics.failed("email", "connect") >= 2; }, std::chrono::seconds(10)));
  CHECK(outbox.depth() == 1);

  auto smtp = start_smtp(port, maildir);
  REQUIRE(eventually([&] { return !list_files(maildir + "/new").empty(); }, std::chrono::seconds(15)));
  REQUIRE(pipeline.wait_idle(std::chrono::seconds(5)));
  const auto files = list_files(maildir + "/new");
  REQUIRE(files.size() == 1);
  const std::string mail = twikit::testing::read_file(maildir + "/new/" + files[0]);
  CHECK(mail.find("Subject: [FIRING:1] MailTest (warning)") != std::string::npos);
  CHECK(mail.find("X-RcptTo: ops@twikit.test, dev@twikit.test") != std::string::npos);
  CHECK(mail.find("X-MailFrom: alertd@twikit.test") != std::string::npos);
  CHECK(mail.find("To: ops@twikit.test, dev@twikit.test") != std::string::npos);
  CHECK(mail.find("summary = proxies are slow") != std::string::npos);
  CHECK(mail.find("text/html") != std::string::npos);
  CHECK(metrics.sent("email") == 1);
  CHECK(outbox.depth() == 0);
}
