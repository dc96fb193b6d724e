// The history tier as alertd runs it: scraped samples reach the disk through the scrape side's sink and
// survive a restart; queries older than the in-memory window read the disk; older than the raw retention
// they read the aggregates and say so; max_series is enforced and counted; /metrics shows it all.
#include <catch2/catch.hpp>

#include <bit>
#include <filesystem>

#include "alertd/history/history_tier.h"
#include "alertd/promql/engine.h"
#include "alertd/promql/parser.h"
#include "alertd/scrape/target_scraper.h"
#include "common/exposition.h"
#include "common/http_client.h"
#include "support/exposition_server.h"
#include "support/process.h"

using namespace twikit;
using storage::LabelMatcher;
using storage::MatchType;
using storage::Sample;

namespace {

constexpr TimestampMs kT0 = 1'700'000'100'000;  // a multiple of 5 minutes
constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kDay = 24 * kHour;

config::StorageConfig storage_in(const std::string& dir) {
  config::StorageConfig s;
  s.path = dir + "/alertd.db";
  s.retention_ms = kHour;
  return s;
}

std::vector<LabelMatcher> name_is(const std::string& name) { return {LabelMatcher(MatchType::eq, "__name__", name)}; }

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// Appends `samples` of one series to both the in-memory store and the tier, as a scrape does.
void record(storage::SeriesStore& memory, history::HistoryTier& tier, const Labels& labels, const std::vector<Sample>& samples) {
  for (const Sample& s : samples) {
    memory.append(labels, s.t, s.v);
    const scrape::SinkSample one{&labels, s};
    tier.consume(std::span(&one, 1));
  }
}

std::string exposition_of(const history::HistoryTier& tier) {
  std::vector<MetricFamily> families;
  tier.collect(families);
  std::string out;
  write_exposition(out, families, ExpositionFormat::text);
  return out;
}

}  // namespace

