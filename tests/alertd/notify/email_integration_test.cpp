// Email into a real SMTP server (aiosmtpd, writing a maildir), including a server that starts late.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>

#include "alertd/dispatch/dispatcher.h"
#include "alertd/notify/email.h"
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

TEST_CASE("auth_password_file is read at each send: a rotated password logs in without a reload") {
  const std::string dir = twikit::testing::make_temp_dir("notify-smtp-auth");
  const int port = free_port();
  twikit::testing::write_file(dir + "/server-pw", "pw-1");
  twikit::testing::write_file(dir + "/alertd-pw", "pw-1\n");  // the trailing newline is trimmed
  twikit::testing::ChildProcess smtp({"/usr/bin/python3",
                                      std::string(TWIKIT_SOURCE_DIR) + "/tests/alertd/notify/smtp_auth_server.py",
                                      std::to_string(port), "alertd", dir + "/server-pw", dir + "/out"},
                                     {}, dir + "/smtp.err");
  REQUIRE(eventually([&] { return port_open(port); }, std::chrono::seconds(15)));
  const auto cfg = load_notification_config(
      YAML::Load("global: {smtp_smarthost: '127.0.0.1:" + std::to_string(port) +
                 "', smtp_from: 'alertd@twikit.test', smtp_require_tls: false, smtp_auth_username: alertd,"
                 " smtp_auth_password_file: " + dir + "/alertd-pw}\n"
                 "receivers:\n  - name: mail\n    email_configs: [{to: 'ops@twikit.test'}]\n"
                 "route: {receiver: mail}\n"),
      "test.yaml", [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  EmailNotifier email(cfg.find_receiver("mail")->emails.at(0));
  Notification n;
  n.receiver = "mail";
  n.group_key = "{}:{}";
  n.alerts = {firing({{"alertname", "MailAuth"}}, 1'700'000'000'000)};
  n.now = 1'700'000'000'000;

  CHECK(email.notify(n).outcome == Outcome::delivered);
  REQUIRE(list_files(dir + "/out").size() == 1);
  CHECK(twikit::testing::read_file(dir + "/out/1.eml").rfind("X-Auth-Login: alertd\r\n", 0) == 0);

  // The password is rotated on both sides: the next mail logs in with the new one, no reload.
  twikit::testing::write_file(dir + "/server-pw", "pw-2");
  twikit::testing::write_file(dir + "/alertd-pw", "pw-2\n");
  CHECK(email.notify(n).outcome == Outcome::delivered);
  CHECK(list_files(dir + "/out").size() == 2);

  // A password file that is gone fails the attempt, naming the file, before anything is sent.
  std::filesystem::remove(dir + "/alertd-pw");
  const DeliveryResult missing = email.notify(n);
  CHECK(missing.outcome == Outcome::retryable);
  CHECK(missing.reason == "other");
  CHECK(missing.detail == "cannot read smtp_auth_password_file \"" + dir + "/alertd-pw\": No such file or directory");
  CHECK(list_files(dir + "/out").size() == 2);
  CHECK_FALSE(std::filesystem::exists(dir + "/out/refused"));
}
