// Alertmanager 0.25's JSON shapes (api/v2/openapi.yaml) as alertd writes and reads them.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alertd/amapi/am_json.h"

using namespace twikit;
using namespace twikit::amapi;
using nlohmann::json;

namespace {
constexpr TimestampMs kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
}

TEST_CASE("times are written as strfmt.DateTime writes them, with three fraction digits", "[amapi][json]") {
  CHECK(am_time(kT0) == "2023-11-14T22:13:20.000Z");
  CHECK(am_time(kT0 + 7) == "2023-11-14T22:13:20.007Z");
  CHECK(am_time(0) == "0001-01-01T00:00:00.000Z");
}

TEST_CASE("a gettable alert has every property of the OpenAPI shape", "[amapi][json]") {
  AlertView a;
  a.fingerprint = 0xa4211e9eb48c6757;
  a.labels = make_labels({{"alertname", "Down"}, {"severity", "critical"}});
  a.annotations = make_labels({{"summary", "it is down"}});
  a.starts_at = kT0;
  a.ends_at = kT0 + 240'000;
  a.updated_at = kT0 + 1'500;
  a.generator_url = "http://alertd:9878/api/v1/alerts";
  a.receivers = {"crit", "log"};
  a.silenced_by = {"0123"};
  CHECK(gettable_alert_json(a) == json::parse(R"({
    "annotations": {"summary": "it is down"},
    "endsAt": "2023-11-14T22:17:20.000Z",
    "fingerprint": "a4211e9eb48c6757",
    "receivers": [{"name": "crit"}, {"name": "log"}],
    "startsAt": "2023-11-14T22:13:20.000Z",
    "status": {"inhibitedBy": [], "silencedBy": ["0123"], "state": "suppressed"},
    "updatedAt": "2023-11-14T22:13:21.500Z",
    "generatorURL": "http://alertd:9878/api/v1/alerts",
    "labels": {"alertname": "Down", "severity": "critical"}})"));
}

TEST_CASE("an alert neither silenced nor inhibited is active, an inhibited one suppressed", "[amapi][json]") {
  AlertView a;
  CHECK(std::string(a.state()) == "active");
  a.inhibited_by = {"a4211e9eb48c6757"};
  CHECK(std::string(a.state()) == "suppressed");
}

TEST_CASE("an alert group carries its labels, receiver and alerts", "[amapi][json]") {
  AlertGroupView g;
  g.labels = make_labels({{"alertname", "Down"}});
  g.receiver = "log";
  g.alerts.emplace_back();
  const json j = alert_group_json(g);
  CHECK(j["labels"] == json{{"alertname", "Down"}});
  CHECK(j["receiver"] == json{{"name", "log"}});
  REQUIRE(j["alerts"].size() == 1);
  CHECK(j["alerts"][0]["fingerprint"] == "0000000000000000");
}

TEST_CASE("a gettable silence has every property of the OpenAPI shape and its state", "[amapi][json]") {
  silence::Silence s;
  s.id = "5a3b";
  s.matchers = {notify::parse_matcher("alertname=Down"), notify::parse_matcher("service!~\"proxy.*\""),
                notify::parse_matcher("team!=ops"), notify::parse_matcher("severity=~\"crit.*\"")};
  s.starts_at = kT0;
  s.ends_at = kT0 + 3'600'000;
  s.updated_at = kT0;
  s.created_by = "alice";
  s.comment = "maintenance";
  CHECK(gettable_silence_json(s, kT0 + 1) == json::parse(R"({
    "id": "5a3b",
    "status": {"state": "active"},
    "updatedAt": "2023-11-14T22:13:20.000Z",
    "matchers": [
      {"name": "alertname", "value": "Down", "isRegex": false, "isEqual": true},
      {"name": "service", "value": "proxy.*", "isRegex": true, "isEqual": false},
      {"name": "team", "value": "ops", "isRegex": false, "isEqual": false},
      {"name": "severity", "value": "crit.*", "isRegex": true, "isEqual": true}],
    "startsAt": "2023-11-14T22:13:20.000Z",
    "endsAt": "2023-11-14T23:13:20.000Z",
    "createdBy": "alice",
    "comment": "maintenance"})"));
  CHECK(gettable_silence_json(s, kT0 - 1)["status"]["state"] == "pending");
  CHECK(gettable_silence_json(s, kT0 + 3'600'000)["status"]["state"] == "expired");
}