TEST_CASE("a scraped sample and its staleness marker reach the history, and a restart keeps them") {
  const auto dir = testing::make_temp_dir("history-tier");
  FakeClock clock(kT0);
  testing::ExpositionServer target;
  target.serve("twikit_sessions_active{service=\"session_manager\"} 42\n");
  CurlHttpClient client;
  storage::SeriesStore memory;
  scrape::ScrapeTarget t;
  t.job = "twikit";
  t.url = "http://127.0.0.1:" + std::to_string(target.port()) + "/metrics";
  t.labels = make_labels({{"job", "twikit"}, {"instance", "sim:1"}});
  t.interval_ms = 15'000;
  t.timeout_ms = 5'000;
  {
    history::HistoryTier tier(storage_in(dir), clock);
    scrape::TargetScraper scraper(t, client, memory, clock, &tier);
    REQUIRE(scraper.scrape_once(kT0));
    target.serve("# the series is gone\n");
    REQUIRE(scraper.scrape_once(kT0 + 15'000));
    tier.stop();  // flushes
  }
  history::HistoryTier reopened(storage_in(dir), clock);
  const auto series = reopened.store().select(name_is("twikit_sessions_active"), 0, kT0 + kHour);
  REQUIRE(series.size() == 1);
  CHECK(series[0].labels == make_labels({{"__name__", "twikit_sessions_active"}, {"instance", "sim:1"},
                                         {"job", "twikit"}, {"service", "session_manager"}}));
  REQUIRE(series[0].samples.size() == 2);
  CHECK(series[0].samples[0].t == kT0);
  CHECK(series[0].samples[0].v == 42);
  CHECK(series[0].samples[1].t == kT0 + 15'000);
  CHECK(bits(series[0].samples[1].v) == storage::kStaleNaNBits);
  // The synthetic series of each scrape go to the history too.
  const auto up = reopened.store().select(name_is("up"), 0, kT0 + kHour);
  REQUIRE(up.size() == 1);
  REQUIRE(up[0].samples.size() == 2);
  CHECK(up[0].samples[1].v == 1);
  CHECK(reopened.store().stats().series == 6);  // the sessions series and five report series
}

TEST_CASE("a range query older than the in-memory window is answered from the history") {
  const auto dir = testing::make_temp_dir("history-tier");
  FakeClock clock(kT0 - 3 * kHour);
  storage::SeriesStore memory;
  history::HistoryTier tier(storage_in(dir), clock);
  const Labels labels = make_labels({{"__name__", "twikit_proxies_healthy"}, {"service", "proxy_rotation"}});
  // Three hours at 15 s, value = minutes since the start; the in-memory store keeps the last hour only.
  for (int i = 0; i <= 720; ++i) {
    clock.set_ms(kT0 - 3 * kHour + i * 15'000);
    record(memory, tier, labels, {{clock.now_ms(), i / 4.0}});
  }
  tier.store().flush();
  memory.drop_before(kT0 - kHour);
  REQUIRE(memory.select(name_is("twikit_proxies_healthy"), 0, kT0).at(0).samples.size() == 241);

  const auto fanout = tier.queryable(memory);
  const auto selected = fanout->select(name_is("twikit_proxies_healthy"), kT0 - 3 * kHour, kT0);
  REQUIRE(selected.size() == 1);
  REQUIRE(selected[0].samples.size() == 721);
  for (int i = 0; i <= 720; ++i) {
    CHECK(selected[0].samples[static_cast<std::size_t>(i)].t == kT0 - 3 * kHour + i * 15'000);
    CHECK(selected[0].samples[static_cast<std::size_t>(i)].v == i / 4.0);
  }
  CHECK(fanout->used_history());
  CHECK_FALSE(fanout->used_aggregates());
  CHECK(fanout->warnings().empty());

  promql::Engine engine;
  const auto expr = promql::parse("twikit_proxies_healthy");
  const promql::Value value = engine.range_query(*expr, *fanout, kT0 - 3 * kHour, kT0, 30 * 60'000);
  const promql::Matrix& matrix = value.matrix;
  REQUIRE(matrix.size() == 1);
  std::vector<std::pair<TimestampMs, double>> points;
  for (const auto& p : matrix[0].points) points.emplace_back(p.t, p.v);
  CHECK(points == std::vector<std::pair<TimestampMs, double>>{{kT0 - 3 * kHour, 0},   {kT0 - 150 * 60'000, 30},
                                                              {kT0 - 2 * kHour, 60},   {kT0 - 90 * 60'000, 90},
                                                              {kT0 - kHour, 120},      {kT0 - 30 * 60'000, 150},
                                                              {kT0, 180}});
  // A query may not read more from the disk than --query.max-samples allows: refused before holding it all.
  CHECK_THROWS_WITH(tier.queryable(memory, 100)->select(name_is("twikit_proxies_healthy"), kT0 - 3 * kHour, kT0),
                    "query processing would load too many samples into memory in query execution");
  CHECK(tier.queryable(memory, 480)->select(name_is("twikit_proxies_healthy"), kT0 - 3 * kHour, kT0).at(0).samples.size() == 721);
  // A range inside the in-memory window does not touch the disk.
  const auto recent = tier.queryable(memory);
  CHECK(recent->select(name_is("twikit_proxies_healthy"), kT0 - 30 * 60'000, kT0).at(0).samples.size() == 121);
  CHECK_FALSE(recent->used_history());
}

TEST_CASE("a range query that reads ahead to its end answers exactly as one that reads the history step by step") {
  const auto dir = testing::make_temp_dir("history-tier");
  FakeClock clock(kT0 - 3 * kHour);
  storage::SeriesStore memory;
  history::HistoryTier tier(storage_in(dir), clock);
  for (const char* service : {"a", "b"}) {
    const Labels labels = make_labels({{"__name__", "twikit_requests_total"}, {"service", service}});
    for (int i = 0; i <= 720; ++i) {
      clock.set_ms(kT0 - 3 * kHour + i * 15'000);
      record(memory, tier, labels, {{clock.now_ms(), i * (service[0] == 'a' ? 1.5 : 7.0)}});
    }
  }
  tier.store().flush();
  memory.drop_before(kT0 - kHour);

  promql::Engine engine;
  for (const char* query : {"twikit_requests_total", "rate(twikit_requests_total[5m])",
                            "twikit_requests_total offset 10m", "max_over_time(twikit_requests_total[7m])"}) {
    INFO(query);
    const auto expr = promql::parse(query);
    const TimestampMs start = kT0 - 170 * 60'000;
    const auto step_by_step = tier.queryable(memory, 0, 60'000);
    const auto read_ahead = tier.queryable(memory, 0, 60'000, kT0);
    const promql::Matrix a = engine.range_query(*expr, *step_by_step, start, kT0, 60'000).matrix;
    const promql::Matrix b = engine.range_query(*expr, *read_ahead, start, kT0, 60'000).matrix;
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(a[i].labels == b[i].labels);
      REQUIRE(a[i].points.size() == 171);
      REQUIRE(b[i].points.size() == 171);
      for (std::size_t k = 0; k < a[i].points.size(); ++k) {
        CHECK(a[i].points[k].t == b[i].points[k].t);
        CHECK(bits(a[i].points[k].v) == bits(b[i].points[k].v));
      }
    }
  }
  // Reads of the history: one per step without the read ahead (the 115 steps whose 5-minute lookback starts
  // before the memory window), one for the whole range with it, and with a cap of 300 samples (the history
  // holds 2 × 480) 15 windows, each sized beforehand from whole chunks of 240 counted in the index, so no
  // read is made and thrown away.
  const auto expr = promql::parse("twikit_requests_total");
  const TimestampMs start = kT0 - 170 * 60'000;
  const history::TierBounds bounds{kT0 - kHour, 0, 300'000};
  const history::FanoutQueryable step_by_step(memory, tier.store(), bounds, 0, 60'000);
  const history::FanoutQueryable whole(memory, tier.store(), bounds, 0, 60'000, kT0);
  const history::FanoutQueryable windows(memory, tier.store(), bounds, 0, 60'000, kT0, 300);
  const promql::Matrix a = engine.range_query(*expr, step_by_step, start, kT0, 60'000).matrix;
  const promql::Matrix b = engine.range_query(*expr, whole, start, kT0, 60'000).matrix;
  const promql::Matrix c = engine.range_query(*expr, windows, start, kT0, 60'000).matrix;
  CHECK(step_by_step.history_reads() == 115);
  CHECK(whole.history_reads() == 1);
  CHECK(windows.history_reads() == 15);
  REQUIRE(c.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    REQUIRE(a[i].points.size() == c[i].points.size());
    REQUIRE(b[i].points.size() == c[i].points.size());
    for (std::size_t k = 0; k < a[i].points.size(); ++k) {
      CHECK(bits(a[i].points[k].v) == bits(c[i].points[k].v));
      CHECK(bits(b[i].points[k].v) == bits(c[i].points[k].v));
    }
  }
  // The read ahead does not lift --query.max-samples from a step's select.
  CHECK_THROWS_WITH(tier.queryable(memory, 100, 60'000, kT0)->select(name_is("twikit_requests_total"), kT0 - 3 * kHour, kT0),
                    "query processing would load too many samples into memory in query execution");
}

TEST_CASE("beyond the raw retention a query reads the 5-minute aggregates and warns that it did") {
  const auto dir = testing::make_temp_dir("history-tier");
  config::StorageConfig storage = storage_in(dir);
  storage.history.raw_retention_ms = kDay;
  FakeClock clock(kT0 - 3 * kDay);
  storage::SeriesStore memory;
  history::HistoryTier tier(storage, clock);
  const Labels gauge = make_labels({{"__name__", "twikit_sessions"}, {"service", "session_manager"}});
  const Labels counter = make_labels({{"__name__", "twikit_requests_total"}, {"service", "session_manager"}});
  // Four hours, three days ago: the gauge is 10 * (the 5-minute bucket's index) + 0..19 over the bucket, so
  // its bucket average is 10 * index + 9.5; the counter counts samples.
  const TimestampMs start = kT0 - 3 * kDay;
  for (int i = 0; i < 960; ++i) {
    clock.set_ms(start + i * 15'000);
    record(memory, tier, gauge, {{clock.now_ms(), 10.0 * (i / 20) + i % 20}});
    record(memory, tier, counter, {{clock.now_ms(), i + 1.0}});
  }
  tier.store().flush();
  clock.set_ms(kT0);
  memory.drop_before(kT0 - kHour);
  tier.enforce_retention();
  CHECK(tier.store().stats().raw_chunks_deleted == 8);  // 960 samples in 240-sample chunks, two series
  CHECK(tier.store().select(name_is("twikit_sessions"), 0, kT0).empty());

  const auto fanout = tier.queryable(memory);
  const auto selected = fanout->select(name_is("twikit_sessions"), start, start + kHour - 1);
  REQUIRE(selected.size() == 1);
  REQUIRE(selected[0].samples.size() == 12);
  for (std::size_t b = 0; b < 12; ++b) {
    CHECK(selected[0].samples[b].t == start + static_cast<TimestampMs>(b + 1) * 300'000 - 1);
    CHECK(selected[0].samples[b].v == 10.0 * static_cast<double>(b) + 9.5);
  }
  const auto counters = fanout->select(name_is("twikit_requests_total"), start, start + kHour - 1);
  REQUIRE(counters.size() == 1);
  CHECK(counters[0].samples.at(0).v == 20);  // the last value of the bucket, not its average
  CHECK(counters[0].samples.at(11).v == 240);
  CHECK(fanout->used_aggregates());
  const std::vector<std::string> expected_warning = {
      "data before 2023-11-13T22:15:00Z is older than the raw retention: answered from 5m aggregates (one sample "
      "per bucket at its end: the average for gauges, the last value for counters)"};
  CHECK(fanout->warnings() == expected_warning);
  CHECK(history::with_warnings(R"({"status":"success","data":{}})", fanout->warnings()) ==
        R"j({"status":"success","data":{},"warnings":["data before 2023-11-13T22:15:00Z is older than the raw )j"
        R"j(retention: answered from 5m aggregates (one sample per bucket at its end: the average for gauges, the )j"
        R"j(last value for counters)"]})j");

  // rate() over downsampled counters: a 15-minute window holds three buckets, 60 samples apart each.
  promql::Engine engine;
  const auto value = engine.instant_query(*promql::parse("increase(twikit_requests_total[15m])"), *fanout,
                                          start + kHour - 1);
  const promql::Vector& vector = value.vector;
  REQUIRE(vector.size() == 1);
  CHECK(vector[0].value == Approx(60.0));  // 40 over the 10 minutes between the samples, extrapolated to 15
}

TEST_CASE("series beyond max_series are not recorded, and the drop is counted on /metrics") {
  const auto dir = testing::make_temp_dir("history-tier");
  config::StorageConfig storage = storage_in(dir);
  storage.history.max_series = 2;
  FakeClock clock(kT0);
  history::HistoryTier tier(storage, clock);
  storage::SeriesStore memory;
  for (const char* service : {"a", "b", "c"}) {
    record(memory, tier, make_labels({{"__name__", "twikit_up"}, {"service", service}}), {{kT0, 1}, {kT0 + 15'000, 1}});
  }
  // Out of order: not after the series' last sample.
  record(memory, tier, make_labels({{"__name__", "twikit_up"}, {"service", "a"}}), {{kT0, 0}});
  tier.store().flush();
  const auto stats = tier.store().stats();
  CHECK(stats.series == 2);
  CHECK(stats.samples_appended == 4);
  CHECK(stats.samples_series_limit == 2);
  CHECK(stats.samples_out_of_order == 1);
  const std::string metrics = exposition_of(tier);
  CHECK_THAT(metrics, Catch::Contains("alertd_history_series 2\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_series_limit 2\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_samples_appended_total 4\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_samples_flushed_total 4\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_samples_dropped_total{reason=\"out_of_order\"} 1\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_samples_dropped_total{reason=\"series_limit\"} 2\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_samples_dropped_total{reason=\"write_backlog\"} 0\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_flushes_total 1\n"));
  CHECK_THAT(metrics, Catch::Contains("alertd_history_retention_chunks_deleted_total{tier=\"raw\"} 0\n"));
  CHECK(tier.store().disk_bytes() > 0);
}

TEST_CASE("a disk that falls behind costs the oldest buffered chunks, never memory without bound") {
  const auto dir = testing::make_temp_dir("history-tier");
  history::HistoryOptions options;
  options.path = dir + "/history.db";
  options.samples_per_chunk = 10;
  options.max_pending_bytes = 1;  // any sealed chunk beyond the first is over the cap until a flush
  history::HistoryStore store(options);
  const Labels labels = make_labels({{"__name__", "x"}});
  for (int i = 0; i < 35; ++i) store.append(labels, Sample{kT0 + i * 1000, static_cast<double>(i)});
  // Three chunks of ten were sealed while no flush ran: each push over the cap dropped what was waiting.
  CHECK(store.stats().samples_dropped == 30);
  store.flush();
  const auto kept = store.select(name_is("x"), 0, kT0 + kHour);
  REQUIRE(kept.size() == 1);
  REQUIRE(kept[0].samples.size() == 5);  // the open chunk
  CHECK(kept[0].samples.front().t == kT0 + 30'000);
}

TEST_CASE("a range query with a step of 25 minutes or more reads aggregates inside the raw retention too") {
  const auto dir = testing::make_temp_dir("history-tier");
  FakeClock clock(kT0 - 6 * kHour);
  storage::SeriesStore memory;
  history::HistoryTier tier(storage_in(dir), clock);
  const Labels gauge = make_labels({{"__name__", "twikit_sessions"}, {"service", "session_manager"}});
  // Two hours, six hours ago: the value is the sample's index within its 5-minute bucket (0..19).
  const TimestampMs start = kT0 - 6 * kHour;
  for (int i = 0; i < 480; ++i) {
    clock.set_ms(start + i * 15'000);
    record(memory, tier, gauge, {{clock.now_ms(), static_cast<double>(i % 20)}});
  }
  tier.store().flush();
  clock.set_ms(kT0);
  memory.drop_before(kT0 - kHour);

  // A 15-minute step reads the raw samples ...
  const auto fine = tier.queryable(memory, 0, 900'000);
  const auto raw = fine->select(name_is("twikit_sessions"), start, start + kHour - 1);
  REQUIRE(raw.size() == 1);
  CHECK(raw[0].samples.size() == 240);
  CHECK_FALSE(fine->used_aggregates());
  CHECK(fine->warnings().empty());
  // ... a 25-minute step one average per bucket (9.5), and says so.
  const auto coarse = tier.queryable(memory, 0, 1'500'000);
  const auto buckets = coarse->select(name_is("twikit_sessions"), start, start + kHour - 1);
  REQUIRE(buckets.size() == 1);
  REQUIRE(buckets[0].samples.size() == 12);
  CHECK(buckets[0].samples[0].t == start + 300'000 - 1);
  CHECK(buckets[0].samples[0].v == 9.5);
  CHECK(coarse->used_aggregates());
  CHECK(coarse->warnings() ==
        std::vector<std::string>{"data before 2023-11-14T21:15:00Z answered from 5m aggregates (one sample per bucket at "
                                 "its end: the average for gauges, the last value for counters), as the step is at "
                                 "least 25m"});
}
