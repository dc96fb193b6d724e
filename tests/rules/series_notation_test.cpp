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

TEST_CASE("durations print as Go's time.Duration") {
  CHECK(go_duration_string(0) == "0s");
  CHECK(go_duration_string(500) == "500ms");
  CHECK(go_duration_string(60'000) == "1m0s");
  CHECK(go_duration_string(3'600'000) == "1h0m0s");
  CHECK(go_duration_string(179'999) == "2m59.999s");
  CHECK(go_duration_string(90'500) == "1m30.5s");
}