TEST_CASE("the status reports no cluster, the version, the config and the start time", "[amapi][json]") {
  CHECK(status_json({"0.1.0", kT0}, "route: {}\n") == json::parse(R"({
    "cluster": {"status": "disabled", "peers": []},
    "versionInfo": {"version": "0.1.0", "revision": "", "branch": "", "buildUser": "", "buildDate": "", "goVersion": ""},
    "config": {"original": "route: {}\n"},
    "uptime": "2023-11-14T22:13:20.000Z"})"));
}

TEST_CASE("receivers are listed by name in config order", "[amapi][json]") {
  notify::NotificationConfig cfg;
  cfg.receivers.push_back({});
  cfg.receivers.back().name = "log";
  cfg.receivers.push_back({});
  cfg.receivers.back().name = "crit";
  CHECK(receivers_json(cfg) == json::parse(R"([{"name": "log"}, {"name": "crit"}])"));
}

TEST_CASE("a postable silence is read with its matchers, times, author and comment", "[amapi][json]") {
  const auto parsed = parse_postable_silence(R"({"id": "x1",
    "matchers": [{"name": "alertname", "value": "Down", "isRegex": false},
                 {"name": "service", "value": "proxy.*", "isRegex": true, "isEqual": false}],
    "startsAt": "2023-11-14T22:13:20Z", "endsAt": "2023-11-14T23:13:20.5Z", "createdBy": "bob", "comment": "why"})");
  REQUIRE(std::holds_alternative<silence::Silence>(parsed));
  const auto& s = std::get<silence::Silence>(parsed);
  CHECK(s.id == "x1");
  REQUIRE(s.matchers.size() == 2);
  CHECK(s.matchers[0].to_string() == "alertname=\"Down\"");
  CHECK(s.matchers[1].to_string() == "service!~\"proxy.*\"");
  CHECK(s.starts_at == kT0);
  CHECK(s.ends_at == kT0 + 3'600'500);
  CHECK(s.created_by == "bob");
  CHECK(s.comment == "why");
}

TEST_CASE("a postable silence is refused with Alertmanager's status and body", "[amapi][json]") {
  const auto refusal = [](const std::string& body) {
    const auto parsed = parse_postable_silence(body);
    REQUIRE(std::holds_alternative<BodyError>(parsed));
    const auto& e = std::get<BodyError>(parsed);
    return std::to_string(e.status) + " " + e.body.dump();
  };
  const std::string m = R"("matchers": [{"name": "a", "value": "b", "isRegex": false}])";
  const std::string times = R"("startsAt": "2023-11-14T22:13:20Z", "endsAt": "2023-11-14T23:13:20Z")";
  CHECK(refusal("{" + m + "," + times + R"(, "createdBy": "me"})") ==
        R"(422 {"code":602,"message":"comment in body is required"})");
  CHECK(refusal(R"({"matchers": [], )" + times + R"(, "createdBy": "me", "comment": "c"})") ==
        R"(422 {"code":612,"message":"matchers in body should have at least 1 items"})");
  CHECK(refusal(R"({"matchers": [{"name": "a", "value": "b"}], )" + times + R"(, "createdBy": "me", "comment": "c"})") ==
        R"(422 {"code":602,"message":"matchers.0.isRegex in body is required"})");
  CHECK(refusal("{" + m + "," + times + R"(, "createdBy": "me", "comment": 5})") ==
        R"(400 {"code":400,"message":"parsing silence body from \"\" failed, because json: cannot unmarshal number into field comment of type string"})");
  CHECK(refusal("{" + m + R"(, "startsAt": "yesterday", "endsAt": "2023-11-14T23:13:20Z", "createdBy": "me", "comment": "c"})") ==
        R"(400 {"code":400,"message":"parsing silence body from \"\" failed, because parsing time \"yesterday\" as RFC 3339 failed"})");
  CHECK(refusal(R"({"matchers": [{"name": "a", "value": "(", "isRegex": true}], )" + times +
                R"(, "createdBy": "me", "comment": "c"})")
            .starts_with(R"(400 "silence invalid: invalid label matcher 0: invalid regular expression \"(\")"));
  CHECK(refusal("garbage").starts_with(R"(400 {"code":400,"message":"parsing silence body from \"\" failed, because )"));
}
