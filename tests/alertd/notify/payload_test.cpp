// What integrations put on the wire: the exact webhook v4 JSON, Slack's message, the email subject and body.
#include <catch2/catch.hpp>

#include "alertd/notify/alertmanager.h"
#include "alertd/notify/email.h"
#include "alertd/notify/notification_json.h"
#include "alertd/notify/slack.h"
#include "alertd/notify/system_log.h"
#include "alertd/notify/webhook.h"
#include "support/notify/fakes.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;

Notification two_alerts() {
  Notification n;
  n.receiver = "ops";
  n.group_key = "{}:{alertname=\"ServiceDown\"}";
  n.group_labels = make_labels({{"alertname", "ServiceDown"}});
  n.alerts = {firing({{"alertname", "ServiceDown"}, {"service", "proxy_rotation"}, {"severity", "critical"}}, kT0,
                     {{"summary", "proxy_rotation is down"}, {"runbook_url", "http://runbooks/down"}}),
              resolved(firing({{"alertname", "ServiceDown"}, {"service", "rate_limit"}, {"severity", "critical"}}, kT0,
                              {{"summary", "rate_limit is down"}}),
                       kT0 + 60'000)};
  n.alerts[0].generator_url = "http://alertd/rules";
  n.now = kT0 + 120'000;
  n.external_url = "http://alertd:9878";
  return n;
}
}  // namespace

TEST_CASE("the webhook payload is Alertmanager's version 4, byte for byte") {
  const Notification n = two_alerts();
  const std::string fp0 = fingerprint_hex(fingerprint(n.alerts[0]));
  const std::string fp1 = fingerprint_hex(fingerprint(n.alerts[1]));
  const std::string expected =
      R"({"receiver":"ops","status":"firing","alerts":[)"
      R"({"status":"firing","labels":{"alertname":"ServiceDown","service":"proxy_rotation","severity":"critical"},)"
      R"("annotations":{"runbook_url":"http://runbooks/down","summary":"proxy_rotation is down"},)"
      R"("startsAt":"2023-11-14T22:13:20Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://alertd/rules",)"
      R"("fingerprint":")" + fp0 + R"("},)"
      R"({"status":"resolved","labels":{"alertname":"ServiceDown","service":"rate_limit","severity":"critical"},)"
      R"("annotations":{"summary":"rate_limit is down"},)"
      R"("startsAt":"2023-11-14T22:13:20Z","endsAt":"2023-11-14T22:14:20Z","generatorURL":"",)"
      R"("fingerprint":")" + fp1 + R"("}],)"
      R"("groupLabels":{"alertname":"ServiceDown"},"commonLabels":{"alertname":"ServiceDown","severity":"critical"},)"
      R"("commonAnnotations":{},"externalURL":"http://alertd:9878","version":"4",)"
      R"("groupKey":"{}:{alertname=\"ServiceDown\"}","truncatedAlerts":0})";
  CHECK(webhook_payload(n, 0).dump() == expected);
  const auto truncated = webhook_payload(n, 1);
  CHECK(truncated["alerts"].size() == 1);
  CHECK(truncated["truncatedAlerts"] == 1);
}

