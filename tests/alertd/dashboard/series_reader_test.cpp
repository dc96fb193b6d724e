// Reading the store: counter increases across resets, newest-series-wins, runs of zeros.
#include <catch2/catch.hpp>

#include "alertd/dashboard/series_reader.h"
#include "fixture.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;

TEST_CASE("a counter's increase counts a fall as a reset from zero and skips staleness markers") {
  const auto inc = counter_increase({{0, 1000}, {60'000, 1100}, {120'000, storage::stale_marker()}, {180'000, 50},
                                     {240'000, 150}});
  REQUIRE(inc.has_value());
  CHECK(inc->increase == 250);  // 100, then 50 after the reset, then 100
  CHECK(inc->span_seconds == 240);
  CHECK(inc->samples == 4);
  CHECK_FALSE(counter_increase({{0, 5}}).has_value());
  CHECK_FALSE(counter_increase({}).has_value());
}

TEST_CASE("of two series for one service the one with the newest sample gives the value") {
  storage::SeriesStore store;
  put(store, "twikit_sessions", "session_manager", kNow - 30'000, 10, {{"exporter", "a"}});
  put(store, "twikit_sessions", "session_manager", kNow - 15'000, 11, {{"exporter", "b"}});
  CHECK(latest_value(store, "twikit_sessions", "session_manager", kNow) == std::optional<double>(11));
  // Older than the 5-minute lookback, or ended by a staleness marker: no value.
  CHECK_FALSE(latest_value(store, "twikit_sessions", "session_manager", kNow + 5 * 60'000).has_value());
  put(store, "twikit_sessions", "session_manager", kNow, storage::stale_marker(), {{"exporter", "b"}});
  CHECK(latest_value(store, "twikit_sessions", "session_manager", kNow) == std::optional<double>(10));
}

TEST_CASE("trailing zeros count the failures since the last success") {
  storage::SeriesStore store;
  put_series(store, "twikit_up", "retry_engine", {0, 1, 0, 0, 0});
  CHECK(trailing_zeros(store, service_matchers("twikit_up", "retry_engine"), kNow - 600'000, kNow) ==
        std::optional<std::uint64_t>(3));
  CHECK_FALSE(trailing_zeros(store, service_matchers("twikit_up", "nothing"), kNow - 600'000, kNow).has_value());
}
