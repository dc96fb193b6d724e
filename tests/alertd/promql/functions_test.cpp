#include <catch2/catch.hpp>

#include "eval_fixture.h"

using namespace twikit;
using namespace twikit::promql;
using namespace twikit::promql::testing;

TEST_CASE("absent returns the selector's equality labels when nothing matches", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "up"}, {"job", "a"}}, {1});
  CHECK(query(store, "absent(up)", 0).vector.empty());
  auto a = query(store, "absent(up{job=\"b\", env=~\"p.*\"})", 0);
  REQUIRE(a.vector.size() == 1);
  CHECK(a.vector[0].labels == make_labels({{"job", "b"}}));
  CHECK(query(store, "absent_over_time(nope[5m])", 0).vector.size() == 1);
}

TEST_CASE("label_replace and label_join rewrite labels", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "up"}, {"instance", "host:9100"}}, {1});
  auto r = query(store, "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", 0);
  CHECK(label_value(r.vector[0].labels, "host") == "host");
  auto j = query(store, "label_join(up, \"x\", \"-\", \"__name__\", \"instance\")", 0);
  CHECK(label_value(j.vector[0].labels, "x") == "up-host:9100");
}

TEST_CASE("over_time functions and clamp/round work per series", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "g"}}, {1, 5, 3, 7}, 15000);
  CHECK(value_of(query(store, "avg_over_time(g[1m])", 45000), {}) == 4);
  CHECK(value_of(query(store, "max_over_time(g[1m])", 45000), {}) == 7);
  CHECK(value_of(query(store, "min_over_time(g[30s])", 45000), {}) == 3);
  CHECK(value_of(query(store, "quantile_over_time(0.5, g[1m])", 45000), {}) == 4);
  CHECK(value_of(query(store, "last_over_time(g[1m])", 45000), make_labels({{"__name__", "g"}})) == 7);
  CHECK(value_of(query(store, "clamp(g, 0, 5)", 45000), {}) == 5);
  CHECK(value_of(query(store, "round(g / 2)", 45000), {}) == 4);
  CHECK(value_of(query(store, "deriv(g[1m])", 45000), {}) == Approx(120.0 / 1125.0));
  CHECK(value_of(query(store, "predict_linear(g[1m], 60)", 45000), {}) == Approx(4 + 22.5 * 120.0 / 1125.0 + 60 * 120.0 / 1125.0));
}

TEST_CASE("histogram_quantile interpolates within classic buckets", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "h_bucket"}, {"le", "0.1"}}, {50});
  add_series(store, {{"__name__", "h_bucket"}, {"le", "0.5"}}, {90});
  add_series(store, {{"__name__", "h_bucket"}, {"le", "+Inf"}}, {100});
  CHECK(value_of(query(store, "histogram_quantile(0.5, h_bucket)", 0), {}) == Approx(0.1));
  CHECK(value_of(query(store, "histogram_quantile(0.7, h_bucket)", 0), {}) == Approx(0.3));
  CHECK(value_of(query(store, "histogram_quantile(0.99, h_bucket)", 0), {}) == Approx(0.5));
}

TEST_CASE("scalar, vector, time and sort", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "g"}, {"a", "1"}}, {3});
  add_series(store, {{"__name__", "g"}, {"a", "2"}}, {1});
  CHECK(std::isnan(query(store, "scalar(g)", 0).scalar));
  CHECK(query(store, "scalar(g{a=\"1\"})", 0).scalar == 3);
  CHECK(query(store, "vector(time())", 90000).vector[0].value == 90);
  auto s = query(store, "sort(g)", 0);
  CHECK(s.vector[0].value == 1);
  CHECK(query(store, "sort_desc(g)", 0).vector[0].value == 3);
  CHECK(query(store, "timestamp(g)", 30000).vector[0].value == 0);
}

TEST_CASE("out-of-range quantiles and sorting in range queries produce warnings", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "g"}}, {1, 2}, 60000);
  auto q = query(store, "quantile(2, g)", 60000);
  REQUIRE(q.warnings.size() == 1);
  CHECK(q.warnings[0] == "PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)");
  CHECK(query(store, "quantile(0.5, g)", 60000).warnings.empty());
  auto r = Engine().range_query(*parse("sum(sort(g))"), store, 0, 60000, 60000);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:5)");
}

