// HistoryStore: what is flushed is served, across restarts; retention on an injected clock; aggregates
// equal to the raw samples they summarise; damage reported and skipped.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "alertd/history/history_store.h"
#include "support/process.h"

using twikit::Labels;
using twikit::TimestampMs;
using twikit::make_labels;
using twikit::storage::LabelMatcher;
using twikit::storage::MatchType;
using twikit::storage::Sample;
using namespace twikit::history;

namespace {

constexpr TimestampMs kT0 = 1'700'000'100'000;  // a multiple of 5 minutes
constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::int64_t k5m = 5 * 60 * 1000;

HistoryOptions options_in(const std::string& dir) {
  HistoryOptions o;
  o.path = dir + "/history.db";
  return o;
}

Labels series(const std::string& name, const std::string& service) {
  return make_labels({{"__name__", name}, {"service", service}});
}

std::vector<LabelMatcher> name_is(const std::string& name) { return {LabelMatcher(MatchType::eq, "__name__", name)}; }

std::vector<Sample> every_15s(TimestampMs from, int n, double start, double step) {
  std::vector<Sample> out;
  for (int i = 0; i < n; ++i) out.push_back({from + i * 15'000, start + step * i});
  return out;
}

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// Prometheus' *_over_time over one window of raw samples, staleness markers skipped.
Aggregate expected_over(const std::vector<Sample>& samples, TimestampMs start, std::int64_t width) {
  Aggregate a;
  a.start = start;
  for (const Sample& s : samples) {
    if (s.t < start || s.t >= start + width || twikit::storage::is_stale_marker(s.v)) continue;
    a.add(s.t, s.v);
  }
  return a;
}

void check_same(const Aggregate& got, const Aggregate& want) {
  CHECK(got.start == want.start);
  CHECK(bits(got.min) == bits(want.min));
  CHECK(bits(got.max) == bits(want.max));
  CHECK(bits(got.sum) == bits(want.sum));
  CHECK(got.count == want.count);
  CHECK(bits(got.last) == bits(want.last));
}

}  // namespace

TEST_CASE("flushed samples are served per series within the requested range") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  HistoryStore store(options_in(dir));
  store.append(series("up", "a"), every_15s(kT0, 300, 1, 0));
  store.append(series("up", "b"), every_15s(kT0, 300, 0, 0));
  store.append(series("sessions", "a"), every_15s(kT0, 300, 10, 1));
  CHECK(store.select(name_is("up"), kT0, kT0 + kDay).empty());  // nothing flushed yet
  REQUIRE(store.flush());

  const auto up = store.select(name_is("up"), kT0, kT0 + kDay);
  REQUIRE(up.size() == 2);
  CHECK(up[0].labels == series("up", "a"));
  CHECK(up[1].labels == series("up", "b"));
  CHECK(up[0].samples.size() == 300);

  const auto window = store.select(name_is("sessions"), kT0 + 15'000 * 130, kT0 + 15'000 * 132);
  REQUIRE(window.size() == 1);
  REQUIRE(window[0].samples.size() == 3);
  CHECK(window[0].samples[0].t == kT0 + 15'000 * 130);
  CHECK(window[0].samples[0].v == 140);
  CHECK(window[0].samples[2].v == 142);

  const auto b_only = store.select({LabelMatcher(MatchType::re, "service", "b|c")}, kT0, kT0 + kDay);
  REQUIRE(b_only.size() == 1);
  CHECK(b_only[0].labels == series("up", "b"));
  CHECK(store.stats().samples_flushed == 900);
  CHECK(store.disk_bytes() > 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("out-of-order and duplicate timestamps are dropped and counted; the first value stays") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  HistoryStore store(options_in(dir));
  const Labels l = series("x", "a");
  store.append(l, std::vector<Sample>{{kT0, 1}, {kT0 + 15'000, 2}, {kT0 + 15'000, 9}, {kT0 + 5'000, 8}});
  store.append(l, Sample{kT0 + 30'000, 3});
  REQUIRE(store.flush());
  const auto got = store.select(name_is("x"), kT0, kT0 + kDay);
  REQUIRE(got.size() == 1);
  REQUIRE(got[0].samples.size() == 3);
  CHECK(got[0].samples[1].v == 2);
  CHECK(got[0].samples[2].v == 3);
  CHECK(store.stats().samples_out_of_order == 2);
  CHECK(store.stats().samples_appended == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a reopened store serves the history and the special values it had, and rejects older samples") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  const Labels l = series("x", "a");
  std::vector<Sample> written = every_15s(kT0, 500, 0.5, 0.25);
  written[10].v = twikit::storage::stale_marker();
  written[11].v = std::nan("");
  written[12].v = INFINITY;
  written[13].v = -INFINITY;
  {
    HistoryStore store(options_in(dir));
    store.append(l, written);
  }  // closing flushes
  {
    HistoryStore store(options_in(dir));
    auto got = store.select(name_is("x"), kT0, kT0 + kDay);
    REQUIRE(got.size() == 1);
    REQUIRE(got[0].samples.size() == written.size());
    for (std::size_t i = 0; i < written.size(); ++i) {
      CHECK(got[0].samples[i].t == written[i].t);
      CHECK(bits(got[0].samples[i].v) == bits(written[i].v));
    }
    store.append(l, Sample{written.back().t, 7});           // a duplicate of the stored last sample
    store.append(l, Sample{written.back().t + 15'000, 7});  // continues
    REQUIRE(store.flush());
    got = store.select(name_is("x"), kT0, kT0 + kDay);
    REQUIRE(got[0].samples.size() == written.size() + 1);
    CHECK(got[0].samples.back().v == 7);
    CHECK(store.stats().samples_out_of_order == 1);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("retention on the injected clock drops raw data after 30 days and aggregates after a year") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  HistoryStore store(options_in(dir));
  twikit::FakeClock clock(kT0);
  const Labels l = series("x", "a");
  const auto day_one = every_15s(kT0, 4 * 240, 1, 1);  // 4 hours: 4 raw chunks of 240, 48 buckets
  store.append(l, day_one);
  clock.set_ms(kT0 + 40 * kDay);
  store.append(l, every_15s(clock.now_ms(), 240, 5, 0));  // recent data that must survive
  REQUIRE(store.flush());
  const TimestampMs last_old = day_one.back().t;

  clock.set_ms(kT0 + 30 * kDay);  // the oldest sample is exactly 30 days old: kept
  store.enforce_retention(clock.now_ms());
  CHECK(store.select(name_is("x"), kT0, last_old).at(0).samples.size() == day_one.size());

  clock.set_ms(last_old + 30 * kDay + k5m + 1);  // past 30 days: every old raw chunk goes
  store.enforce_retention(clock.now_ms());
  auto raw = store.select(name_is("x"), kT0, kT0 + kDay * 400);
  REQUIRE(raw.size() == 1);
  REQUIRE(raw[0].samples.size() == 240);
  CHECK(raw[0].samples.front().t == kT0 + 40 * kDay);
  auto agg = store.select_aggregated(name_is("x"), kT0, kT0 + kDay, k5m);
  REQUIRE(agg.size() == 1);
  CHECK(agg[0].buckets.size() == 48);
  CHECK(store.stats().raw_chunks_deleted == 4);

  clock.set_ms(last_old + 365 * kDay + k5m + 1);  // past a year: old aggregates go too
  store.enforce_retention(clock.now_ms());
  CHECK(store.select_aggregated(name_is("x"), kT0, kT0 + kDay, k5m).empty());
  CHECK(store.select_aggregated(name_is("x"), kT0, kT0 + 41 * kDay, k5m).at(0).buckets.size() == 12);
  CHECK(store.stats().aggregate_chunks_deleted == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("aggregates equal min, max, sum, count and last over the raw samples of each window") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  auto store = std::make_unique<HistoryStore>(options_in(dir));
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> step(-3, 3);
  std::vector<Sample> decimals;
  std::vector<Sample> integers;
  double d = 50;
  double n = 1000;
  for (int i = 0; i < 6 * 240; ++i) {  // six hours, scrapes at 15 s with up to 2 ms of jitter
    const TimestampMs t = kT0 + 7'000 + i * 15'000 + (i % 3);
    d += step(rng) * 0.25;  // binary fractions: sums do not round, whatever the order
    n += step(rng);
    decimals.push_back({t, d});
    integers.push_back({t, n});
  }
  decimals[100].v = twikit::storage::stale_marker();  // skipped by aggregation
  decimals[101].v = std::nan("");                      // counted; min/max skip it
  integers[500].v = twikit::storage::stale_marker();
  // Appended in two halves around a restart, so that one bucket is split between two runs.
  const std::size_t half = 721;
  store->append(series("d", "a"), std::span(decimals).first(half));
  store->append(series("n", "a"), std::span(integers).first(half));
  REQUIRE(store->flush());
  store.reset();
  store = std::make_unique<HistoryStore>(options_in(dir));
  store->append(series("d", "a"), std::span(decimals).subspan(half));
  store->append(series("n", "a"), std::span(integers).subspan(half));
  REQUIRE(store->flush());

  const auto by5m = store->select_aggregated(name_is("d"), kT0, kT0 + kDay, k5m);
  REQUIRE(by5m.size() == 1);
  REQUIRE(by5m[0].buckets.size() == 72);
  for (const Aggregate& got : by5m[0].buckets) check_same(got, expected_over(decimals, got.start, k5m));

  // Hourly, merged from the five-minute buckets.
  const auto hourly = store->select_aggregated(name_is("n"), kT0, kT0 + kDay, 12 * k5m);
  REQUIRE(hourly.size() == 1);
  const TimestampMs first_hour = bucket_start(kT0, 12 * k5m);
  CHECK(hourly[0].buckets.front().start == first_hour);
  for (const Aggregate& got : hourly[0].buckets) check_same(got, expected_over(integers, got.start, 12 * k5m));
  CHECK_THROWS_AS(store->select_aggregated(name_is("n"), kT0, kT0 + kDay, 7 * 60 * 1000), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a chunk damaged in the file is reported and skipped, and the rest is served") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  HistoryOptions o = options_in(dir);
  o.samples_per_chunk = 120;
  {
    HistoryStore store(o);
    store.append(series("x", "a"), every_15s(kT0, 360, 1, 1));  // three raw chunks
    store.append(series("x", "b"), every_15s(kT0, 360, 1000, 3));
    REQUIRE(store.flush());
    store.checkpoint();
  }
  // Find the second chunk of series a in the file and overwrite one byte of it.
  std::vector<std::uint8_t> blob;
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(o.path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT data FROM raw_chunks WHERE series_id = 1 AND min_t = ?1", -1, &st,
                               nullptr) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, kT0 + 120 * 15'000);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 0));
    blob.assign(p, p + sqlite3_column_bytes(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  std::string file = twikit::testing::read_file(o.path);
  const auto at = file.find(std::string(blob.begin(), blob.end()));
  REQUIRE(at != std::string::npos);
  file[at + blob.size() / 2] = static_cast<char>(file[at + blob.size() / 2] ^ 0x10);
  twikit::testing::write_file(o.path, file);

  HistoryStore store(o);
  const auto got = store.select({}, kT0, kT0 + kDay);
  REQUIRE(got.size() == 2);
  REQUIRE(got[0].samples.size() == 240);
  CHECK(got[0].samples[119].t == kT0 + 119 * 15'000);
  CHECK(got[0].samples[120].t == kT0 + 240 * 15'000);
  CHECK(got[1].samples.size() == 360);
  CHECK(store.stats().corrupted_chunks == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a file that is not a database is moved aside and a new history starts") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  HistoryOptions o = options_in(dir);
  twikit::testing::write_file(o.path, std::string(20000, 'z'));
  HistoryStore store(o);
  CHECK(store.stats().files_reset == 1);
  CHECK(std::filesystem::exists(o.path + ".damaged"));
  store.append(series("x", "a"), Sample{kT0, 1});
  REQUIRE(store.flush());
  CHECK(store.select(name_is("x"), kT0, kT0).size() == 1);
  std::filesystem::remove_all(dir);
}

TEST_CASE("appends from several threads while flushing and querying lose nothing") {
  const std::string dir = twikit::testing::make_temp_dir("history");
  HistoryOptions o = options_in(dir);
  o.flush_interval_ms = 1;
  HistoryStore store(o);
  store.start_flusher();
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) (void)store.select(name_is("x"), kT0, kT0 + kDay);
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&store, w] {
      for (int i = 0; i < 2000; ++i) {
        for (int s = 0; s < 5; ++s) {
          store.append(series("x", std::to_string(w * 5 + s)), Sample{kT0 + i * 15'000, static_cast<double>(i)});
        }
      }
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  reader.join();
  REQUIRE(store.flush());
  const auto got = store.select(name_is("x"), kT0, kT0 + kDay);
  REQUIRE(got.size() == 20);
  for (const auto& s : got) {
    REQUIRE(s.samples.size() == 2000);
    CHECK(s.samples.back().v == 1999);
  }
  CHECK(store.stats().samples_flushed == 40000);
  CHECK(store.select_aggregated(name_is("x"), kT0, kT0 + kDay, k5m).at(0).buckets.size() == 100);
  std::filesystem::remove_all(dir);
}
