// The alert model, matchers and durations: the vocabulary every other part relies on.
#include <catch2/catch.hpp>

#include "alertd/notify/alert.h"
#include "alertd/notify/duration.h"
#include "alertd/notify/matcher.h"

using namespace twikit;
using namespace twikit::notify;

TEST_CASE("a fingerprint depends only on the label set and is stable across runs") {
  const Labels a = make_labels({{"alertname", "Down"}, {"service", "proxy_rotation"}});
  const Labels b = make_labels({{"service", "proxy_rotation"}, {"alertname", "Down"}});
  CHECK(fingerprint(a) == fingerprint(b));
  CHECK(fingerprint(a) != fingerprint(make_labels({{"alertname", "Down"}})));
  // FNV-1a 64 of the empty set is the offset basis.
  CHECK(fingerprint_hex(fingerprint(Labels{})) == "cbf29ce484222325");
  CHECK(fingerprint_hex(fingerprint(a)).size() == 16);
  Fingerprint back = 0;
  REQUIRE(parse_fingerprint_hex(fingerprint_hex(fingerprint(a)), back));
  CHECK(back == fingerprint(a));
  CHECK_FALSE(parse_fingerprint_hex("xyz", back));
}

TEST_CASE("timestamps are written as RFC 3339 like Go, with the zero time for 0") {
  CHECK(format_rfc3339(0) == "0001-01-01T00:00:00Z");
  CHECK(format_rfc3339(1'700'000'000'000) == "2023-11-14T22:13:20Z");
  CHECK(format_rfc3339(1'700'000'000'120) == "2023-11-14T22:13:20.12Z");
  TimestampMs t = 0;
  REQUIRE(parse_rfc3339("2023-11-14T22:13:20.12Z", t));
  CHECK(t == 1'700'000'000'120);
  REQUIRE(parse_rfc3339("2023-11-14T23:13:20+01:00", t));
  CHECK(t == 1'700'000'000'000);
  REQUIRE(parse_rfc3339("0001-01-01T00:00:00Z", t));
  CHECK(t == 0);
  CHECK_FALSE(parse_rfc3339("yesterday", t));
}

TEST_CASE("matchers parse Alertmanager's string syntax") {
  const Labels l = make_labels({{"severity", "warning"}, {"team", "ops"}});
  CHECK(parse_matcher("severity=~\"critical|warning\"").matches(l));
  CHECK_FALSE(parse_matcher("severity=~\"crit\"").matches(l));  // anchored
  CHECK(parse_matcher("team!=dev").matches(l));
  CHECK(parse_matcher("team = ops").matches(l));
  CHECK(parse_matcher("missing=\"\"").matches(l));
  CHECK(parse_matcher("severity!~\"critical\"").matches(l));
  CHECK(parse_matcher("a=\"x\\\"y\"").value() == "x\"y");
  const auto ms = parse_matchers("{severity=\"warning\", team=~\"o.*\"}");
  REQUIRE(ms.size() == 2);
  CHECK(matches_all(ms, l));
  CHECK(ms[1].to_string() == "team=~\"o.*\"");
  CHECK_THROWS_AS(parse_matcher("severity"), std::invalid_argument);
  CHECK_THROWS_AS(parse_matcher("severity=~\"(\""), std::invalid_argument);
  CHECK_THROWS_AS(parse_matcher("1abc=x"), std::invalid_argument);
}

TEST_CASE("regex matchers are RE2 anchored as Alertmanager's ^(?:…)$") {
  const Labels l = {{"alertname", "DiskFull"}, {"msg", "line1\nline2"}};
  CHECK(parse_matcher("alertname=~\"(?i)diskfull\"").matches(l));
  CHECK(parse_matcher("alertname=~\"Disk(?P<what>.*)\"").matches(l));
  CHECK_FALSE(parse_matcher("msg=~\"line1.line2\"").matches(l));  // '.' stops at a newline here
  CHECK(parse_matcher("msg=~\"(?s)line1.line2\"").matches(l));
  CHECK_FALSE(parse_matcher("alertname=~\"(a|aa)*b\"").matches_value(std::string(100000, 'a')));
  try {
    parse_matcher("alertname=~\"(a{300}){300}\"");
    FAIL("parsed");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "invalid regular expression \"(a{300}){300}\": invalid repetition size: `{300}`");
  }
  CHECK_THROWS_AS(parse_matcher("alertname=~\"a)|(b\""), std::invalid_argument);
}

TEST_CASE("durations use Prometheus syntax") {
  CHECK(parse_duration_ms("30s") == 30'000);
  CHECK(parse_duration_ms("5m") == 300'000);
  CHECK(parse_duration_ms("1h30m") == 5'400'000);
  CHECK(parse_duration_ms("500ms") == 500);
  CHECK(parse_duration_ms("1d") == 86'400'000);
  CHECK(parse_duration_ms("0") == 0);
  CHECK_FALSE(parse_duration_ms("5"));
  CHECK_FALSE(parse_duration_ms("m5"));
  CHECK_FALSE(parse_duration_ms("30m1h"));
  CHECK(format_duration_ms(5'400'000) == "1h30m");
}
