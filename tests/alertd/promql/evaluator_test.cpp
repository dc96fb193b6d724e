#include <catch2/catch.hpp>

#include "eval_fixture.h"

using namespace twikit;
using namespace twikit::promql;
using namespace twikit::promql::testing;

TEST_CASE("rate extrapolates to the window edges but not below a counter's zero", "[promql][eval]") {
  storage::SeriesStore store;
  // 0, 10, ..., 100 every 15 s: 10 per 15 s.
  std::vector<double> vals;
  for (int i = 0; i <= 20; ++i) vals.push_back(i * 10.0);
  add_series(store, {{"__name__", "c"}}, vals);
  auto v = query(store, "rate(c[1m])", 300000);
  REQUIRE(v.vector.size() == 1);
  CHECK(v.vector[0].value == Approx(10.0 / 15.0));
  CHECK(v.vector[0].labels.empty());  // rate drops the metric name
  auto inc = query(store, "increase(c[1m])", 300000);
  CHECK(inc.vector[0].value == Approx(40.0));
  // Near the start the counter's zero point limits extrapolation: samples 0@0 and 10@15s in (-45s, 15s]
  // would extrapolate half a step back, but the counter started at 0 exactly at the first sample.
  auto early = query(store, "increase(c[1m])", 15000);
  CHECK(early.vector[0].value == Approx(10.0));
  // Without a zero point in reach, half an average step is added at the start.
  storage::SeriesStore s2;
  add_series(s2, {{"__name__", "c"}}, {100, 110}, 15000);
  CHECK(query(s2, "increase(c[1m])", 15000).vector[0].value == Approx(10.0 * (15.0 + 7.5) / 15.0));
}

TEST_CASE("counter resets are compensated by rate and counted by resets", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "c"}}, {10, 20, 5, 15}, 15000);
  CHECK(query(store, "resets(c[1m])", 45000).vector[0].value == 1);
  // Samples in (0s, 45s]: 20, 5, 15; the reset adds 20, so the raw increase is 15 over 30 s, and the
  // 15 s gap to the window start is below 1.1 average steps, so it extrapolates all the way: 15 * 45/30.
  CHECK(query(store, "increase(c[45s])", 45000).vector[0].value == Approx(22.5));
  CHECK(query(store, "irate(c[1m])", 45000).vector[0].value == Approx(10.0 / 15));
  CHECK(query(store, "changes(c[1m])", 45000).vector[0].value == 3);
}

TEST_CASE("instant selectors look back 5 minutes and stop at a staleness marker", "[promql][eval]") {
  storage::SeriesStore store;
  const Labels l = make_labels({{"__name__", "up"}});
  store.append(l, 0, 1);
  store.append(l, 60000, 1);
  CHECK(query(store, "up", 60000 + 299999).vector.size() == 1);
  CHECK(query(store, "up", 60000 + 300000).vector.empty());  // the window is left-open
  store.mark_stale(l, 120000);
  CHECK(query(store, "up", 119999).vector.size() == 1);
  CHECK(query(store, "up", 120000).vector.empty());
  CHECK(query(store, "count_over_time(up[5m])", 120000).vector[0].value == 2);  // markers are not samples
}

TEST_CASE("offset shifts the evaluation time back", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "g"}}, {1, 2, 3, 4}, 60000);
  CHECK(query(store, "g", 180000).vector[0].value == 4);
  CHECK(query(store, "g offset 2m", 180000).vector[0].value == 2);
  CHECK(query(store, "g @ 60", 180000).vector[0].value == 2);
}

TEST_CASE("aggregations group by and without, dropping the metric name", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}, {"job", "a"}, {"i", "1"}}, {1});
  add_series(store, {{"__name__", "x"}, {"job", "a"}, {"i", "2"}}, {3});
  add_series(store, {{"__name__", "x"}, {"job", "b"}, {"i", "1"}}, {10});
  auto by = query(store, "sum by (job) (x)", 0);
  CHECK(by.vector.size() == 2);
  CHECK(value_of(by, make_labels({{"job", "a"}})) == 4);
  auto without = query(store, "avg without (job) (x)", 0);
  CHECK(value_of(without, make_labels({{"i", "1"}})) == 5.5);
  CHECK(value_of(query(store, "count(x)", 0), {}) == 3);
  CHECK(value_of(query(store, "max(x)", 0), {}) == 10);
  CHECK(value_of(query(store, "quantile(0.5, x)", 0), {}) == 3);
  auto top = query(store, "topk(2, x)", 0);
  REQUIRE(top.vector.size() == 2);
  CHECK(top.vector[0].value == 10);  // sorted, names kept
  CHECK(label_value(top.vector[0].labels, "__name__") == "x");
  auto cv = query(store, "count_values(\"v\", x)", 0);
  CHECK(value_of(cv, make_labels({{"v", "10"}})) == 1);
}

