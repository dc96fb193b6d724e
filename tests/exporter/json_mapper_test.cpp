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
  CHECK(r.errors[0] == "a: path missing.path not found");
  CHECK(r.errors[1] == "b: unmapped value \"abc\"");
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
  CHECK(r.errors.size() == 1);
}
