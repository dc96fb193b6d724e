#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "alertd/api/prometheus_api.h"

using nlohmann::json;

TEST_CASE("the time parameter accepts Unix seconds and RFC 3339") {
  CHECK(twikit::api::parse_time_param("1700000000") == 1'700'000'000'000);
  CHECK(twikit::api::parse_time_param("1700000000.123") == 1'700'000'000'123);
  CHECK(twikit::api::parse_time_param("2023-11-14T22:13:20Z") == 1'700'000'000'000);
  CHECK(twikit::api::parse_time_param("2023-11-14T22:13:20.5Z") == 1'700'000'000'500);
  CHECK(twikit::api::parse_time_param("2023-11-15T00:13:20+02:00") == 1'700'000'000'000);
  CHECK_FALSE(twikit::api::parse_time_param("yesterday"));
  CHECK_FALSE(twikit::api::parse_time_param(""));
}

TEST_CASE("the step parameter accepts a duration or a number of seconds") {
  CHECK(twikit::api::parse_duration_param("15s") == 15'000);
  CHECK(twikit::api::parse_duration_param("1m30s") == 90'000);
  CHECK(twikit::api::parse_duration_param("0.5") == 500);
  CHECK_FALSE(twikit::api::parse_duration_param("often"));
}

TEST_CASE("an instant vector is answered in Prometheus' JSON shape") {
  twikit::promql::Value v;
  v.type = twikit::promql::ValueType::vector;
  v.vector.push_back({twikit::make_labels({{"__name__", "up"}, {"job", "twikit"}}), 1, 1'700'000'000'500});
  v.vector.push_back({twikit::make_labels({{"job", "x"}}), std::numeric_limits<double>::infinity(), 1'700'000'000'500});
  CHECK(json::parse(twikit::api::query_response_json(v)) ==
        json::parse(R"({"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"__name__":"up","job":"twikit"},"value":[1700000000.5,"1"]},
          {"metric":{"job":"x"},"value":[1700000000.5,"+Inf"]}]}})"));
}

TEST_CASE("scalars, strings and matrices are answered in Prometheus' JSON shape") {
  twikit::promql::Value s;
  s.type = twikit::promql::ValueType::scalar;
  s.scalar = 0.25;
  s.timestamp = 1'000;
  CHECK(json::parse(twikit::api::query_response_json(s)) ==
        json::parse(R"({"status":"success","data":{"resultType":"scalar","result":[1.0,"0.25"]}})"));
  twikit::promql::Value m;
  m.type = twikit::promql::ValueType::matrix;
  m.matrix.push_back({twikit::make_labels({{"a", "b"}}), {{1'000, 1}, {2'000, 2}}});
  CHECK(json::parse(twikit::api::query_response_json(m)) ==
        json::parse(R"({"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"a":"b"},"values":[[1.0,"1"],[2.0,"2"]]}]}})"));
}

TEST_CASE("errors and targets follow Prometheus' shapes") {
  CHECK(json::parse(twikit::api::error_json("bad_data", "boom")) ==
        json::parse(R"({"status":"error","errorType":"bad_data","error":"boom"})"));
  twikit::scrape::TargetStatus t;
  t.target.job = "twikit";
  t.target.url = "http://127.0.0.1:9877/metrics";
  t.target.labels = twikit::make_labels({{"job", "twikit"}, {"instance", "127.0.0.1:9877"}});
  t.target.interval_ms = 15'000;
  t.target.timeout_ms = 10'000;
  t.health.health = "up";
  const auto j = json::parse(twikit::api::targets_response_json({t}));
  const auto& active = j["data"]["activeTargets"][0];
  CHECK(active["labels"] == json::parse(R"({"instance":"127.0.0.1:9877","job":"twikit"})"));
  CHECK(active["discoveredLabels"]["__address__"] == "127.0.0.1:9877");
  CHECK(active["scrapePool"] == "twikit");
  CHECK(active["scrapeInterval"] == "15s");
  CHECK(active["health"] == "up");
  CHECK(j["data"]["droppedTargets"].empty());
}
