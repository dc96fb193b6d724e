#include <catch2/catch.hpp>

#include <stdexcept>

#include "sim/faults.h"

using nlohmann::json;
using namespace twikit::sim;

TEST_CASE("a fault body is parsed with defaults for missing parameters", "[sim][faults]") {
  const Fault f = parse_fault(json{{"mode", "latency"}, {"latency_ms", 750}});
  CHECK(f.mode == FaultMode::latency);
  CHECK(f.latency_ms == 750);
  CHECK(f.http_status == 503);
  CHECK(fault_to_json(f) == json{{"mode", "latency"}, {"latency_ms", 750}, {"http_status", 503}});
}

TEST_CASE("every documented fault mode round-trips through its name", "[sim][faults]") {
  for (const char* name : {"none", "latency", "error", "garbage", "truncate", "oversize", "hang", "down"}) {
    auto mode = parse_fault_mode(name);
    REQUIRE(mode);
    CHECK(fault_mode_name(*mode) == name);
  }
}

TEST_CASE("an unknown mode or a bad parameter is rejected", "[sim][faults]") {
  CHECK_THROWS_AS(parse_fault(json{{"mode", "explode"}}), std::invalid_argument);
  CHECK_THROWS_AS(parse_fault(json{{"latency_ms", 5}}), std::invalid_argument);
  CHECK_THROWS_AS(parse_fault(json{{"mode", "error"}, {"http_status", 200}}), std::invalid_argument);
  CHECK_THROWS_AS(parse_fault(json{{"mode", "latency"}, {"latency_ms", "slow"}}), std::invalid_argument);
  CHECK_THROWS_AS(parse_fault(json::array()), std::invalid_argument);
}

TEST_CASE("garbage and truncated bodies are not valid JSON", "[sim][faults]") {
  CHECK_FALSE(json::accept(garbage_body()));
  const std::string doc = json{{"service", "rate_limit"}, {"metrics", {{"a", 1}, {"b", {1, 2, 3}}}}}.dump();
  CHECK_FALSE(json::accept(truncate_body(doc)));
  CHECK(doc.rfind(truncate_body(doc), 0) == 0);
}

TEST_CASE("an oversize body is valid JSON larger than 8 MiB holding the document", "[sim][faults]") {
  const std::string doc = json{{"service", "retry_engine"}, {"status", "healthy"}}.dump();
  const OversizeBody body(doc);
  REQUIRE(body.size() > kOversizePadding);
  std::string whole;
  std::string chunk;
  for (std::size_t offset = 0; offset < body.size(); offset += chunk.size()) {
    body.read(offset, 100000, chunk);
    REQUIRE_FALSE(chunk.empty());
    whole += chunk;
  }
  CHECK(whole.size() == body.size());
  const json parsed = json::parse(whole);
  CHECK(parsed["service"] == "retry_engine");
  CHECK(parsed["padding"].get<std::string>().size() == kOversizePadding);
}
