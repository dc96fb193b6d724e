#include <catch2/catch.hpp>

#include "eval_fixture.h"

using namespace twikit;
using namespace twikit::promql;
using namespace twikit::promql::testing;

namespace {
void load(storage::SeriesStore& store) {
  add_series(store, {{"__name__", "errors"}, {"job", "api"}, {"code", "500"}}, {5});
  add_series(store, {{"__name__", "errors"}, {"job", "api"}, {"code", "503"}}, {1});
  add_series(store, {{"__name__", "errors"}, {"job", "web"}, {"code", "500"}}, {2});
  add_series(store, {{"__name__", "requests"}, {"job", "api"}}, {100});
  add_series(store, {{"__name__", "requests"}, {"job", "web"}}, {50});
  add_series(store, {{"__name__", "info"}, {"job", "api"}, {"team", "core"}}, {1});
}
}  // namespace

TEST_CASE("comparisons filter and keep the name; bool returns 0/1 without it", "[promql][binary]") {
  storage::SeriesStore store;
  load(store);
  auto f = query(store, "requests > 60", 0);
  REQUIRE(f.vector.size() == 1);
  CHECK(f.vector[0].labels == make_labels({{"__name__", "requests"}, {"job", "api"}}));
  auto b = query(store, "requests > bool 60", 0);
  CHECK(b.vector.size() == 2);
  CHECK(value_of(b, make_labels({{"job", "web"}})) == 0);
  CHECK(query(store, "60 < requests", 0).vector[0].value == 100);  // the vector's value, even on the right
}

TEST_CASE("one-to-one matching with on and ignoring", "[promql][binary]") {
  storage::SeriesStore store;
  load(store);
  auto r = query(store, "sum by (job) (errors) / on(job) requests", 0);
  CHECK(value_of(r, make_labels({{"job", "api"}})) == Approx(0.06));
  CHECK(value_of(r, make_labels({{"job", "web"}})) == Approx(0.04));
  auto ig = query(store, "errors{code=\"500\"} / ignoring(code) requests", 0);
  CHECK(ig.vector.size() == 2);
}

TEST_CASE("many-to-one needs group_left, which copies the listed labels", "[promql][binary]") {
  storage::SeriesStore store;
  load(store);
  CHECK_THROWS_WITH(query(store, "errors / on(job) requests", 0),
                    "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
  auto g = query(store, "errors / on(job) group_left requests", 0);
  CHECK(g.vector.size() == 3);
  auto t = query(store, "requests * on(job) group_left(team) info", 0);
  REQUIRE(t.vector.size() == 1);
  CHECK(t.vector[0].labels == make_labels({{"job", "api"}, {"team", "core"}}));
  CHECK(query(store, "requests / on(job) group_right errors", 0).vector.size() == 3);
  CHECK_THROWS_WITH(query(store, "errors / on(job) group_right requests", 0),
                    Catch::Contains("many-to-many matching not allowed"));
}

TEST_CASE("duplicate series on the one side are a many-to-many error", "[promql][binary]") {
  storage::SeriesStore store;
  load(store);
  CHECK_THROWS_WITH(query(store, "requests + on(job) errors", 0),
                    Catch::StartsWith("found duplicate series for the match group {job=\"api\"} on the right hand-side"));
}

TEST_CASE("set operators match on all labels but the name by default", "[promql][binary]") {
  storage::SeriesStore store;
  load(store);
  CHECK(query(store, "requests and on(job) errors", 0).vector.size() == 2);
  CHECK(query(store, "requests unless on(job) info", 0).vector.size() == 1);
  CHECK(query(store, "requests or errors", 0).vector.size() == 5);
  CHECK(query(store, "errors{job=\"web\"} or on(job) requests", 0).vector.size() == 2);
}

TEST_CASE("scalar arithmetic follows IEEE and Prometheus' precedence", "[promql][binary]") {
  storage::SeriesStore store;
  CHECK(query(store, "2 ^ 3 ^ 2", 0).scalar == 512);
  CHECK(query(store, "-2 ^ 2", 0).scalar == -4);
  CHECK(query(store, "7 % 4 * 2", 0).scalar == 6);
  CHECK(std::isnan(query(store, "0 / 0", 0).scalar));
  CHECK(query(store, "1 == bool 1", 0).scalar == 1);
}
