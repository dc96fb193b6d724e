// Loading the notification config: Alertmanager's vocabulary and defaults, secrets, file:line:col errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <vector>

#include "alertd/notify/config.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::notify;

namespace {
EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

NotificationConfig load(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  return load_notification_config(YAML::Load(yaml), "alertd.yaml", env_of(std::move(env)));
}

std::string error_of(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  try {
    load(yaml, std::move(env));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("routes get Alertmanager's defaults and children inherit from their parent") {
  const auto cfg = load(R"(
receivers:
  - name: ops
    webhook_configs: [{url: "http://127.0.0.1:1/hook"}]
  - name: pager
    email_configs: [{to: "a@x, b@x", smarthost: "127.0.0.1:25", require_tls: false}]
    slack_configs: [{api_url: "http://127.0.0.1:2/slack"}]
route:
  receiver: ops
  group_by: [alertname, service]
  routes:
    - matchers: ['severity=~"critical|warning"']
      receiver: pager
      group_wait: 10s
      continue: true
      routes:
        - matchers: [team=db]
          group_by: ['...']
)");
  CHECK(cfg.route.receiver == "ops");
  CHECK(cfg.route.timing.group_wait_ms == 30'000);
  CHECK(cfg.route.timing.group_interval_ms == 300'000);
  CHECK(cfg.route.timing.repeat_interval_ms == 4 * 3'600'000);
  REQUIRE(cfg.route.routes.size() == 1);
  const auto& child = cfg.route.routes[0];
  CHECK(child.receiver == "pager");
  CHECK(child.continue_matching);
  CHECK(child.timing.group_wait_ms == 10'000);
  CHECK(child.group_by == std::vector<std::string>{"alertname", "service"});
  REQUIRE(child.matchers.size() == 1);
  CHECK(child.matchers[0].op() == Matcher::Op::regex);
  const auto& grandchild = child.routes.at(0);
  CHECK(grandchild.group_by_all);
  CHECK(grandchild.timing.group_wait_ms == 10'000);
  CHECK(grandchild.receiver == "pager");
  const auto* pager = cfg.find_receiver("pager");
  REQUIRE(pager);
  CHECK(pager->emails.at(0).to == std::vector<std::string>{"a@x", "b@x"});
  CHECK_FALSE(pager->emails.at(0).send_resolved);
  CHECK_FALSE(pager->slacks.at(0).send_resolved);
  CHECK(cfg.find_receiver("ops")->webhooks.at(0).send_resolved);
  CHECK(cfg.find_receiver("default") == nullptr);
}

TEST_CASE("a repeat_interval that is not a multiple of group_interval is accepted with a positioned warning") {
  const auto cfg = load(R"(
receivers: [{name: ops}]
route:
  receiver: ops
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: [team=db]
      repeat_interval: 9m
    - matchers: [team=web]
      group_interval: 10m
)");
  CHECK(cfg.route.routes.at(0).timing.repeat_interval_ms == 540'000);  // the value stays as written
  REQUIRE(cfg.warnings.size() == 1);
  CHECK(cfg.warnings[0] ==
        "alertd.yaml:9:24: repeat_interval 9m is not a multiple of group_interval 5m; notifications repeat every 10m");
  CHECK(load("receivers: [{name: ops}]\nroute: {receiver: ops}\n").warnings.empty());
}

TEST_CASE("errors name the file, line and column of what is wrong") {
  CHECK(error_of("receivers: [{name: a}]\nroute:\n  receiver: nope\n") ==
        "alertd.yaml:3:13: route refers to unknown receiver \"nope\"");
  CHECK(error_of("receivers: [{name: a}]\nroute:\n  receiver: a\n  routes:\n    - matchers: ['severity=~\"(\"']\n")
            .rfind("alertd.yaml:5:18: bad matcher", 0) == 0);
  CHECK(error_of("receivers: [{name: a}]\nroute:\n  receiver: a\n  group_wait: soon\n") ==
        "alertd.yaml:4:15: invalid duration \"soon\" (expected e.g. 30s, 5m, 4h)");
  CHECK(error_of("receivers:\n  - name: s\n    slack_configs: [{channel: '#ops'}]\n")
            .rfind("alertd.yaml:3:21: slack_configs: missing secret api_url", 0) == 0);
  CHECK(error_of("receivers:\n  - name: e\n    email_configs: [{to: a@x, smarthost: 'h:25', auth_username: u}]\n")
            .find("missing secret auth password") != std::string::npos);
  CHECK(error_of("receivers:\n  - name: w\n    webhook_configs: [{url: 'http://x', url_file: /u}]\n") ==
        "alertd.yaml:3:51: at most one of url & url_file must be configured");
  CHECK(error_of("receivers: [{name: a}]\nroute: {receiver: a, group_wiat: 1s}\n")
            .find("unknown field \"group_wiat\" in route") != std::string::npos);
  CHECK(error_of("receivers: [{name: a}]\nroute: {receiver: a, escalation_policy: nope}\n")
            .find("unknown escalation policy") != std::string::npos);
}

TEST_CASE("secrets come from the environment or from files") {
  const std::string dir = testing::make_temp_dir("notify-config");
  testing::write_file(dir + "/token", "file-token\n");
  const auto cfg = load(R"(
receivers:
  - name: env
    webhook_configs: [{url: "http://127.0.0.1:1/a"}]
    slack_configs: [{}]
  - name: file
    webhook_configs: [{url: "http://127.0.0.1:1/b", bearer_token_file: ")" + dir + R"(/token"}]
route: {receiver: env}
)",
                        {{"MONITORING_WEBHOOK_TOKEN", "env-token"}, {"SLACK_WEBHOOK_URL", "http://127.0.0.1:3/s"}});
  CHECK(authorization_header(cfg.find_receiver("env")->webhooks.at(0).auth) == "Bearer env-token");
  CHECK(resolve(cfg.find_receiver("env")->slacks.at(0).api_url) == "http://127.0.0.1:3/s");
  // A file is kept as a file, read when sending (trimmed of the trailing newline).
  CHECK(cfg.find_receiver("file")->webhooks.at(0).auth.credentials.file == dir + "/token");
  CHECK(authorization_header(cfg.find_receiver("file")->webhooks.at(0).auth) == "Bearer file-token");
}

TEST_CASE("a secret and its file are exclusive, in Alertmanager's words, and the file is not read at load") {
  CHECK(error_of("global: {slack_api_url: 'http://h/', slack_api_url_file: /s}\n") ==
        "alertd.yaml:1:58: at most one of slack_api_url & slack_api_url_file must be configured");
  CHECK(error_of("global: {smtp_auth_password: p, smtp_auth_password_file: /p}\n") ==
        "alertd.yaml:1:58: at most one of smtp_auth_password & smtp_auth_password_file must be configured");
  CHECK(error_of("receivers: [{name: s, slack_configs: [{api_url: 'http://h/', api_url_file: /s}]}]\n") ==
        "alertd.yaml:1:76: at most one of api_url & api_url_file must be configured");
  CHECK(error_of("receivers: [{name: e, email_configs: [{to: a@x, smarthost: 'h:25', auth_username: u,"
                 " auth_password: p, auth_password_file: /p}]}]\n") ==
        "alertd.yaml:1:39: at most one of auth_password & auth_password_file & auth_password_env must be configured");
  CHECK(error_of("receivers: [{name: w, webhook_configs: [{url: 'http://h/', http_config: "
                 "{bearer_token: a, bearer_token_file: /t}}]}]\n") ==
        "alertd.yaml:1:110: at most one of bearer_token & bearer_token_file must be configured");
  CHECK(error_of("receivers: [{name: w, webhook_configs: [{url: 'http://h/', http_config: "
                 "{authorization: {credentials: a, credentials_file: /t}}}]}]\n") ==
        "alertd.yaml:1:124: at most one of authorization credentials & credentials_file must be configured");
  // Files that do not exist yet load (Alertmanager reads them when sending); relative paths are resolved
  // against the config file's directory, as Alertmanager resolves them.
  const auto cfg = load_notification_config(
      YAML::Load("global: {slack_api_url_file: secrets/slack, smtp_auth_password_file: /run/smtp}\n"
                 "receivers:\n  - name: a\n    webhook_configs: [{url_file: secrets/hook, http_config: "
                 "{basic_auth: {username: u, password_file: secrets/pw}}}]\n"
                 "    slack_configs: [{}]\n    email_configs: [{to: a@x, smarthost: 'h:25', auth_username: u}]\n"
                 "route: {receiver: a}\n"),
      "/etc/alertd/alertd.yaml", [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  const auto* a = cfg.find_receiver("a");
  REQUIRE(a);
  CHECK(a->webhooks.at(0).url.file == "/etc/alertd/secrets/hook");
  CHECK(a->webhooks.at(0).auth.password.file == "/etc/alertd/secrets/pw");
  CHECK(a->slacks.at(0).api_url.file == "/etc/alertd/secrets/slack");
  CHECK(a->emails.at(0).auth_password.file == "/run/smtp");
}

TEST_CASE("a secret file is read at each use, trimmed as Go's strings.TrimSpace, and a missing one is named") {
  const std::string dir = testing::make_temp_dir("notify-secret-files");
  testing::write_file(dir + "/token", " \tfirst\r\n\n");
  const Secret s = Secret::from_file(dir + "/token", "credentials_file");
  CHECK(resolve(s) == "first");
  testing::write_file(dir + "/token", "second");
  CHECK(resolve(s) == "second");
  std::filesystem::remove(dir + "/token");
  try {
    (void)resolve(s);
    FAIL("a missing secret file must fail");
  } catch (const SecretFileError& e) {
    CHECK(std::string(e.what()) == "cannot read credentials_file \"" + dir + "/token\": No such file or directory");
  }
  testing::write_file(dir + "/token", "SECRET-s3cr3t\r\nX-Injected: 1\n");
  HttpAuth auth;
  auth.scheme = HttpAuth::Scheme::authorization;
  auth.credentials = s;
  try {
    (void)authorization_header(auth);
    FAIL("credentials with a line break must fail");
  } catch (const SecretFileError& e) {
    CHECK(std::string(e.what()) == "credentials_file \"" + dir + "/token\": the credentials contain control characters");
  }
  testing::write_file(dir + "/url", "hxxps://hooks.example.com/SECRET-s3cr3t\n");
  try {
    (void)resolve_url(Secret::from_file(dir + "/url", "url_file"));
    FAIL("a URL file with another scheme must fail");
  } catch (const SecretFileError& e) {
    CHECK(std::string(e.what()) == "url_file \"" + dir + "/url\": invalid URL: the scheme must be http or https");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the seed's environment variables become implicit receivers") {
  const auto cfg = load("", {{"MONITORING_WEBHOOK_URL", "http://127.0.0.1:9/hook"},
                             {"MONITORING_WEBHOOK_TOKEN", "t"},
                             {"MONITORING_EMAIL_RECIPIENTS", "ops@example.com,dev@example.com"},
                             {"SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack"}});
  CHECK(cfg.route.receiver == "default");
  const auto* def = cfg.find_receiver("default");
  REQUIRE(def);
  CHECK(def->webhooks.at(0).url.value == "http://127.0.0.1:9/hook");
  CHECK(authorization_header(def->webhooks.at(0).auth) == "Bearer t");
  CHECK(def->emails.at(0).to.size() == 2);
  CHECK(def->slacks.at(0).api_url.value == "http://127.0.0.1:9/slack");
  CHECK(cfg.find_receiver("monitoring-webhook"));
  CHECK(cfg.find_receiver("monitoring-email"));
  CHECK(cfg.find_receiver("slack"));
  // Without any, the default receiver logs.
  CHECK(load("").find_receiver("default")->system_logs.size() == 1);
}

TEST_CASE("inhibit rules and escalation policies are loaded and validated") {
  const auto cfg = load(R"(
receivers: [{name: a}, {name: b}]
escalation_policies:
  - name: oncall
    steps:
      - {after: 15m, receivers: [a]}
      - {after: 1h, receivers: [a, b]}
route: {receiver: a, escalation_policy: oncall}
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: ['severity=~"warning|info"']
    equal: [service]
)");
  REQUIRE(cfg.escalation_policies.count("oncall"));
  CHECK(cfg.escalation_policies.at("oncall").steps.at(1).after_ms == 3'600'000);
  CHECK(cfg.route.escalation_policy == "oncall");
  REQUIRE(cfg.inhibit_rules.size() == 1);
  CHECK(cfg.inhibit_rules[0].equal == std::vector<std::string>{"service"});
  CHECK(error_of("receivers: [{name: a}]\nescalation_policies:\n  - name: p\n    steps: [{after: 5m, receivers: [zz]}]\n")
            .find("unknown receiver \"zz\"") != std::string::npos);
}

TEST_CASE("a bad receiver URL or token is reported by where it came from, never by its value") {
  const std::string dir = testing::make_temp_dir("notify-config-secrets");
  const std::string secret = "hxxps://hooks.example.com/services/T0/B0/SECRET-s3cr3t";
  struct Case {
    std::string yaml;
    std::map<std::string, std::string> env;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"global: {slack_api_url: '" + secret + "'}\n", {},
       "alertd.yaml:1:25: invalid URL in slack_api_url: the scheme must be http or https"},
      {"receivers: [{name: w, webhook_configs: [{url: '" + secret + "'}]}]\n", {},
       "alertd.yaml:1:47: invalid URL in webhook_configs url: the scheme must be http or https"},
      {"receivers: [{name: w, webhook_configs: [{url: 'https://SECRET-s3cr3t@/x'}]}]\n", {},
       "alertd.yaml:1:47: invalid URL in webhook_configs url: the host is missing"},
      {"receivers: [{name: w, webhook_configs: [{url: 'http://h/SECRET-s3cr3t x'}]}]\n", {},
       "alertd.yaml:1:47: invalid URL in webhook_configs url: it contains whitespace or control characters"},
      {"receivers: [{name: a, alertmanager_configs: [{url: 'ftp://u:SECRET-s3cr3t@am:9093'}]}]\n", {},
       "alertd.yaml:1:52: invalid URL in alertmanager_configs url: the scheme must be http or https"},
      {"", {{"MONITORING_WEBHOOK_URL", secret}},
       "alertd.yaml: invalid URL in environment variable MONITORING_WEBHOOK_URL: the scheme must be http or https"},
      {"", {{"MONITORING_WEBHOOK_URL", "SECRET-s3cr3t"}},
       "alertd.yaml: invalid URL in environment variable MONITORING_WEBHOOK_URL: expected an absolute http:// or "
       "https:// URL"},
      {"", {{"SLACK_WEBHOOK_URL", secret}},
       "alertd.yaml: invalid URL in environment variable SLACK_WEBHOOK_URL: the scheme must be http or https"},
      {"", {{"MONITORING_WEBHOOK_URL", "http://h/"}, {"MONITORING_WEBHOOK_TOKEN", "SECRET-s3cr3t\r\nX: y"}},
       "alertd.yaml: invalid bearer token in environment variable MONITORING_WEBHOOK_TOKEN: it contains whitespace "
       "or control characters"},
      {"", {{"MONITORING_API_TOKEN", "SECRET-s3cr3t "}},
       "alertd.yaml: invalid bearer token in environment variable MONITORING_API_TOKEN: it contains whitespace or "
       "control characters"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    const std::string error = error_of(c.yaml, c.env);
    CHECK(error == c.error);
    CHECK(error.find("s3cr3t") == std::string::npos);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("URLs are http or https everywhere, and the smarthost is host:port") {
  CHECK(error_of("global: {external_url: 'alertd:9878'}\n") ==
        "alertd.yaml:1:24: invalid URL in external_url: expected an absolute http:// or https:// URL");
  CHECK(error_of("global: {smtp_smarthost: 'smtp://mail:25'}\n") ==
        "alertd.yaml:1:26: invalid smtp_smarthost: expected host:port, not a URL");
  CHECK(error_of("receivers: [{name: e, email_configs: [{to: a@x, smarthost: 'mail:99999'}]}]\n") ==
        "alertd.yaml:1:60: invalid email_configs smarthost: expected host:port with a port from 1 to 65535");
  CHECK(error_of("receivers: [{name: e, email_configs: [{to: a@x, smarthost: mail}]}]\n") ==
        "alertd.yaml:1:60: invalid email_configs smarthost: expected host:port");
  const auto ok = load("global: {external_url: 'HTTPS://alertd.example:9878/'}\n"
                       "receivers: [{name: w, webhook_configs: [{url: 'http://[::1]:9/hook'}],"
                       " email_configs: [{to: a@x, smarthost: 'mail.example:587'}]}]\nroute: {receiver: w}\n");
  CHECK(ok.external_url == "HTTPS://alertd.example:9878/");
  CHECK(ok.find_receiver("w")->emails.at(0).smarthost == "mail.example:587");
}

TEST_CASE("the global http_config is the default of webhook and Slack receivers that set none, as in Alertmanager") {
  const auto cfg = load("global:\n  slack_api_url: 'https://hooks.slack.example/x'\n"
                        "  http_config: {basic_auth: {username: u, password: p}}\n"
                        "receivers:\n  - name: a\n    webhook_configs: [{url: 'http://h/'}]\n    slack_configs: [{}]\n"
                        "  - name: own\n    webhook_configs: [{url: 'http://h/', http_config: {bearer_token: t}}]\n"
                        "route: {receiver: a}\n");
  const auto* a = cfg.find_receiver("a");
  const auto* own = cfg.find_receiver("own");
  REQUIRE(a);
  REQUIRE(own);
  CHECK(authorization_header(a->webhooks.at(0).auth) == "Basic dTpw");
  CHECK(authorization_header(a->slacks.at(0).auth) == "Basic dTpw");
  CHECK(authorization_header(own->webhooks.at(0).auth) == "Bearer t");
}

TEST_CASE("global keys of integrations alertd lacks are refused by name, never taken for unknown fields") {
  const auto error = [](const std::string& global) {
    try {
      load("global: {" + global + "}\nreceivers: [{name: a}]\nroute: {receiver: a}\n");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  CHECK(error("victorops_api_key: k") ==
        "alertd.yaml:1:29: global: victorops_api_key is not supported by alertd (its integration or SMTP mechanism "
        "is not there; send through an Alertmanager with alertmanager_configs)");
  CHECK(error("opsgenie_api_key_file: /k").find("global: opsgenie_api_key_file is not supported by alertd") !=
        std::string::npos);
  CHECK(error("http_config: {proxy_url: 'http://proxy:3128'}").find("proxy_url is not supported by alertd") !=
        std::string::npos);
  CHECK(error("no_such_key: 1").find("unknown field") != std::string::npos);
}

TEST_CASE("http_config settings alertd cannot honour are load errors, never accepted and ignored") {
  const auto error = [](const std::string& http_config) {
    try {
      load("receivers:\n  - name: a\n    webhook_configs:\n      - url: http://127.0.0.1:1/\n        http_config: " +
           http_config + "\nroute: {receiver: a}\n");
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  CHECK(error("{tls_config: {insecure_skip_verify: true}}") ==
        "alertd.yaml:5:23: http_config: tls_config is not supported by alertd (remove it, or send through an "
        "Alertmanager with alertmanager_configs)");
  CHECK(error("{proxy_url: 'http://proxy:3128'}").find("proxy_url is not supported") != std::string::npos);
  CHECK(error("{basic_auth: {username: u, password: p}, bearer_token: t}").find(
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured") != std::string::npos);
  CHECK(error("{authorization: {type: Basic, credentials: x}}").find(
            "authorization type cannot be set to \"basic\", use \"basic_auth\" instead") != std::string::npos);
  CHECK(error("{basic_auth: {username: u, password: p, password_file: /x}}").find(
            "at most one of basic_auth password & password_file") != std::string::npos);
  CHECK(error("{bearer_token: abc}") == "loaded");
}

TEST_CASE("booleans may be written as YAML 1.1 spells them, as Alertmanager reads them") {
  const auto cfg = load("receivers:\n  - name: a\n    webhook_configs: [{url: 'http://127.0.0.1:1/', send_resolved: no}]\n"
                        "route:\n  receiver: a\n  routes:\n    - receiver: a\n      continue: yes\n");
  CHECK_FALSE(cfg.find_receiver("a")->webhooks.at(0).send_resolved);
  CHECK(cfg.route.routes.at(0).continue_matching);
}

TEST_CASE("an empty group_by in a child route inherits the parent's grouping, as in Alertmanager") {
  const auto cfg = load("receivers: [{name: a}]\n"
                        "route:\n  receiver: a\n  group_by: [alertname, service]\n"
                        "  routes:\n    - matchers: [team=ops]\n      group_by: []\n"
                        "    - matchers: [team=dev]\n      group_by: [cluster]\n");
  CHECK(cfg.route.routes.at(0).group_by == std::vector<std::string>{"alertname", "service"});
  CHECK(cfg.route.routes.at(1).group_by == std::vector<std::string>{"cluster"});
}

TEST_CASE("inhibit rules take Alertmanager's legacy source_match_re and target_match_re") {
  const auto cfg = load("receivers: [{name: a}]\nroute: {receiver: a}\n"
                        "inhibit_rules:\n  - source_match_re: {severity: 'crit.*'}\n"
                        "    target_match_re: {severity: 'warning|info'}\n    equal: [service]\n");
  const auto& rule = cfg.inhibit_rules.at(0);
  REQUIRE(rule.source_matchers.size() == 1);
  CHECK(rule.source_matchers[0].matches_value("critical"));
  CHECK_FALSE(rule.source_matchers[0].matches_value("xcritical"));
  REQUIRE(rule.target_matchers.size() == 1);
  CHECK(rule.target_matchers[0].matches_value("info"));
  CHECK_FALSE(rule.target_matchers[0].matches_value("critical"));
}

TEST_CASE("time_intervals are named, and routes mute or activate by name without inheriting them") {
  const auto cfg = load(R"(
receivers: [{name: ops}]
mute_time_intervals:
  - name: legacy
    time_intervals: [{weekdays: [sunday]}]
time_intervals:
  - name: offhours
    time_intervals:
      - times: [{start_time: "20:00", end_time: "24:00"}]
        weekdays: ['monday:friday']
        location: Europe/Berlin
      - weekdays: [saturday, sunday]
route:
  receiver: ops
  routes:
    - matchers: [team=db]
      mute_time_intervals: [offhours, legacy]
      routes:
        - matchers: [severity=critical]
    - matchers: [team=web]
      active_time_intervals: [offhours]
)");
  REQUIRE(cfg.time_intervals.size() == 2);
  REQUIRE(cfg.time_intervals.at("offhours").size() == 2);
  const TimeInterval& evening = cfg.time_intervals.at("offhours")[0];
  REQUIRE(evening.times.size() == 1);
  CHECK(evening.times[0].start_minute == 1200);
  CHECK(evening.times[0].end_minute == 1440);
  CHECK(evening.location.name() == "Europe/Berlin");
  CHECK(cfg.route.routes[0].mute_time_intervals == std::vector<std::string>{"offhours", "legacy"});
  CHECK(cfg.route.routes[0].routes[0].mute_time_intervals.empty());
  CHECK(cfg.route.routes[1].active_time_intervals == std::vector<std::string>{"offhours"});
}

TEST_CASE("time interval mistakes are refused at their line and column") {
  const std::string head = "receivers: [{name: ops}]\n";
  CHECK(error_of(head + "time_intervals:\n  - name: x\n    time_intervals: [{weekdays: ['friday:monday']}]\nroute: {receiver: ops}\n") ==
        "alertd.yaml:4:34: start day cannot be before end day");
  CHECK(error_of(head + "time_intervals:\n  - time_intervals: []\nroute: {receiver: ops}\n") ==
        "alertd.yaml:3:5: missing name in time interval");
  CHECK(error_of(head + "mute_time_intervals: [{name: x}]\ntime_intervals: [{name: x}]\nroute: {receiver: ops}\n") ==
        "alertd.yaml:3:25: time interval \"x\" is not unique");
  CHECK(error_of(head + "route:\n  receiver: ops\n  routes: [{matchers: [a=b], mute_time_intervals: [nope]}]\n") ==
        "alertd.yaml:4:52: undefined time interval \"nope\" used in route");
  CHECK(error_of(head + "time_intervals: [{name: x}]\nroute: {receiver: ops, active_time_intervals: [x]}\n") ==
        "alertd.yaml:3:47: root route must not have any active time intervals");
  CHECK(error_of(head + "time_intervals:\n  - name: x\n    time_intervals: [{location: Mars/Base}]\nroute: {receiver: ops}\n") ==
        "alertd.yaml:4:33: unknown time zone Mars/Base");
  CHECK(error_of(head + "time_intervals:\n  - name: x\n    time_intervals: [{times: [{start_time: '10:00', end_time: '09:00'}]}]\n"
                        "route: {receiver: ops}\n") == "alertd.yaml:4:31: start time cannot be equal or greater than end time");
  CHECK(error_of(head + "time_intervals:\n  - name: x\n    time_intervals: [{weekday: [monday]}]\nroute: {receiver: ops}\n")
            .starts_with("alertd.yaml:4:23:"));
}

TEST_CASE("Slack fields and actions are checked at load with Alertmanager's words") {
  const auto slack = [](const std::string& extra) {
    return error_of("receivers: [{name: s, slack_configs: [{api_url: 'http://h/', " + extra + "}]}]\n");
  };
  CHECK(slack("fields: [{value: v}]") == "alertd.yaml:1:71: missing title in Slack field configuration");
  CHECK(slack("fields: [{title: t}]") == "alertd.yaml:1:71: missing value in Slack field configuration");
  CHECK(slack("actions: [{text: t, url: 'http://x'}]") == "alertd.yaml:1:72: missing type in Slack action configuration");
  CHECK(slack("actions: [{type: button, url: 'http://x'}]") ==
        "alertd.yaml:1:72: missing text in Slack action configuration");
  CHECK(slack("actions: [{type: button, text: t}]") ==
        "alertd.yaml:1:72: missing name or url in Slack action configuration");
  CHECK(slack("actions: [{type: button, text: t, name: n, confirm: {title: x}}]") ==
        "alertd.yaml:1:114: missing text in Slack confirmation configuration");
  CHECK(slack("fields: [{title: '{{ .Foo', value: v}]") ==
        "alertd.yaml:1:79: slack_configs fields title: template: slack_configs fields title:1: unclosed action");
  CHECK(slack("fields: [{title: t, value: v, short: maybe}]") ==
        "alertd.yaml:1:99: expected true or false, got \"maybe\"");
}

TEST_CASE("a quoted boolean and a malformed templates glob are refused, as Alertmanager refuses them") {
  CHECK(error_of("receivers: [{name: a}]\nroute:\n  receiver: a\n  routes: [{matchers: [a=b], continue: 'yes'}]\n") ==
        "alertd.yaml:4:40: expected true or false, got the string \"yes\"");
  CHECK(error_of("templates: ['/etc/[unclosed']\nreceivers: [{name: a}]\nroute: {receiver: a}\n") ==
        "alertd.yaml:1:13: templates: syntax error in pattern \"/etc/[unclosed\"");
  // Each checked with Go 1.19's filepath.Glob.
  for (const char* bad : {"a[]b", "a[-z]", "a[z-]", "x\\", "[^", "/n/[]a].tmpl", "[a-b-c]"}) {
    INFO(bad);
    CHECK(error_of(std::string("templates: ['") + bad + "']\nreceivers: [{name: a}]\nroute: {receiver: a}\n")
              .find("syntax error in pattern") != std::string::npos);
  }
  for (const char* fine : {"/nonexistent/*.tmpl", "/nonexistent/[a-z]?.tmpl", "/nonexistent/\\[x", "/n/x\\\\", "/n/[\\]]"}) {
    INFO(fine);
    CHECK(error_of(std::string("templates: ['") + fine + "']\nreceivers: [{name: a}]\nroute: {receiver: a}\n").empty());
  }
}
