#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <variant>

#include <nlohmann/json.hpp>

#include "alertd/api/prometheus_api.h"
#include "alertd/promql/engine.h"

using nlohmann::json;

TEST_CASE("the time parameter accepts Unix seconds and RFC 3339") {
  CHECK(twikit::api::parse_time_param("1700000000") == 1'700'000'000'000);
  CHECK(twikit::api::parse_time_param("1700000000.123") == 1'700'000'000'123);
  CHECK(twikit::api::parse_time_param("2023-11-14T22:13:20Z") == 1'700'000'000'000);
  CHECK(twikit::api::parse_time_param("2023-11-14T22:13:20.5Z") == 1'700'000'000'500);
  CHECK(twikit::api::parse_time_param("2023-11-15T00:13:20+02:00") == 1'700'000'000'000);
  CHECK_FALSE(twikit::api::parse_time_param("yesterday"));
  CHECK_FALSE(twikit::api::parse_time_param("+023-11-14T22:13:20Z"));
  CHECK_FALSE(twikit::api::parse_time_param(" 2023-11-14T22:13:20Z"));
  CHECK_FALSE(twikit::api::parse_time_param("2023-11-14T22:13:20+99:00"));
  CHECK_FALSE(twikit::api::parse_time_param("2023-11-14T22:13:20+0a:00"));
  CHECK_FALSE(twikit::api::parse_time_param(""));
}

TEST_CASE("the step parameter accepts a duration or a number of seconds") {
  CHECK(twikit::api::parse_duration_param("15s") == 15'000);
  CHECK(twikit::api::parse_duration_param("1m30s") == 90'000);
  CHECK(twikit::api::parse_duration_param("0.5") == 500);
  CHECK(twikit::api::parse_duration_param("+2") == 2'000);
  CHECK_FALSE(twikit::api::parse_duration_param("often"));
  CHECK_FALSE(twikit::api::parse_duration_param("NaN"));
  CHECK_FALSE(twikit::api::parse_duration_param("Inf"));
  CHECK_FALSE(twikit::api::parse_duration_param("1e10"));  // 1e19 ns overflows int64, as in Prometheus
  CHECK_FALSE(twikit::api::parse_duration_param("99999999999999999999s"));
  CHECK_FALSE(twikit::api::parse_duration_param("2024-01-01T00:00:00Z"));
}

TEST_CASE("times beyond Prometheus' MinTime and MaxTime, NaN and infinities are refused") {
  using twikit::api::parse_time_param;
  CHECK_FALSE(parse_time_param("1e300"));
  CHECK_FALSE(parse_time_param("-1e300"));
  CHECK_FALSE(parse_time_param("1e400"));
  CHECK_FALSE(parse_time_param("NaN"));
  CHECK_FALSE(parse_time_param("Inf"));
  CHECK_FALSE(parse_time_param("-Inf"));
  CHECK_FALSE(parse_time_param("9223309901257975"));
  CHECK(parse_time_param("9e15") == 9'000'000'000'000'000'000);
  CHECK(parse_time_param("-9e15") == -9'000'000'000'000'000'000);
  CHECK(parse_time_param("1e-400") == 0);
  CHECK(parse_time_param("-292273086-05-16T16:47:06Z") == twikit::api::kMinTimeMs);
  CHECK(parse_time_param("292277025-08-18T07:12:54.999999999Z") == twikit::api::kMaxTimeMs);
}

namespace {

// The error of `v` as {"status":"error",...} with its HTTP status, or "ok".
template <typename T>
std::string error_of(const std::variant<T, twikit::api::ApiError>& v) {
  const auto* e = std::get_if<twikit::api::ApiError>(&v);
  if (e == nullptr) return "ok";
  return std::to_string(e->status) + " " + twikit::api::error_json(e->type, e->message);
}

}  // namespace

TEST_CASE("the query time defaults to now and refuses out-of-range values with Prometheus' message") {
  CHECK(std::get<twikit::TimestampMs>(twikit::api::query_time("", 42)) == 42);
  CHECK(std::get<twikit::TimestampMs>(twikit::api::query_time("1.5", 42)) == 1'500);
  CHECK(error_of(twikit::api::query_time("1e300", 42)) ==
        R"(400 {"error":"invalid parameter \"time\": invalid time value for 'time': cannot parse \"1e300\" to a valid timestamp","errorType":"bad_data","status":"error"})");
}

TEST_CASE("query_range parameters are checked in Prometheus' order without overflowing") {
  using twikit::api::range_params;
  const auto ok = range_params("-9e15", "-9e15", "1");
  REQUIRE(error_of(ok) == "ok");
  CHECK(std::get<twikit::api::RangeParams>(ok).start == -9'000'000'000'000'000'000);
  CHECK(error_of(range_params("0", "110", "0.01")) == "ok");  // exactly 11,000 steps
  CHECK(error_of(range_params("-9e15", "9e15", "1")) ==
        R"j(400 {"error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)","errorType":"bad_data","status":"error"})j");
  CHECK(error_of(range_params("-292273086-05-16T16:47:06Z", "292277025-08-18T07:12:54.999999999Z", "1")) ==
        error_of(range_params("-9e15", "9e15", "1")));
  CHECK(error_of(range_params("0", "110.01", "0.01")) == error_of(range_params("-9e15", "9e15", "1")));
  CHECK(error_of(range_params("1e300", "1", "1")) ==
        R"(400 {"error":"invalid parameter \"start\": cannot parse \"1e300\" to a valid timestamp","errorType":"bad_data","status":"error"})");
  CHECK(error_of(range_params("0", "NaN", "1")) ==
        R"(400 {"error":"invalid parameter \"end\": cannot parse \"NaN\" to a valid timestamp","errorType":"bad_data","status":"error"})");
  CHECK(error_of(range_params("10", "5", "x")) ==
        R"(400 {"error":"invalid parameter \"end\": end timestamp must not be before start time","errorType":"bad_data","status":"error"})");
  CHECK(error_of(range_params("0", "5", "1e300")) ==
        R"(400 {"error":"invalid parameter \"step\": cannot parse \"1e300\" to a valid duration. It overflows int64","errorType":"bad_data","status":"error"})");
  CHECK(error_of(range_params("0", "5", "often")) ==
        R"(400 {"error":"invalid parameter \"step\": cannot parse \"often\" to a valid duration","errorType":"bad_data","status":"error"})");
  CHECK(error_of(range_params("0", "5", "-1")) ==
        R"(400 {"error":"invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer","errorType":"bad_data","status":"error"})");
}

TEST_CASE("evaluation failures map to Prometheus' error types and statuses") {
  const auto timeout = twikit::api::evaluation_error(twikit::promql::QueryTimeoutError());
  CHECK(timeout.status == 503);
  CHECK(timeout.type == "timeout");
  CHECK(timeout.message == "query timed out in expression evaluation");
  const auto samples = twikit::api::evaluation_error(twikit::promql::TooManySamplesError());
  CHECK(samples.status == 422);
  CHECK(samples.type == "execution");
  CHECK(samples.message == "query processing would load too many samples into memory in query execution");
  CHECK(twikit::api::evaluation_error(twikit::promql::EvalError("boom")).status == 422);
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
