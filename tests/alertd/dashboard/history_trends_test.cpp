// Trends past the in-memory window: aggregation buckets from the history tier before it, the store after it.
#include <catch2/catch.hpp>

#include "alertd/config/kpi_table.h"
#include "alertd/dashboard/history_trend_source.h"
#include "alertd/dashboard/trends.h"
#include "alertd/history/store_historical_source.h"
#include "fixture.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::dashboard;
using namespace twikit::dashboard::testing;

namespace {

constexpr std::int64_t kMin = 60'000;
constexpr std::int64_t kHour = 60 * kMin;

history::HistoryOptions options_in(const std::string& dir) {
  history::HistoryOptions o;
  o.path = dir + "/history.db";
  return o;
}

}  // namespace

TEST_CASE("trend points before the memory window come from the history's buckets, later ones from the store") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-trends");
  history::HistoryStore history(options_in(dir));
  const Labels labels = make_labels({{"__name__", "twikit_sessions"}, {"service", "session_manager"}});
  // A previous run: one sample a minute from 25 h ago to 2 h ago, the value being the minutes since then.
  const TimestampMs start = kNow - 25 * kHour;
  for (TimestampMs t = start; t <= kNow - 2 * kHour; t += kMin) {
    history.append(labels, storage::Sample{t, static_cast<double>((t - start) / kMin)});
  }
  REQUIRE(history.flush());
  // This run: the store holds the last 30 minutes, at 1,000.
  storage::SeriesStore store;
  for (TimestampMs t = kNow - 30 * kMin; t <= kNow; t += kMin) put(store, "twikit_sessions", "session_manager", t, 1000);
  const TimestampMs memory_start = kNow - 30 * kMin;
  const FakeClock clock(kNow);
  const history::StoreHistoricalSource buckets(history, store, clock, [&] { return memory_start; });
  const HistoryTrendSource source(store, buckets, [&] { return memory_start; }, 5 * kMin);

  const auto points = source.points("twikit_sessions", "session_manager", kNow - 24 * kHour, kNow, 5 * kMin);
  // kNow is 22:13:20 UTC, so the steps sit at :03:20, :08:20, …; a step takes the newest bucket that has
  // ended by then — 24 h ago that is the bucket [-24h-8:20, -24h-3:20), whose last sample is minute 56.
  REQUIRE(!points.empty());
  CHECK(points.front() == TrendPoint{kNow - 24 * kHour, 56});
  // The history reaches 2 h ago (minute 1380); steps up to 5 minutes after its last bucket still see it,
  // then there is a gap until the memory window starts.
  const auto at = [&](TimestampMs t) -> std::optional<double> {
    for (const auto& p : points) {
      if (p.t == t) return p.v;
    }
    return std::nullopt;
  };
  CHECK(at(kNow - 2 * kHour - 5 * kMin) == 1371.0);  // bucket ending at -2h-8:20: its last minute is 1371
  CHECK_FALSE(at(kNow - 90 * kMin).has_value());
  CHECK(at(kNow - 30 * kMin) == 1000.0);
  CHECK(points.back() == TrendPoint{kNow, 1000});
  CHECK(std::is_sorted(points.begin(), points.end(), [](const TrendPoint& a, const TrendPoint& b) { return a.t < b.t; }));

  // The 24-hour change reaches back through the history: 1,000 now against minute 56 a day ago.
  const KpiTrend trend = kpi_trend(source, *config::default_kpi_table().by_key("sessions.total"), "session_manager", kNow);
  REQUIRE(trend.change_24h.has_value());
  CHECK(*trend.change_24h == 1000 - 56);
}

TEST_CASE("trend buckets are read from the history once per aggregation interval, not at every rebuild") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-trends");
  history::HistoryStore history(options_in(dir));
  const Labels labels = make_labels({{"__name__", "twikit_sessions"}, {"service", "session_manager"}});
  for (TimestampMs t = kNow - 3 * kHour; t <= kNow - 2 * kHour; t += kMin) history.append(labels, storage::Sample{t, 7});
  REQUIRE(history.flush());
  storage::SeriesStore store;
  const FakeClock clock(kNow);
  const history::StoreHistoricalSource buckets(history, store, clock, [] { return kNow - kHour; });
  const HistoryTrendSource source(store, buckets, [] { return kNow - kHour; }, 5 * kMin);
  const auto first = source.points("twikit_sessions", "session_manager", kNow - 24 * kHour, kNow, 5 * kMin);
  CHECK(first.size() == 13);  // 3 h ago to 2 h ago, and the step up to 5 minutes after
  CHECK(source.points("twikit_sessions", "session_manager", kNow - 24 * kHour + kMin, kNow + kMin, 5 * kMin).size() == 13);
  CHECK(source.history_reads() == 1);
  source.points("twikit_sessions", "session_manager", kNow - 24 * kHour + 5 * kMin, kNow + 5 * kMin, 5 * kMin);
  CHECK(source.history_reads() == 2);
  source.points("twikit_sessions", "proxy_rotation", kNow - 24 * kHour + 5 * kMin, kNow + 5 * kMin, 5 * kMin);
  CHECK(source.history_reads() == 3);
}

TEST_CASE("with the whole range inside the memory window the history is not read") {
  const std::string dir = twikit::testing::make_temp_dir("alertd-trends");
  history::HistoryStore history(options_in(dir));
  history.append(make_labels({{"__name__", "twikit_sessions"}, {"service", "session_manager"}}),
                 storage::Sample{kNow - 10 * kMin, 99});
  REQUIRE(history.flush());
  storage::SeriesStore store;
  put(store, "twikit_sessions", "session_manager", kNow - 10 * kMin, 5);
  const FakeClock clock(kNow);
  const history::StoreHistoricalSource buckets(history, store, clock, [] { return kNow - kHour; });
  const HistoryTrendSource source(store, buckets, [] { return kNow - kHour; }, 5 * kMin);
  CHECK(source.points("twikit_sessions", "session_manager", kNow - 20 * kMin, kNow, 5 * kMin) ==
        std::vector<TrendPoint>{{kNow - 10 * kMin, 5}});
}
