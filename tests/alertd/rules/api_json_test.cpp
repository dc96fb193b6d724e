#include <catch2/catch.hpp>

#include "alertd/rules/api_json.h"

using namespace twikit;
using namespace twikit::rules;

TEST_CASE("timestamps and values are formatted as Prometheus' API does") {
  CHECK(rfc3339(0) == "0001-01-01T00:00:00Z");
  CHECK(rfc3339(1'700'000'000'000) == "2023-11-14T22:13:20Z");
  CHECK(rfc3339(1'700'000'000'120) == "2023-11-14T22:13:20.12Z");
  CHECK(format_value_e(1) == "1e+00");
  CHECK(format_value_e(0.25) == "2.5e-01");
  CHECK(format_value_e(1234.5) == "1.2345e+03");
  CHECK(format_value_e(1e100) == "1e+100");
}

TEST_CASE("/api/v1/rules has Prometheus' shape for alerting and recording rules") {
  Alert firing;
  firing.labels = make_labels({{"alertname", "ServiceDown"}, {"service", "proxy_rotation"}, {"severity", "critical"}});
  firing.annotations = {{"summary", "proxy_rotation is down"}};
  firing.state = AlertState::firing;
  firing.value = 1;
  firing.active_at = 1'700'000'000'000;
  Alert resolved = firing;
  resolved.state = AlertState::inactive;
  resolved.resolved_at = 1'700'000'100'000;

  RuleSnapshot alerting;
  alerting.name = "ServiceDown";
  alerting.query = "twikit_up == 0";
  alerting.alerting = true;
  alerting.for_ms = 60'000;
  alerting.labels = {{"severity", "critical"}};
  alerting.annotations = {{"summary", "{{ $labels.service }} is down"}};
  alerting.health = RuleHealth::ok;
  alerting.last_evaluation = 1'700'000'060'000;
  alerting.evaluation_seconds = 0.000125;
  alerting.state = AlertState::firing;
  alerting.alerts = {firing, resolved};

  RuleSnapshot recording;
  recording.name = "service:errors:rate5m";
  recording.query = "rate(twikit_errors_total[5m])";
  recording.health = RuleHealth::err;
  recording.last_error = "boom";

  GroupSnapshot group{"twikit", "rules/twikit.yml", 30'000, 0, 0, 1'700'000'060'000, 0.5, {alerting, recording}};

  const std::string expected =
      R"j({"status":"success","data":{"groups":[{"name":"twikit","file":"rules/twikit.yml","rules":[)j"
      R"j({"state":"firing","name":"ServiceDown","query":"twikit_up == 0","duration":60,"keepFiringFor":0,)j"
      R"j("labels":{"severity":"critical"},"annotations":{"summary":"{{ $labels.service }} is down"},)j"
      R"j("alerts":[{"labels":{"alertname":"ServiceDown","service":"proxy_rotation","severity":"critical"},)j"
      R"j("annotations":{"summary":"proxy_rotation is down"},"state":"firing","activeAt":"2023-11-14T22:13:20Z",)j"
      R"j("value":"1e+00"}],"health":"ok","evaluationTime":0.000125,"lastEvaluation":"2023-11-14T22:14:20Z",)j"
      R"j("type":"alerting"},)j"
      R"j({"name":"service:errors:rate5m","query":"rate(twikit_errors_total[5m])","health":"err","lastError":"boom",)j"
      R"j("evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z","type":"recording"}],)j"
      R"j("interval":30,"limit":0,"evaluationTime":0.5,"lastEvaluation":"2023-11-14T22:14:20Z"}]}})j";
  CHECK(rules_response_json({group}) == expected);

  RulesFilter only_recording;
  only_recording.type = "record";
  CHECK(rules_response_json({group}, only_recording).find("ServiceDown") == std::string::npos);
  RulesFilter no_alerts;
  no_alerts.exclude_alerts = true;
  CHECK(rules_response_json({group}, no_alerts).find("\"alerts\"") == std::string::npos);

  CHECK(alerts_response_json({firing, resolved}) ==
        R"j({"status":"success","data":{"alerts":[{"labels":{"alertname":"ServiceDown","service":"proxy_rotation",)j"
        R"j("severity":"critical"},"annotations":{"summary":"proxy_rotation is down"},"state":"firing",)j"
        R"j("activeAt":"2023-11-14T22:13:20Z","value":"1e+00"}]}})j");
  CHECK(alerts_response_json({}) == R"j({"status":"success","data":{"alerts":[]}})j");
}
