// Regexes a user (a query) or a scraped target (a label value) controls: before RE2 these overflowed
// the stack (std::regex recursed per character) or ran in exponential time.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "alertd/promql/engine.h"
#include "eval_fixture.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::promql;
using namespace twikit::promql::testing;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A bound generous enough for a loaded machine and a sanitizer build; the old code took seconds to
// hours on these inputs (or crashed), RE2 takes milliseconds.
double generous_seconds() { return 5.0 * twikit::testing::kTimeoutScale; }

}  // namespace

TEST_CASE("15 nested label_join to 262,144 characters then label_replace (a*) answers", "[promql][regex]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}, {"l", "aaaaaaaa"}}, {1});
  std::string q = "x";
  for (int i = 0; i < 15; ++i) q = "label_join(" + q + ",\"l\",\"\",\"l\",\"l\")";
  q = "label_replace(" + q + ",\"m\",\"$1\",\"l\",\"(a*)\")";
  CHECK(q.size() < 500);  // a short query: the was 485 bytes
  const auto start = std::chrono::steady_clock::now();
  const Value v = query(store, q, 0);
  CHECK(seconds_since(start) < generous_seconds());
  REQUIRE(v.vector.size() == 1);
  CHECK(label_value(v.vector[0].labels, "l") == std::string(262144, 'a'));
  CHECK(label_value(v.vector[0].labels, "m") == std::string(262144, 'a'));
}

TEST_CASE("a scraped label of 200,000 characters is matched by =~\"a*\"", "[promql][regex]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}, {"l", std::string(200000, 'a')}}, {1});
  add_series(store, {{"__name__", "x"}, {"l", std::string(30000, 'a') + "b"}}, {2});
  const Value v = query(store, "x{l=~\"a*\"}", 0);
  REQUIRE(v.vector.size() == 1);
  CHECK(v.vector[0].value == 1);
  const Value other = query(store, "x{l=~\"(a|b)+\", l!~\"a+\"}", 0);
  REQUIRE(other.vector.size() == 1);
  CHECK(other.vector[0].value == 2);
}

TEST_CASE("(a|aa)*b against 40 and 100,000 characters answers at once", "[promql][regex]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}, {"l", std::string(40, 'a')}}, {1});
  add_series(store, {{"__name__", "x"}, {"l", std::string(100000, 'a')}}, {2});
  add_series(store, {{"__name__", "x"}, {"l", std::string(41, 'a') + "b"}}, {3});
  const auto start = std::chrono::steady_clock::now();
  const Value v = query(store, "x{l=~\"(a|aa)*b\"}", 0);
  const Value replaced = query(store, "label_replace(x, \"m\", \"$1\", \"l\", \"(a|aa)*b\")", 0);
  // std::regex took 8.5 s at 38 characters and doubled per character.
  CHECK(seconds_since(start) < generous_seconds());
  REQUIRE(v.vector.size() == 1);
  CHECK(v.vector[0].value == 3);
  REQUIRE(replaced.vector.size() == 3);
  std::size_t with_m = 0;
  for (const auto& s : replaced.vector) {
    if (!label_value(s.labels, "m").empty()) {
      ++with_m;
      CHECK(label_value(s.labels, "m") == "a");  // the last iteration of (a|aa) over 41 a's
    }
  }
  CHECK(with_m == 1);
}

TEST_CASE("a regex RE2 rejects is a parse error naming the reason", "[promql][regex]") {
  try {
    parse("x{l=~\"(a{300}){300}|b1\"}");
    FAIL("parsed");
  } catch (const std::exception& e) {
    const std::string want = "invalid regular expression \"(a{300}){300}|b1\": invalid repetition size: `{300}`";
    CHECK(std::string(e.what()).find(want) != std::string::npos);
  }
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}}, {1});
  CHECK_THROWS_WITH(query(store, "label_replace(x, \"m\", \"$1\", \"l\", \"(a\")", 0),
                    "invalid regular expression in label_replace(): (a");
}

TEST_CASE("label_replace follows Prometheus: ^(?s:…)$, named groups, unset groups empty", "[promql][regex]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}, {"l", "line1\nline2"}}, {1});
  auto v = query(store, "label_replace(x, \"m\", \"${second}-$1\", \"l\", \"(.*)\\n(?P<second>.*)\")", 0);
  REQUIRE(v.vector.size() == 1);
  CHECK(label_value(v.vector[0].labels, "m") == "line2-line1");
  v = query(store, "label_replace(x, \"m\", \"[$2]\", \"l\", \"(line1.line2)|(zzz)\")", 0);
  CHECK(label_value(v.vector[0].labels, "m") == "[]");
  v = query(store, "label_replace(x, \"m\", \"y\", \"l\", \"line1\")", 0);  // anchored: no match
  CHECK(label_value(v.vector[0].labels, "m").empty());
}
