#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <map>
#include <thread>

#include "alertd/storage/series_store.h"

using namespace twikit;
using namespace twikit::storage;

namespace {
Labels lbl(std::vector<Label> l) { return make_labels(std::move(l)); }
std::vector<LabelMatcher> eq_name(const std::string& name) { return {LabelMatcher(MatchType::eq, "__name__", name)}; }
}  // namespace

TEST_CASE("a staleness marker is a NaN distinct from ordinary NaN", "[storage]") {
  CHECK(std::isnan(stale_marker()));
  CHECK(is_stale_marker(stale_marker()));
  CHECK_FALSE(is_stale_marker(std::nan("")));
  CHECK_FALSE(is_stale_marker(1.0));
}

TEST_CASE("select returns only matching series and samples inside [mint, maxt]", "[storage]") {
  SeriesStore store;
  for (int i = 0; i < 10; ++i) {
    store.append(lbl({{"__name__", "up"}, {"job", "a"}}), i * 1000, i);
    store.append(lbl({{"__name__", "up"}, {"job", "b"}}), i * 1000, 10 + i);
    store.append(lbl({{"__name__", "other"}, {"job", "a"}}), i * 1000, 20 + i);
  }
  auto res = store.select({LabelMatcher(MatchType::eq, "__name__", "up"), LabelMatcher(MatchType::eq, "job", "b")},
                          2000, 4000);
  REQUIRE(res.size() == 1);
  CHECK(label_value(*res[0].labels, "job") == "b");
  REQUIRE(res[0].samples.size() == 3);
  CHECK(res[0].samples.front().t == 2000);
  CHECK(res[0].samples.back().v == 14);
  CHECK(store.select(eq_name("up"), 0, 100000).size() == 2);
  CHECK(store.select({LabelMatcher(MatchType::neq, "job", "a")}, 0, 100000).size() == 1);
  CHECK(store.select({LabelMatcher(MatchType::re, "__name__", "u.")}, 0, 100000).size() == 2);
  CHECK(store.select({LabelMatcher(MatchType::nre, "__name__", "u.")}, 0, 100000).size() == 1);
}

TEST_CASE("regex matchers are fully anchored and understand Go's (?i) flag", "[storage]") {
  CHECK(LabelMatcher(MatchType::re, "a", "foo").matches("foo"));
  CHECK_FALSE(LabelMatcher(MatchType::re, "a", "foo").matches("foobar"));
  CHECK(LabelMatcher(MatchType::re, "a", "(?i:FOO).*").matches("foobar"));
  CHECK(LabelMatcher(MatchType::re, "a", "x(?i)abc").matches("xAbC"));
  CHECK_FALSE(LabelMatcher(MatchType::re, "a", "x(?i)abc").matches("XAbC"));
  CHECK(LabelMatcher(MatchType::re, "a", "a.b").matches("a\nb"));
  CHECK(LabelMatcher(MatchType::nre, "a", "").matches("x"));
  CHECK(LabelMatcher(MatchType::re, "a", ".*").matches_empty());
}

TEST_CASE("out-of-order appends are inserted in place and duplicates overwrite", "[storage]") {
  SeriesStore store;
  const Labels l = lbl({{"__name__", "m"}});
  store.append(l, 3000, 3);
  store.append(l, 1000, 1);
  store.append(l, 2000, 2);
  store.append(l, 3000, 33);
  auto res = store.select(eq_name("m"), 0, 10000);
  REQUIRE(res.size() == 1);
  REQUIRE(res[0].samples.size() == 3);
  CHECK(res[0].samples[0].v == 1);
  CHECK(res[0].samples[1].v == 2);
  CHECK(res[0].samples[2].v == 33);
  CHECK(store.num_samples() == 3);
}

