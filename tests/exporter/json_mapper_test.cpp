#include <catch2/catch.hpp>

#include "exporter/json_mapper.h"

using namespace twikit;
using namespace twikit::exporter;
using nlohmann::json;

namespace {

std::vector<const MetricSpec*> ptrs(const std::vector<MetricSpec>& specs) {
  std::vector<const MetricSpec*> out;
  for (const auto& s : specs) out.push_back(&s);
  return out;
}

MetricSpec spec(std::string name, std::string path) {
  MetricSpec s;
  s.name = std::move(name);
  s.path = std::move(path);
  return s;
}

}  // namespace

TEST_CASE("a numeric path becomes one sample labelled with the service") {
  const std::vector<MetricSpec> specs{spec("twikit_sessions", "metrics.sessions.total")};
  const auto r = map_document(json::parse(R"({"metrics":{"sessions":{"total":42}}})"), ptrs(specs), "sm");
  REQUIRE(r.errors.empty());
  REQUIRE(r.samples.size() == 1);
  CHECK(r.samples[0].value == 42);
  CHECK(r.samples[0].labels == make_labels({{"service", "sm"}}));
}

TEST_CASE("scale turns milliseconds into seconds and percent into ratios") {
  MetricSpec ms = spec("t_seconds", "ms");
  ms.scale = 0.001;
  MetricSpec pct = spec("t_ratio", "pct");
  pct.scale = 0.01;
  const std::vector<MetricSpec> specs{ms, pct};
  const auto r = map_document(json::parse(R"({"ms":41.2,"pct":97.5})"), ptrs(specs), "s");
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[0].value == Approx(0.0412));
  CHECK(r.samples[1].value == Approx(0.975));
}

TEST_CASE("booleans read as 1 and 0, mapped strings through value_map") {
  MetricSpec status = spec("healthy", "status");
  status.value_map = {{"healthy", 1}, {"degraded", 0.5}, {"unhealthy", 0}};
  const std::vector<MetricSpec> specs{spec("active", "active"), status};
  const auto r = map_document(json::parse(R"({"active":true,"status":"degraded"})"), ptrs(specs), "s");
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[0].value == 1);
  CHECK(r.samples[1].value == 0.5);
}

TEST_CASE("array elements become one series each with labels from the element") {
  MetricSpec s = spec("twikit_proxy_health_score", "metrics.proxies.pool");
  s.each = "healthScore";
  s.labels = {{"proxy", "id"}, {"region", "region"}};
  const std::vector<MetricSpec> specs{s};
  const auto r = map_document(json::parse(R"({"metrics":{"proxies":{"pool":[
      {"id":"p1","region":"eu","healthScore":90},{"id":"p2","region":"us","healthScore":55}]}}})"),
                              ptrs(specs), "proxy_rotation");
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[1].labels ==
        make_labels({{"proxy", "p2"}, {"region", "us"}, {"service", "proxy_rotation"}}));
  CHECK(r.samples[1].value == 55);
}

TEST_CASE("a state set yields 1 on the current state and 0 on the others") {
  MetricSpec s = spec("twikit_anti_detection_risk_level", "risk");
  s.state_label = "level";
  s.states = {"low", "medium", "high", "critical"};
  const std::vector<MetricSpec> specs{s};
  const auto r = map_document(json::parse(R"({"risk":"high"})"), ptrs(specs), "ad");
  REQUIRE(r.samples.size() == 4);
  for (const auto& sample : r.samples) {
    CHECK(sample.value == (label_value(sample.labels, "level") == "high" ? 1 : 0));
  }
}

TEST_CASE("an info metric carries its information in labels with a constant value") {
  MetricSpec s;
  s.name = "twikit_service_info";
  s.constant = 1;
  s.labels = {{"version", "version"}};
  const std::vector<MetricSpec> specs{s};
  const auto r = map_document(json::parse(R"({"version":"1.4.2"})"), ptrs(specs), "x");
  REQUIRE(r.samples.size() == 1);
  CHECK(label_value(r.samples[0].labels, "version") == "1.4.2");
  CHECK(r.samples[0].value == 1);
}

TEST_CASE("a missing path or wrong type is one error and leaves other specs intact") {
  const std::vector<MetricSpec> specs{spec("a", "missing.path"), spec("b", "text"), spec("c", "n")};
  const auto r = map_document(json::parse(R"({"text":"abc","n":7})"), ptrs(specs), "x");
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0] == "missing.path: not found");
  CHECK(r.errors[1] == "text: expected a number, got string");
  REQUIRE(r.samples.size() == 1);
  CHECK(r.samples[0].spec->name == "c");
}

