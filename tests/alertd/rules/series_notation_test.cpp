#include <catch2/catch.hpp>

#include <cmath>

#include "alertd/rules/series_notation.h"
#include "alertd/rules/unit_test_runner.h"

using namespace twikit;
using namespace twikit::rules;

namespace {

std::vector<double> numbers(const std::string& text) {
  std::vector<double> out;
  for (const auto& v : expand_series_values(text)) {
    out.push_back(v.kind == InputValue::Kind::number ? v.value : v.kind == InputValue::Kind::stale ? -1000 : -2000);
  }
  return out;
}

}  // namespace

TEST_CASE("expanding notation follows promtool's documentation") {
  CHECK(numbers("1 2 3") == std::vector<double>{1, 2, 3});
  CHECK(numbers("1+1x10").size() == 11);
  CHECK(numbers("-2+4x3") == std::vector<double>{-2, 2, 6, 10});
  CHECK(numbers("1-2x4") == std::vector<double>{1, -1, -3, -5, -7});
  CHECK(numbers("1x4") == std::vector<double>{1, 1, 1, 1, 1});
  CHECK(numbers("1 _x3 stale") == std::vector<double>{1, -2000, -2000, -2000, -1000});
  CHECK(numbers("0 _ 2") == std::vector<double>{0, -2000, 2});
  CHECK(numbers("1e3 -Inf") == std::vector<double>{1000, -HUGE_VAL});
  CHECK(std::isnan(expand_series_values("NaN")[0].value));
  CHECK_THROWS(expand_series_values("1+x"));
  CHECK_THROWS(expand_series_values("abc"));
}

TEST_CASE("series descriptions parse into sorted labels with __name__") {
  CHECK(parse_series_description("up") == make_labels({{"__name__", "up"}}));
  CHECK(parse_series_description("up{job=\"api\", instance=\"x:1\"}") ==
        make_labels({{"__name__", "up"}, {"instance", "x:1"}, {"job", "api"}}));
  CHECK(parse_series_description("{a=\"b\"}") == make_labels({{"a", "b"}}));
  CHECK(parse_series_description("job:x:rate5m{a=\"q\\\"uote\"}") ==
        make_labels({{"__name__", "job:x:rate5m"}, {"a", "q\"uote"}}));
  CHECK(parse_series_description("").empty());
  CHECK_THROWS_WITH(parse_series_description("up{job=\"a\""), Catch::Contains("parse error"));
  CHECK_THROWS(parse_series_description("up{job}"));
}

TEST_CASE("an empty label value in a series description is no label, as promtool loads it") {
  CHECK(parse_series_description("m{a=\"x\",e=\"\"}") == make_labels({{"__name__", "m"}, {"a", "x"}}));
}

TEST_CASE("NaN and Inf cannot be repeated with x: promtool refuses to load NaNx3") {
  CHECK_THROWS_WITH(expand_series_values("NaNx3"), "invalid expanding notation: \"NaNx3\"");
  CHECK_THROWS_WITH(expand_series_values("Infx2"), "invalid expanding notation: \"Infx2\"");
  CHECK(numbers("1x2") == std::vector<double>{1, 1, 1});
}

TEST_CASE("numbers are read as Prometheus' parser reads them: no hexadecimal in the notation, octal with a leading 0") {
  CHECK(numbers("0x3") == std::vector<double>{0, 0, 0, 0});  // 0 repeated, not hexadecimal
  CHECK_THROWS_WITH(expand_series_values("0x1f"), "invalid expanding notation: \"0x1f\"");
  CHECK(numbers("010 09 .5 1e3x1") == std::vector<double>{8, 9, 0.5, 1000, 1000});
  CHECK(numbers("1-1e-3x2") == std::vector<double>{1, 0.999, 0.998});
  CHECK(numbers("+Inf -inf") == std::vector<double>{HUGE_VAL, -HUGE_VAL});
  // "Infx1" is one word to Prometheus' lexer, so Inf cannot be a step either.
  CHECK_THROWS_WITH(expand_series_values("1+Infx1"), "invalid expanding notation: \"1+Infx1\"");
  CHECK(numbers("stale") == std::vector<double>{-1000});
  CHECK_THROWS_WITH(expand_series_values("stalex2"), "invalid expanding notation: \"stalex2\"");
  CHECK_THROWS_WITH(expand_series_values("-stale"), "invalid value: \"-stale\"");
  CHECK_THROWS_WITH(expand_series_values("1x"), "invalid expanding notation: \"1x\"");
  CHECK_THROWS_WITH(expand_series_values("1+1"), "invalid value: \"1+1\"");
  CHECK_THROWS_WITH(expand_series_values("1x2.5"), "invalid expanding notation: \"1x2.5\"");
}

