#include <catch2/catch.hpp>

#include "exporter/service_report.h"

using namespace twikit::exporter;
using nlohmann::json;

namespace {

struct Read {
  ServiceReport report;
  std::vector<std::string> errors;
};

Read read(const char* document) {
  Read r;
  r.report = read_service_report(json::parse(document), r.errors);
  return r;
}

}  // namespace

TEST_CASE("a contract document gives status, response time, error ratio and dependencies") {
  const Read r = read(R"({"status":"degraded","system":{"requests_total":200,"errors_total":5,"response_time_ms":41.5},
      "dependencies":[{"name":"postgres","up":true,"latency_ms":2},{"name":"redis","up":false,"latency_ms":0}]})");
  CHECK(r.errors.empty());
  CHECK(r.report.status == "degraded");
  CHECK(r.report.response_time_seconds == Approx(0.0415));
  CHECK(r.report.error_ratio == Approx(0.025));
  REQUIRE(r.report.dependencies.size() == 2);
  CHECK(r.report.dependencies[0].name == "postgres");
  CHECK(r.report.dependencies[0].up);
  CHECK(r.report.dependencies[0].latency_seconds == Approx(0.002));
  CHECK_FALSE(r.report.dependencies[1].up);
}

TEST_CASE("absent fields keep their defaults without errors") {
  const Read r = read("{}");
  CHECK(r.errors.empty());
  CHECK(r.report.status.empty());
  CHECK(r.report.response_time_seconds == 0);
  CHECK(r.report.dependencies.empty());
}

TEST_CASE("a status that is not one of the three words is an error and reads as unknown") {
  Read r = read(R"({"status":1})");
  CHECK(r.report.status.empty());
  CHECK(r.errors == std::vector<std::string>{"status: expected a string, got number"});
  r = read(R"({"status":"fine"})");
  CHECK(r.errors == std::vector<std::string>{"status: unknown value \"fine\""});
}

TEST_CASE("wrong types under system are errors with their paths and leave the other fields read") {
  Read r = read(R"({"system":{"response_time_ms":"fast","requests_total":10,"errors_total":1}})");
  CHECK(r.errors == std::vector<std::string>{"system.response_time_ms: expected a number, got string"});
  CHECK(r.report.response_time_seconds == 0);
  CHECK(r.report.error_ratio == Approx(0.1));
  r = read(R"({"system":"ok"})");
  CHECK(r.errors == std::vector<std::string>{"system: expected an object, got string"});
  r = read(R"({"system":{"requests_total":{},"errors_total":null}})");
  CHECK(r.errors == std::vector<std::string>{"system.requests_total: expected a number, got object",
                                             "system.errors_total: expected a number, got null"});
  CHECK(r.report.error_ratio == 0);
}

TEST_CASE("a dependency with an unreadable field is left out and the others are kept") {
  const Read r = read(R"({"dependencies":[{"name":"pg","up":"yes","latency_ms":1},{"name":{"x":1},"up":true},
      7,{"name":5,"up":1,"latency_ms":3},{"name":"redis","up":true,"latency_ms":"slow"}]})");
  CHECK(r.errors == std::vector<std::string>{"dependencies[0].up: expected a number, got string",
                                             "dependencies[1].name: expected a string, got object",
                                             "dependencies[2]: expected an object, got number",
                                             "dependencies[4].latency_ms: expected a number, got string"});
  REQUIRE(r.report.dependencies.size() == 1);
  // A number where a name is expected is written as a label value would be.
  CHECK(r.report.dependencies[0].name == "5");
  CHECK(r.report.dependencies[0].up);
}

TEST_CASE("dependencies that are not a list are one error") {
  const Read r = read(R"({"dependencies":{"name":"pg"}})");
  CHECK(r.errors == std::vector<std::string>{"dependencies: expected an array, got object"});
  CHECK(r.report.dependencies.empty());
}