TEST_CASE("range queries return one series per label set with a point per step", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "g"}, {"a", "1"}}, {1, 2, 3}, 60000);
  auto v = Engine().range_query(*parse("g * 2"), store, 0, 120000, 60000);
  REQUIRE(v.type == ValueType::matrix);
  REQUIRE(v.matrix.size() == 1);
  CHECK(v.matrix[0].labels == make_labels({{"a", "1"}}));
  REQUIRE(v.matrix[0].points.size() == 3);
  CHECK(v.matrix[0].points[2].v == 6);
  auto s = Engine().range_query(*parse("time()"), store, 0, 120000, 60000);
  REQUIRE(s.matrix.size() == 1);
  CHECK(s.matrix[0].points[1].v == 60);
}

TEST_CASE("series that collide once the name is dropped are an evaluation error", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "a"}, {"x", "1"}}, {1});
  add_series(store, {{"__name__", "b"}, {"x", "1"}}, {2});
  CHECK_THROWS_WITH(query(store, "abs({x=\"1\"})", 0), "vector cannot contain metrics with the same labelset");
  // The collision is at abs(), before label_replace could tell the series apart (promtool 2.42's answer).
  CHECK_THROWS_WITH(query(store, "label_replace(abs({x=\"1\"}), \"n\", \"$1\", \"__name__\", \"(.*)\")", 0),
                    "vector cannot contain metrics with the same labelset");
}

TEST_CASE("functions and arithmetic drop the metric name at once, as promtool does", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "m"}, {"a", "x"}}, {6});
  add_series(store, {{"__name__", "n"}, {"a", "x"}}, {5});
  // promtool 2.42: {a="x"} 6 (label_join sees no name any more).
  auto joined = query(store, "label_join(abs(m), \"dst\", \"\", \"__name__\")", 0);
  REQUIRE(joined.vector.size() == 1);
  CHECK(joined.vector[0].labels == make_labels({{"a", "x"}}));
  // promtool 2.42: "vector cannot contain metrics with the same labelset".
  CHECK_THROWS_WITH(query(store, "sum(abs({__name__=~\"m|n\"}))", 0),
                    "vector cannot contain metrics with the same labelset");
  // promtool 2.42: {__name__="n", a="x"} 30: group_left copies the name from the one side.
  auto grouped = query(store, "abs(m) * on(a) group_left(__name__) n", 0);
  REQUIRE(grouped.vector.size() == 1);
  CHECK(grouped.vector[0].labels == make_labels({{"__name__", "n"}, {"a", "x"}}));
  CHECK(grouped.vector[0].value == 30);
}

TEST_CASE("with delayed name removal label_replace still reads the name a function will drop", "[promql][eval]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "a"}, {"x", "1"}}, {1});
  add_series(store, {{"__name__", "b"}, {"x", "1"}}, {2});
  const Engine delayed(EngineOptions{.delayed_name_removal = true});
  CHECK_THROWS_WITH(delayed.instant_query(*parse("abs({x=\"1\"})"), store, 0),
                    "vector cannot contain metrics with the same labelset");
  auto v = delayed.instant_query(*parse("label_replace(abs({x=\"1\"}), \"n\", \"$1\", \"__name__\", \"(.*)\")"), store, 0);
  REQUIRE(v.vector.size() == 2);
  CHECK(v.vector[0].labels == make_labels({{"n", "a"}, {"x", "1"}}));
}

TEST_CASE("an @-pinned subquery gives the same answer at every step of a range query", "[promql][eval]") {
  storage::SeriesStore store;
  std::vector<double> values;
  for (int i = 0; i < 80; ++i) values.push_back(10.0 * i);
  add_series(store, {{"__name__", "c_total"}}, values, 15000);
  const auto v = Engine().range_query(*parse("max_over_time(rate(c_total[2m])[10m:15s] @ 900)"), store, 600000,
                                      1200000, 60000);
  REQUIRE(v.matrix.size() == 1);
  REQUIRE(v.matrix[0].points.size() == 11);
  for (const auto& p : v.matrix[0].points) CHECK(p.v == Approx(10.0 / 15.0));
}