TEST_CASE("with max_alerts the common labels and annotations describe the alerts sent, as Alertmanager's") {
  const auto truncated = webhook_payload(two_alerts(), 1);
  CHECK(truncated["commonLabels"].dump() ==
        R"({"alertname":"ServiceDown","service":"proxy_rotation","severity":"critical"})");
  CHECK(truncated["commonAnnotations"].dump() ==
        R"({"runbook_url":"http://runbooks/down","summary":"proxy_rotation is down"})");
  CHECK(truncated["status"] == "firing");
}

TEST_CASE("an email subject with non-ASCII characters is RFC 2047 encoded as Go's mime.QEncoding writes it") {
  Notification n = two_alerts();
  n.alerts.resize(1);
  set_label(n.alerts[0].labels, "alertname", "Dienst_ausgefallen_für_Proxys");
  n.group_labels = make_labels({{"alertname", "Dienst_ausgefallen_für_Proxys"}});
  CHECK(email_subject(n) ==
        "=?utf-8?q?[FIRING:1]_Dienst=5Fausgefallen=5Ff=C3=BCr=5FProxys_(proxy=5Fro?= "
        "=?utf-8?q?tation_critical)?=");
  // Longer than one encoded-word: split between characters into words of at most 75 bytes (63 of content).
  set_label(n.alerts[0].labels, "alertname", "Überlastung der Sitzungsverwaltung und Proxyrotation im Cluster");
  n.group_labels = make_labels({{"alertname", "Überlastung der Sitzungsverwaltung und Proxyrotation im Cluster"}});
  CHECK(email_subject(n) ==
        "=?utf-8?q?[FIRING:1]_=C3=9Cberlastung_der_Sitzungsverwaltung_und_Proxyrot?= "
        "=?utf-8?q?ation_im_Cluster_(proxy=5Frotation_critical)?=");
  // Plain ASCII stays as it is.
  CHECK(email_subject(two_alerts()).rfind("[FIRING:1] ServiceDown", 0) == 0);
}

TEST_CASE("the Slack message has Alertmanager's title, a colour by status and severity, and a runbook link") {
  Notification n = two_alerts();
  SlackConfig cfg;
  cfg.channel = "#ops";
  const auto p = slack_payload(n, cfg);
  CHECK(p["channel"] == "#ops");
  const auto& att = p["attachments"][0];
  CHECK(att["title"] == "[FIRING:1] ServiceDown (critical)");
  CHECK(att["color"] == "danger");
  // Alertmanager links to its alert list filtered by receiver (__alertmanagerURL).
  CHECK(att["title_link"] == "http://alertd:9878/#/alerts?receiver=ops");
  const std::string text = att["text"];
  CHECK(text.find("*Alert:* proxy_rotation is down - `critical`") != std::string::npos);
  CHECK(text.find("*Runbook:* <http://runbooks/down|:spiral_note_pad:>") != std::string::npos);
  n.alerts[0].labels = make_labels({{"alertname", "ServiceDown"}, {"severity", "warning"}});
  CHECK(slack_payload(n, cfg)["attachments"][0]["color"] == "warning");
  n.alerts.pop_back();
  n.alerts[0].ends_at = kT0 + 1;
  CHECK(slack_payload(n, cfg)["attachments"][0]["color"] == "good");
  CHECK(slack_payload(n, cfg)["attachments"][0]["title"] == "[RESOLVED] ServiceDown (warning)");
}

TEST_CASE("the Slack colour follows the highest firing severity of the four") {
  Notification n = two_alerts();
  n.alerts.pop_back();
  const SlackConfig cfg;
  auto colour_for = [&](const std::vector<std::string>& severities) {
    n.alerts.clear();
    for (const auto& s : severities) {
      n.alerts.push_back(firing({{"alertname", "ServiceDown"}, {"service", s}, {"severity", s}}, kT0));
    }
    return slack_payload(n, cfg)["attachments"][0]["color"].get<std::string>();
  };
  CHECK(colour_for({"critical"}) == "danger");
  CHECK(colour_for({"error"}) == "danger");
  CHECK(colour_for({"warning"}) == "warning");
  CHECK(colour_for({"info"}) == "#439FE0");
  CHECK(colour_for({"info", "warning"}) == "warning");
  CHECK(colour_for({"info", "error"}) == "danger");
  CHECK(colour_for({"unknown"}) == "warning");
}

TEST_CASE("the email subject adds the highest firing severity when the alerts do not share one") {
  Notification n = two_alerts();
  n.alerts = {firing({{"alertname", "ServiceDown"}, {"service", "a"}, {"severity", "info"}}, kT0),
              firing({{"alertname", "ServiceDown"}, {"service", "b"}, {"severity", "error"}}, kT0),
              resolved(firing({{"alertname", "ServiceDown"}, {"service", "c"}, {"severity", "critical"}}, kT0),
                       kT0 + 60'000)};
  CHECK(email_subject(n) == "[FIRING:2] ServiceDown [error]");
  n.alerts.resize(1);
  CHECK(email_subject(n) == "[FIRING:1] ServiceDown (a info)");
}

TEST_CASE("the email has Alertmanager's subject and a plain text and an HTML part") {
  const Notification n = two_alerts();
  EmailConfig cfg;
  cfg.from = "alertd@example.com";
  cfg.to = {"ops@example.com", "dev@example.com"};
  CHECK(email_subject(n) == "[FIRING:1] ServiceDown (critical)");
  const std::string m = email_message(n, cfg, kT0 / 1000);
  CHECK(m.find("Subject: [FIRING:1] ServiceDown (critical)\r\n") != std::string::npos);
  CHECK(m.find("To: ops@example.com, dev@example.com\r\n") != std::string::npos);
  CHECK(m.find("Content-Type: text/plain; charset=UTF-8") != std::string::npos);
  CHECK(m.find("Content-Type: text/html; charset=UTF-8") != std::string::npos);
  CHECK(m.find("1 alert(s) firing:") != std::string::npos);
  CHECK(m.find("1 alert(s) resolved:") != std::string::npos);
  CHECK(m.find("<a href=\"http://runbooks/down\">") != std::string::npos);
}

TEST_CASE("Alertmanager gets API v2 alerts; firing ones end after the next possible re-send") {
  const Notification n = two_alerts();
  const auto p = alertmanager_payload(n);
  REQUIRE(p.size() == 2);
  CHECK(p[0]["labels"]["service"] == "proxy_rotation");
  CHECK(p[0]["endsAt"] == format_rfc3339(n.now + n.timing.repeat_interval_ms + 300'000));
  CHECK(p[1]["endsAt"] == "2023-11-14T22:14:20Z");
}

TEST_CASE("the system log line is one logfmt record") {
  const std::string line = system_log_line(two_alerts());
  CHECK(line.rfind("msg=notification receiver=ops status=firing group_key=", 0) == 0);
  CHECK(line.find(" firing=1 resolved=1 alertnames=ServiceDown ") != std::string::npos);
}

TEST_CASE("HTTP outcomes map to delivered, retryable and permanent failures") {
  HttpResponse r;
  r.status = 200;
  CHECK(classify_http(r).outcome == Outcome::delivered);
  r.status = 503;
  CHECK(classify_http(r).outcome == Outcome::retryable);
  CHECK(classify_http(r).reason == "serverError");
  r.status = 400;
  CHECK(classify_http(r).outcome == Outcome::permanent);
  r.status = 429;
  r.headers = {{"retry-after", "7"}};
  CHECK(classify_http(r).outcome == Outcome::retryable);
  CHECK(classify_http(r).retry_after_ms == 7000);
  HttpResponse timeout;
  timeout.error = HttpError::timeout;
  CHECK(classify_http(timeout).outcome == Outcome::retryable);
  CHECK(classify_http(timeout).reason == "timeout");
}

TEST_CASE("a queued notification keeps its flush timing; an older row without group timings reads the defaults") {
  Notification n = two_alerts();
  n.timing = {10'000, 60'000, 3'600'000};
  const nlohmann::json j = notification_to_json(n);
  CHECK(j["groupWaitMs"] == 10'000);
  CHECK(j["groupIntervalMs"] == 60'000);
  CHECK(j["repeatIntervalMs"] == 3'600'000);
  CHECK(notification_from_json(j).timing == FlushTiming{10'000, 60'000, 3'600'000});

  nlohmann::json older = j;
  older.erase("groupWaitMs");
  older.erase("groupIntervalMs");
  CHECK(notification_from_json(older).timing == FlushTiming{30'000, 300'000, 3'600'000});
}