TEST_CASE("absent takes each label's first equality matcher and drops a label matched otherwise", "[promql][functions]") {
  storage::SeriesStore store;
  // promtool 2.42's answers.
  auto empty_value = query(store, "absent(x{job=\"\"})", 0);
  REQUIRE(empty_value.vector.size() == 1);
  CHECK(empty_value.vector[0].labels.empty());
  auto regex_first = query(store, "absent(x{job=~\"a\",job=\"b\"})", 0);
  REQUIRE(regex_first.vector.size() == 1);
  CHECK(regex_first.vector[0].labels == make_labels({{"job", "b"}}));
  auto twice = query(store, "absent(x{a=\"b\",a=\"c\"})", 0);
  REQUIRE(twice.vector.size() == 1);
  CHECK(twice.vector[0].labels.empty());
}

TEST_CASE("date functions convert NaN, Inf and huge values as Prometheus on amd64 does", "[promql][functions]") {
  storage::SeriesStore store;
  // promtool 2.42's answers: int64(NaN) is math.MinInt64 there.
  CHECK(query(store, "hour(vector(NaN))", 0).vector.at(0).value == 15);
  CHECK(query(store, "hour(vector(Inf))", 0).vector.at(0).value == 15);
  CHECK(query(store, "month(vector(NaN))", 0).vector.at(0).value == 12);
  CHECK(query(store, "year(vector(1e15))", 0).vector.at(0).value == 31690708);
  CHECK(query(store, "year(vector(-1e15))", 0).vector.at(0).value == -31686769);
  CHECK(query(store, "day_of_week(vector(-1))", 0).vector.at(0).value == 3);
}

TEST_CASE("count_values puts the value label on before grouping", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "m"}, {"a", "x"}}, {6});
  add_series(store, {{"__name__", "m"}, {"a", "y"}}, {60});
  // promtool 2.42: without (v) removes the value label again; without (a) keeps it.
  auto without_v = query(store, "count_values without (v) (\"v\", m)", 0);
  REQUIRE(without_v.vector.size() == 2);
  CHECK(value_of(without_v, make_labels({{"a", "x"}})) == 1);
  auto without_a = query(store, "count_values without (a) (\"v\", m)", 0);
  CHECK(value_of(without_a, make_labels({{"v", "6"}})) == 1);
  CHECK(value_of(without_a, make_labels({{"v", "60"}})) == 1);
  add_series(store, {{"__name__", "big"}}, {1e20});
  auto big = query(store, "count_values(\"v\", big)", 0);
  CHECK(value_of(big, make_labels({{"v", "100000000000000000000"}})) == 1);
  // Go's FormatFloat(v, 'f', -1, 64): the shortest digits, then zeros (not the exact binary expansion).
  add_series(store, {{"__name__", "odd"}}, {3.4934271057485095e19});
  CHECK(value_of(query(store, "count_values(\"v\", odd)", 0), make_labels({{"v", "34934271057485095000"}})) == 1);
  add_series(store, {{"__name__", "small"}}, {-0.000125});
  CHECK(value_of(query(store, "count_values(\"v\", small)", 0), make_labels({{"v", "-0.000125"}})) == 1);
}

TEST_CASE("topk refuses a k that int64 cannot hold", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "m"}}, {1});
  CHECK_THROWS_WITH(query(store, "topk(Inf, m)", 0), "Scalar value +Inf overflows int64");
}

TEST_CASE("a binary operation with an empty side is empty even when the other side has duplicates", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "m"}, {"a", "x"}}, {1});
  add_series(store, {{"__name__", "m"}, {"a", "y"}}, {2});
  CHECK(query(store, "nothing * on() group_left m", 0).vector.empty());
  CHECK(query(store, "m * on() nothing", 0).vector.empty());
}

TEST_CASE("histogram_quantile reads le as Go's ParseFloat, hexadecimal floats included", "[promql][functions]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "h_bucket"}, {"le", "0x1p-1"}}, {5});
  add_series(store, {{"__name__", "h_bucket"}, {"le", "+Inf"}}, {10});
  // promtool 2.42: 0.5 (the 0x1p-1 bucket's upper bound).
  CHECK(query(store, "histogram_quantile(0.5, h_bucket)", 0).vector.at(0).value == 0.5);
}
