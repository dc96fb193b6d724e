// Trends: the store's points at regular steps, changes over 1 h and 24 h, null when the data is too short.
#include <catch2/catch.hpp>

#include "alertd/config/kpi_table.h"
#include "alertd/dashboard/trends.h"
#include "fixture.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;

namespace {

constexpr std::int64_t kMin = 60'000;

const config::KpiDefinition& row(const char* key) { return *config::default_kpi_table().by_key(key); }

// Appends values[i] at now - (n - 1 - i) * 5m.
void put_every_5m(storage::SeriesStore& store, const std::string& metric, const std::vector<double>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    put(store, metric, "session_manager", kNow - static_cast<TimestampMs>(values.size() - 1 - i) * 5 * kMin, values[i]);
  }
}

}  // namespace

TEST_CASE("the store's trend points are the newest sample within the lookback, a staleness marker a gap") {
  storage::SeriesStore store;
  put(store, "twikit_sessions", "session_manager", kNow - 20 * kMin, 3);
  put(store, "twikit_sessions", "session_manager", kNow - 10 * kMin, 5);
  put(store, "twikit_sessions", "session_manager", kNow - 7 * kMin, storage::stale_marker());
  put(store, "twikit_sessions", "session_manager", kNow, 7);
  const StoreTrendSource source(store);
  CHECK(source.points("twikit_sessions", "session_manager", kNow - 25 * kMin, kNow, 5 * kMin) ==
        std::vector<TrendPoint>{{kNow - 20 * kMin, 3}, {kNow - 10 * kMin, 5}, {kNow, 7}});
  CHECK(source.points("twikit_sessions", "proxy_rotation", kNow - 25 * kMin, kNow, 5 * kMin).empty());
}

TEST_CASE("a KPI's change over 1h and 24h is null when the data does not reach back that far") {
  storage::SeriesStore store;
  fill_two_services(store);  // four minutes of data
  const KpiTrend t = kpi_trend(StoreTrendSource(store), row("sessions.total"), "session_manager", kNow);
  CHECK_FALSE(t.change_1h.has_value());
  CHECK_FALSE(t.change_24h.has_value());
  CHECK(t.points == std::vector<TrendPoint>{{kNow, 12}});
}

TEST_CASE("a gauge's change is now minus then, in the seed's unit; the sparkline covers the last hour") {
  storage::SeriesStore store;
  std::vector<double> values;
  for (int i = 0; i < 15; ++i) values.push_back(0.80 + 0.01 * i);  // 70 minutes: 0.80 … 0.94
  put_every_5m(store, "twikit_session_success_ratio", values);
  const KpiTrend t = kpi_trend(StoreTrendSource(store), row("sessions.successRate"), "session_manager", kNow);
  REQUIRE(t.change_1h.has_value());
  CHECK(*t.change_1h == 12);  // 94 % - 82 %, without float noise
  CHECK_FALSE(t.change_24h.has_value());
  REQUIRE(t.points.size() == 13);
  CHECK(t.points.front() == TrendPoint{kNow - 60 * kMin, 82});
  CHECK(t.points.back() == TrendPoint{kNow, 94});
}

TEST_CASE("a counter's change is how much it rose, a fall counting as a reset") {
  storage::SeriesStore store;
  put_every_5m(store, "twikit_sessions_created_total",
               {1000, 1010, 1020, 1030, 1040, 1050, 1060, 1070, 1080, 5, 15, 25, 35, 45, 55});
  const KpiTrend t = kpi_trend(StoreTrendSource(store), row("sessions.createdTotal"), "session_manager", kNow);
  REQUIRE(t.change_1h.has_value());
  CHECK(*t.change_1h == 115);  // 60 up to 1080, 5 after the reset, 50 more
  CHECK_FALSE(t.change_24h.has_value());
}

TEST_CASE("a change over 24h needs a point a day back") {
  storage::SeriesStore store;
  for (int h = 24; h >= 0; --h) put(store, "twikit_sessions", "session_manager", kNow - h * 60 * kMin, 100 - h);
  const KpiTrend t = kpi_trend(StoreTrendSource(store), row("sessions.total"), "session_manager", kNow);
  CHECK(t.change_24h == std::optional<double>(24));
  CHECK(t.change_1h == std::optional<double>(1));
  // Hourly samples: within the last hour only the steps at -1h and now see a sample inside the lookback.
  CHECK(t.points == std::vector<TrendPoint>{{kNow - 60 * kMin, 99}, {kNow, 100}});
}
