#include <catch2/catch.hpp>

#include "common/duration.h"

using namespace twikit;

TEST_CASE("Prometheus durations parse to milliseconds") {
  CHECK(parse_duration_ms("15s") == 15'000);
  CHECK(parse_duration_ms("1h30m") == 5'400'000);
  CHECK(parse_duration_ms("250ms") == 250);
  CHECK(parse_duration_ms("1d") == 86'400'000);
  CHECK(parse_duration_ms("1w") == 604'800'000);
  CHECK(parse_duration_ms("1y") == 31'536'000'000);
  CHECK(parse_duration_ms("0") == 0);
  CHECK(parse_duration_ms("1m30s500ms") == 90'500);
}

TEST_CASE("malformed durations are rejected") {
  for (const char* bad : {"", "5", "m", "1.5s", "5x", "30s1m", "-5s", "1h1h", " 5s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration_ms(bad).has_value());
  }
}

TEST_CASE("durations format as Prometheus prints them") {
  CHECK(format_duration_ms(0) == "0s");
  CHECK(format_duration_ms(30'000) == "30s");
  CHECK(format_duration_ms(5'400'000) == "1h30m");
  CHECK(format_duration_ms(1'500) == "1s500ms");
}