TEST_CASE("an unknown state is an error, not a silent zero") {
  MetricSpec s = spec("state", "s");
  s.state_label = "state";
  s.states = {"closed", "open"};
  const std::vector<MetricSpec> specs{s};
  const auto r = map_document(json::parse(R"({"s":"exploded"})"), ptrs(specs), "x");
  CHECK(r.samples.empty());
  CHECK(r.errors == std::vector<std::string>{"s: unknown state \"exploded\""});
}

TEST_CASE("a value_map field must be one of its strings") {
  MetricSpec status = spec("healthy", "status");
  status.value_map = {{"healthy", 1}, {"unhealthy", 0}};
  const std::vector<MetricSpec> specs{status};
  CHECK(map_document(json::parse(R"({"status":1})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"status: expected a string, got number"});
  CHECK(map_document(json::parse(R"({"status":"on fire"})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"status: unknown value \"on fire\""});
  const std::string long_value(200, 'x');
  CHECK(map_document(json{{"status", long_value}}, ptrs(specs), "x").errors ==
        std::vector<std::string>{"status: unknown value \"" + std::string(64, 'x') + "\xE2\x80\xA6\""});
}

TEST_CASE("a wrong-typed field costs only its own metric and names its JSON path") {
  MetricSpec rt = spec("twikit_response_time_seconds", "system.response_time_ms");
  rt.scale = 0.001;
  const std::vector<MetricSpec> specs{rt, spec("twikit_requests_total", "system.requests_total"),
                                      spec("twikit_sessions", "metrics.sessions.total")};
  const auto r = map_document(
      json::parse(R"({"system":{"response_time_ms":"fast","requests_total":7},"metrics":{"sessions":[1]}})"),
      ptrs(specs), "sm");
  CHECK(r.errors == std::vector<std::string>{"system.response_time_ms: expected a number, got string",
                                             "metrics.sessions: expected an object, got array"});
  REQUIRE(r.samples.size() == 1);
  CHECK(r.samples[0].spec->name == "twikit_requests_total");
  CHECK(r.samples[0].value == 7);
}

TEST_CASE("a path through a scalar names the scalar's type") {
  const std::vector<MetricSpec> specs{spec("t", "system.response_time_ms")};
  CHECK(map_document(json::parse(R"({"system":"fast"})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"system: expected an object, got string"});
  CHECK(map_document(json::parse(R"({"system":null})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"system: expected an object, got null"});
}

TEST_CASE("numbers must be finite, in the document, as strings and after scaling") {
  MetricSpec big = spec("big", "n");
  big.scale = 1e10;
  const std::vector<MetricSpec> specs{spec("a", "nan"), spec("b", "inf"), big, spec("c", "ok"), spec("d", "empty")};
  const auto r = map_document(json::parse(R"({"nan":"NaN","inf":"-inf","n":1e300,"ok":"2.5","empty":""})"),
                              ptrs(specs), "x");
  CHECK(r.errors == std::vector<std::string>{"nan: expected a number, got string", "inf: expected a number, got string",
                                             "n: number out of range", "empty: expected a number, got string"});
  REQUIRE(r.samples.size() == 1);
  CHECK(r.samples[0].value == 2.5);
}

TEST_CASE("a bad array element costs its own series; the elements after it are still read") {
  MetricSpec up = spec("twikit_dependency_up", "dependencies");
  up.each = "up";
  up.labels = {{"dependency", "name"}};
  const std::vector<MetricSpec> specs{up};
  const auto r = map_document(json::parse(R"({"dependencies":[{"name":"a","up":"yes"},{"name":{},"up":true},
      3,{"name":5,"up":true},{"name":"b","up":false}]})"),
                              ptrs(specs), "x");
  CHECK(r.errors == std::vector<std::string>{"dependencies[0].up: expected a number, got string"});
  REQUIRE(r.samples.size() == 2);
  CHECK(r.samples[0].labels == make_labels({{"dependency", "5"}, {"service", "x"}}));
  CHECK(r.samples[0].value == 1);
  CHECK(r.samples[1].labels == make_labels({{"dependency", "b"}, {"service", "x"}}));
  CHECK(r.samples[1].value == 0);
}

TEST_CASE("a label from an element that is not a scalar names the element path") {
  MetricSpec s = spec("t", "list");
  s.each = "v";
  s.labels = {{"id", "id"}};
  const std::vector<MetricSpec> specs{s};
  CHECK(map_document(json::parse(R"({"list":[{"id":[1],"v":1}]})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"list[0].id: expected a string, got array"});
  CHECK(map_document(json::parse(R"({"list":[7]})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"list[0]: expected an object, got number"});
  CHECK(map_document(json::parse(R"({"list":{"id":"a"}})"), ptrs(specs), "x").errors ==
        std::vector<std::string>{"list: expected an array, got object"});
}
