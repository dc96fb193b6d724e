// Notification templates: Alertmanager's data model, the default templates' exact output, `templates:`
// files and template fields in alertd.yaml, and failures at send time.
#include <catch2/catch.hpp>

#include <filesystem>

#include "alertd/notify/config.h"
#include "alertd/notify/default_templates.h"
#include "alertd/notify/email.h"
#include "alertd/notify/metrics.h"
#include "alertd/notify/slack.h"
#include "alertd/notify/template_model.h"
#include "alertd/notify/template_render.h"
#include "support/notify/fakes.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;
using namespace twikit::notify::testing;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;

Notification group() {
  Notification n;
  n.receiver = "team x";
  n.group_key = "{}:{alertname=\"Down\"}";
  n.group_labels = make_labels({{"alertname", "Down"}, {"cluster", "eu1"}});
  n.alerts = {firing({{"alertname", "Down"}, {"cluster", "eu1"}, {"instance", "a:1"}, {"severity", "critical"}}, kT0,
                     {{"summary", "a is down"}}),
              firing({{"alertname", "Down"}, {"cluster", "eu1"}, {"instance", "b:1"}, {"severity", "critical"}}, kT0,
                     {{"summary", "b is down"}}),
              resolved(firing({{"alertname", "Down"}, {"cluster", "eu1"}, {"instance", "c:1"}, {"severity", "critical"}},
                              kT0),
                       kT0 + 1'500)};
  n.alerts[0].generator_url = "http://alertd/graph?g0.expr=up";
  n.now = kT0 + 60'000;
  n.external_url = "http://alertd:9878";
  return n;
}

std::string render(const std::string& text, const Notification& n = group()) {
  return default_template_set()->parse("t", text).execute(notification_template_data(n));
}

NotificationConfig load(const std::string& yaml, const std::string& file) {
  return load_notification_config(YAML::Load(yaml), file, [](const std::string&) { return std::nullopt; });
}

std::string load_error(const std::string& yaml, const std::string& file) {
  try {
    load(yaml, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("the notification data has Alertmanager's fields and methods") {
  CHECK(render("{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}|{{ .GroupKey }}") ==
        "team x|firing|http://alertd:9878|{}:{alertname=\"Down\"}");
  CHECK(render("{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}") == "3 2 1");
  CHECK(render("{{ range .Alerts.Resolved }}{{ .Status }} {{ .Labels.instance }} {{ .StartsAt }} .. {{ .EndsAt }}{{ end }}") ==
        "resolved c:1 2023-11-14 22:13:20 +0000 UTC .. 2023-11-14 22:13:21.5 +0000 UTC");
  CHECK(render("{{ with index .Alerts 0 }}{{ .GeneratorURL }} {{ .Fingerprint }} {{ .Annotations.summary }} {{ .EndsAt }}{{ end }}") ==
        "http://alertd/graph?g0.expr=up " + fingerprint_hex(fingerprint(group().alerts[0])) +
            " a is down 0001-01-01 00:00:00 +0000 UTC");
  CHECK(render("{{ .GroupLabels.SortedPairs.Names | join \",\" }}={{ .GroupLabels.Values | join \",\" }}") ==
        "alertname,cluster=Down,eu1");
  CHECK(render("{{ range .CommonLabels.SortedPairs }}{{ .Name }}:{{ .Value }} {{ end }}") ==
        "alertname:Down cluster:eu1 severity:critical ");
  CHECK(render("{{ (.CommonLabels.Remove .GroupLabels.Names).Names }}") == "[severity]");
  CHECK(render("{{ .CommonLabels.Remove (stringSlice \"cluster\") | len }}") == "2");
  CHECK(render("[{{ .CommonAnnotations.summary }}]{{ .CommonLabels.nope }}") == "[]");
  CHECK_THROWS_WITH(render("{{ .Nope }}"),
                    "template: t:1: executing \"t\" at <.Nope>: can't evaluate field Nope in type *template.Data");
}

TEST_CASE("SortedPairs puts alertname first, as Alertmanager's") {
  Notification n = group();
  n.group_labels = make_labels({{"a", "1"}, {"alertname", "Down"}, {"z", "2"}});
  CHECK(render("{{ .GroupLabels.Names | join \" \" }}", n) == "alertname a z");
}

TEST_CASE("the default templates render Alertmanager's subject, link and alert list") {
  CHECK(render("{{ template \"__subject\" . }}") == "[FIRING:2] Down eu1 (critical)");
  CHECK(render("{{ template \"__alertmanagerURL\" . }}") == "http://alertd:9878/#/alerts?receiver=team+x");
  CHECK(render("{{ template \"slack.default.fallback\" . }}") ==
        "[FIRING:2] Down eu1 (critical) | http://alertd:9878/#/alerts?receiver=team+x");
  CHECK(render("{{ template \"slack.default.username\" . }}") == "alertd");
  Notification n = group();
  n.alerts.resize(1);
  // Like Alertmanager's, the subject keeps the space before the (absent) other common labels.
  n.alerts[0].labels = n.group_labels;
  CHECK(render("{{ template \"__subject\" . }}", n) == "[FIRING:1] Down eu1 ");
  CHECK(render("{{ template \"__text_alert_list\" .Alerts }}", n) ==
        "Labels:\n - alertname = Down\n - cluster = eu1\nAnnotations:\n - summary = a is down\n"
        "Source: http://alertd/graph?g0.expr=up\n");
  n.alerts[0].ends_at = kT0 + 1;
  CHECK(render("{{ template \"__subject\" . }}", n) == "[RESOLVED] Down eu1 ");
}

TEST_CASE("the default Slack message is exactly Alertmanager's shape with alertd's text and colour") {
  Notification n = group();
  n.alerts.resize(1);
  const auto p = slack_payload(n, SlackConfig{});
  CHECK(p.dump() ==
        R"j({"username":"alertd","attachments":[{"title":"[FIRING:1] Down eu1 (a:1 critical)",)j"
        R"j("title_link":"http://alertd:9878/#/alerts?receiver=team+x",)j"
        R"j("text":"*Alert:* a is down - `critical`\n*Details:*\n  • *alertname:* `Down`\n  • *cluster:* `eu1`\n)j"
        R"j(  • *instance:* `a:1`\n  • *severity:* `critical`\n",)j"
        R"j("fallback":"[FIRING:1] Down eu1 (a:1 critical) | http://alertd:9878/#/alerts?receiver=team+x",)j"
        R"j("color":"danger","mrkdwn_in":["fallback","pretext","text"]}]})j");
}

TEST_CASE("the default email is a text and an HTML part; the HTML escapes label values") {
  Notification n = group();
  n.alerts.resize(1);
  set_label(n.alerts[0].labels, "instance", "<a&b>");
  EmailConfig cfg;
  cfg.from = "alertd@example.com";
  cfg.to = {"ops@example.com"};
  const std::string m = email_message(n, cfg, kT0 / 1000);
  CHECK(m.find("Subject: [FIRING:1] Down eu1 (<a&b> critical)\r\n") != std::string::npos);
  CHECK(m.find("1 alert(s) firing:\r\n\r\n- Down\r\n  Labels:\r\n    alertname = Down\r\n    cluster = eu1\r\n"
               "    instance = <a&b>\r\n    severity = critical\r\n  Annotations:\r\n    summary = a is down\r\n"
               "  Started: 2023-11-14 22:13:20 +0000 UTC\r\n  Source: http://alertd/graph?g0.expr=up\r\n\r\n"
               "Sent by alertd (http://alertd:9878)\r\n") != std::string::npos);
  CHECK(m.find("<tr><td>instance</td><td><code>&lt;a&amp;b&gt;</code></td></tr>") != std::string::npos);
  CHECK(m.find("<title>[FIRING:1] Down eu1 (&lt;a&amp;b&gt; critical)</title>") != std::string::npos);
}

TEST_CASE("receiver template fields replace the defaults; email headers are templates too") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-tmpl");
  const auto cfg = load("receivers:\n"
                        "  - name: r\n"
                        "    slack_configs: [{api_url: 'http://127.0.0.1:1/x', title: '{{ .Status }}!', color: '#000',\n"
                        "                     channel: '#{{ .CommonLabels.cluster }}', username: ''}]\n"
                        "    email_configs: [{to: a@b.c, smarthost: 'localhost:25', text: '',\n"
                        "                     headers: {subject: 'S {{ len .Alerts }}', X-Team: '{{ .Receiver }}'}}]\n"
                        "route: {receiver: r}\n",
                        dir + "/alertd.yaml");
  Notification n = group();
  n.receiver = "r";
  const auto p = slack_payload(n, cfg.receivers[0].slacks[0]);
  CHECK(p["channel"] == "#eu1");
  CHECK_FALSE(p.contains("username"));
  CHECK(p["attachments"][0]["title"] == "firing!");
  CHECK(p["attachments"][0]["color"] == "#000");
  const std::string m = email_message(n, cfg.receivers[0].emails[0], kT0 / 1000);
  CHECK(m.find("Subject: S 3\r\n") != std::string::npos);
  CHECK(m.find("X-Team: r\r\n") != std::string::npos);
  CHECK(m.find("text/plain") == std::string::npos);
  CHECK(m.find("text/html") != std::string::npos);
}

TEST_CASE("templates: files are globbed relative to the config file and later definitions win") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-tmpl");
  std::filesystem::create_directories(dir + "/tmpl");
  twikit::testing::write_file(dir + "/tmpl/a.tmpl", "{{ define \"slack.default.title\" }}A {{ .Status }}{{ end }}");
  twikit::testing::write_file(dir + "/tmpl/b.tmpl", "{{ define \"mine\" }}B{{ end }}");
  const auto cfg = load("templates: ['tmpl/*.tmpl', 'none/*.tmpl']\n"
                        "receivers: [{name: r, slack_configs: [{api_url: 'http://127.0.0.1:1/x'}]}]\n"
                        "route: {receiver: r}\n",
                        dir + "/alertd.yaml");
  CHECK(cfg.template_files == std::vector<std::string>{dir + "/tmpl/a.tmpl", dir + "/tmpl/b.tmpl"});
  CHECK(slack_payload(group(), cfg.receivers[0].slacks[0])["attachments"][0]["title"] == "A firing");
  CHECK(cfg.templates->contains("mine"));
  CHECK(cfg.templates->contains("slack.default.text"));
}

TEST_CASE("a template file or field that does not parse is a load error at the config entry naming the file") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-tmpl");
  twikit::testing::write_file(dir + "/bad.tmpl", "{{ define \"x\" }}\n{{ .Status \n{{ end }}");
  CHECK(load_error("route: {receiver: r}\nreceivers: [{name: r}]\ntemplates:\n  - 'bad.tmpl'\n", dir + "/alertd.yaml") ==
        dir + "/alertd.yaml:4:5: templates: template: " + dir + "/bad.tmpl:3: unexpected \"{\" in command");
  CHECK(load_error("route: {receiver: r}\n"
                   "receivers: [{name: r, slack_configs: [{api_url: 'http://127.0.0.1:1/x', title: '{{ nope }}'}]}]\n",
                   dir + "/alertd.yaml") ==
        dir + "/alertd.yaml:2:80: slack_configs title: template: slack_configs title:1: function \"nope\" not defined");
}

TEST_CASE("an integration alertd lacks is named in the error") {
  CHECK(load_error("route: {receiver: r}\nreceivers:\n  - name: r\n    pagerduty_configs: [{service_key: k}]\n",
                   "am.yml") ==
        "am.yml:4:5: receiver integration pagerduty_configs is not supported by alertd (alertd has webhook_configs, "
        "slack_configs, email_configs, system_log_configs and alertmanager_configs)");
}

TEST_CASE("a template failing at send time is sent with the error in its place, logged and counted") {
  const auto before = template_failure_counts()["slack"];
  SlackConfig cfg;
  cfg.title = "{{ template \"missing\" . }}";
  const auto p = slack_payload(group(), cfg);
  CHECK(p["attachments"][0]["title"] ==
        "<error expanding template: template: title:1: executing \"title\": template \"missing\" not defined>");
  CHECK(p["attachments"][0]["color"] == "danger");
  CHECK(template_failure_counts()["slack"] == before + 1);
  NotifyMetrics metrics;
  bool found = false;
  for (const auto& f : metrics.collect()) {
    if (f.name != "alertd_notification_template_failures_total") continue;
    for (const auto& s : f.samples) found = found || (s.value == static_cast<double>(before + 1));
  }
  CHECK(found);
}