TEST_CASE("retention drops old samples and series left empty", "[storage]") {
  SeriesStore store;
  for (int i = 0; i < 500; ++i) store.append(lbl({{"__name__", "a"}}), i * 15000, i);
  store.append(lbl({{"__name__", "b"}}), 0, 1);
  CHECK(store.num_series() == 2);
  CHECK(store.drop_before(250 * 15000) == 1);
  CHECK(store.num_series() == 1);
  CHECK(store.num_samples() == 250);
  auto res = store.select(eq_name("a"), 0, 1'000'000'000);
  REQUIRE(res.size() == 1);
  CHECK(res[0].samples.front().v == 250);
  CHECK(store.select(eq_name("b"), 0, 1'000'000'000).empty());
  store.append(lbl({{"__name__", "b"}}), 250 * 15000, 2);  // a new series after index rebuild
  CHECK(store.select(eq_name("b"), 0, 1'000'000'000).size() == 1);
}

TEST_CASE("append_batch appends by handle until retention removes a series, then refuses", "[storage]") {
  SeriesStore store;
  const SeriesRef a = store.get_or_create(lbl({{"__name__", "a"}}));
  const SeriesRef b = store.get_or_create(lbl({{"__name__", "b"}}));
  const std::uint64_t before = store.generation();
  REQUIRE(store.append_batch({{a, 1000, 1}, {b, 1000, 2}, {b, 5000, 3}}, before));
  CHECK(store.drop_before(2000) == 1);  // a is left empty and removed: b's handle may have moved
  CHECK(store.generation() != before);
  CHECK_FALSE(store.append_batch({{b, 6000, 4}}, before));
  auto res = store.select(eq_name("b"), 0, 10000);
  REQUIRE(res.size() == 1);
  REQUIRE(res[0].samples.size() == 1);
  CHECK(res[0].samples[0].t == 5000);
  const SeriesRef b_now = store.get_or_create(lbl({{"__name__", "b"}}));
  REQUIRE(store.append_batch({{b_now, 6000, 4}}, store.generation()));
  res = store.select(eq_name("b"), 0, 10000);
  REQUIRE(res[0].samples.size() == 2);
  CHECK(res[0].samples[1].v == 4);
  CHECK(store.select(eq_name("a"), 0, 10000).empty());
}

TEST_CASE("mark_stale writes a staleness marker sample", "[storage]") {
  SeriesStore store;
  const Labels l = lbl({{"__name__", "m"}});
  store.append(l, 1000, 1);
  store.mark_stale(l, 2000);
  auto res = store.select(eq_name("m"), 0, 10000);
  REQUIRE(res[0].samples.size() == 2);
  CHECK(is_stale_marker(res[0].samples[1].v));
}

TEST_CASE("concurrent appends and selects are safe", "[storage]") {
  SeriesStore store;
  std::thread writer([&] {
    for (int i = 0; i < 20000; ++i) store.append(lbl({{"__name__", "m"}, {"i", std::to_string(i % 50)}}), i, i);
  });
  std::size_t seen = 0;
  for (int k = 0; k < 200; ++k) seen += store.select(eq_name("m"), 0, 1'000'000).size();
  writer.join();
  CHECK(store.num_series() == 50);
  CHECK(store.num_samples() == 20000);
  CHECK(seen <= 200 * 50);
}

TEST_CASE("select_latest returns only the newest sample inside the window", "[storage]") {
  SeriesStore store;
  const Labels l = lbl({{"__name__", "m"}});
  for (int i = 0; i < 300; ++i) store.append(l, i * 1000, i);  // spans three chunks
  auto r = store.select_latest(eq_name("m"), 100000, 250500);
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].samples.size() == 1);
  CHECK(r[0].samples[0].t == 250000);
  CHECK(store.select_latest(eq_name("m"), 118500, 119999)[0].samples[0].v == 119);  // chunk boundary
  CHECK(store.select_latest(eq_name("m"), 119500, 119999).empty());
  CHECK(store.select_latest(eq_name("m"), 400000, 500000).empty());
  CHECK(store.select_latest(eq_name("m"), 5500, 5900).empty());
  CHECK(store.select_latest(eq_name("m"), 0, 1000000)[0].samples[0].v == 299);
}

TEST_CASE("visit meets the series select returns, with their newest sample and the same samples", "[storage]") {
  SeriesStore store;
  // 130 samples: the series spans two chunks; the other one ends with a staleness marker.
  for (int i = 0; i < 130; ++i) store.append(lbl({{"__name__", "up"}, {"job", "a"}}), i * 1000, i);
  for (int i = 0; i < 5; ++i) store.append(lbl({{"__name__", "up"}, {"job", "b"}}), i * 1000, 10 + i);
  store.mark_stale(lbl({{"__name__", "up"}, {"job", "b"}}), 5000);
  store.append(lbl({{"__name__", "up"}, {"job", "c"}}), 200'000, 1);  // outside the range
  std::map<std::string, std::vector<Sample>> seen;
  std::map<std::string, TimestampMs> latest;
  store.visit(eq_name("up"), 3000, 125'500, [&](const SeriesCursor& c) {
    const std::string job = label_value(*c.labels(), "job");
    CHECK(c.hash() == labels_hash(*c.labels()));
    latest[job] = c.latest().t;
    c.samples(seen[job]);
  });
  CHECK(latest == std::map<std::string, TimestampMs>{{"a", 125'000}, {"b", 5000}});
  for (const auto& s : store.select(eq_name("up"), 3000, 125'500)) {
    const auto& v = seen[label_value(*s.labels, "job")];
    REQUIRE(v.size() == s.samples.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      CHECK(v[i].t == s.samples[i].t);
      CHECK(std::memcmp(&v[i].v, &s.samples[i].v, sizeof(double)) == 0);
    }
  }
  CHECK(seen["a"].size() == 123);
  CHECK(seen["b"].size() == 3);
  CHECK(is_stale_marker(seen["b"].back().v));
}

TEST_CASE("a series keeps every sample while its chunks grow and fill", "[storage]") {
  // Chunks start small and double up to 120 samples: 300 samples cross every size and three chunks.
  SeriesStore store;
  for (int i = 0; i < 300; ++i) store.append(lbl({{"__name__", "up"}}), 1000 + i * 15'000, i * 0.5);
  store.append(lbl({{"__name__", "up"}}), 1000 + 299 * 15'000, -1);  // the last sample replaced
  const auto res = store.select(eq_name("up"), 0, 10'000'000);
  REQUIRE(res.size() == 1);
  REQUIRE(res[0].samples.size() == 300);
  for (int i = 0; i < 299; ++i) {
    CHECK(res[0].samples[i].t == 1000 + i * 15'000);
    CHECK(res[0].samples[i].v == i * 0.5);
  }
  CHECK(res[0].samples.back().v == -1);
  CHECK(store.num_samples() == 300);
  CHECK(store.select_latest(eq_name("up"), 0, 1000 + 7 * 15'000)[0].samples[0].v == 3.5);
}