TEST_CASE("promtool's syntax has neither durations nor histograms nor quoted names") {
  CHECK_THROWS_WITH(expand_series_values("1m"), "invalid value: \"1m\"");
  CHECK_THROWS_WITH(expand_series_values("{{schema:0 sum:1}}"), "invalid value: \"{{schema:0 sum:1}}\"");
  CHECK_THROWS_WITH(parse_series_description("{\"my.metric\"}"), "1:2: parse error: unexpected \"\"my.metric\"\" inside braces");
}

TEST_CASE("PromQL test scripts' syntax adds durations, native histograms, quoted names and empty label values") {
  const auto script = SeriesSyntax::promql_test;
  std::vector<double> got;
  for (const auto& v : expand_series_values("-1m 1ms-1mx2 -59999msx1 2", script)) got.push_back(v.value);
  CHECK(got == std::vector<double>{-60, 0.001, -59.999, -119.999, -59.999, -59.999, 2});
  const auto h = expand_series_values("1 {{schema:0 sum:1 buckets:[1 2]}}x2 {{count:1}}+{{count:2}}x1 _", script);
  REQUIRE(h.size() == 7);
  CHECK(h[0].kind == InputValue::Kind::number);
  for (std::size_t i = 1; i < 6; ++i) CHECK(h[i].kind == InputValue::Kind::histogram);
  CHECK(h[6].kind == InputValue::Kind::missing);
  CHECK(parse_series_description("{\"my.metric\", \"l.x\"=\"v\", e=\"\"}", script) ==
        make_labels({{"__name__", "my.metric"}, {"e", ""}, {"l.x", "v"}}));
  CHECK(parse_series_description("up{job=\"a\", i='b'}", script) ==
        make_labels({{"__name__", "up"}, {"i", "b"}, {"job", "a"}}));
  CHECK_THROWS_WITH(parse_series_description("up{job=}", script),
                    "1:8: parse error: unexpected \"}\" inside braces, expected label value string");
}

TEST_CASE("a number standing alone in a test script: PromQL numbers, hexadecimal included, or a duration") {
  CHECK(parse_script_number("0x1f") == 31);
  CHECK(parse_script_number("-1.5e3") == -1500);
  CHECK(parse_script_number("1m30s") == 90);
  CHECK(std::isinf(*parse_script_number("+Inf")));
  CHECK(std::isnan(*parse_script_number("NaN")));
  CHECK_FALSE(parse_script_number("up"));
  CHECK_FALSE(parse_script_number("--1"));
}

TEST_CASE("a test script's series line splits after the description's closing brace") {
  std::string_view series, values;
  split_series_line("m{a=\"x } y\"}\t1 2", series, values);
  CHECK(series == "m{a=\"x } y\"}");
  CHECK(values == "1 2");
  split_series_line("up 0+1x3", series, values);
  CHECK(series == "up");
  CHECK(values == "0+1x3");
}

TEST_CASE("durations print as Go's time.Duration") {
  CHECK(go_duration_string(0) == "0s");
  CHECK(go_duration_string(500) == "500ms");
  CHECK(go_duration_string(60'000) == "1m0s");
  CHECK(go_duration_string(3'600'000) == "1h0m0s");
  CHECK(go_duration_string(179'999) == "2m59.999s");
  CHECK(go_duration_string(90'500) == "1m30.5s");
}
