// Hostile input: expressions nested beyond the depth limit, out-of-range times, the sample limit and the
// query timeout. Each case used to crash, hang or overflow before the limits existed.

#include <catch2/catch.hpp>

#include <string>

#include "alertd/promql/engine.h"
#include "alertd/promql/parser.h"
#include "eval_fixture.h"

using namespace twikit;
using namespace twikit::promql;
using twikit::promql::testing::add_series;

namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// `n` copies of `term` joined by `op`.
std::string chain(const std::string& term, const std::string& op, std::size_t n) {
  return term + repeat(op + term, n - 1);
}

std::string parse_error(const std::string& q) {
  try {
    parse(q);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}

const std::string kTooDeep = "parse error: expression nesting depth exceeds the maximum of 256";

}  // namespace

TEST_CASE("10,000 nested parentheses are a parse error at the 257th", "[promql][limits]") {
  CHECK(parse_error(repeat("(", 10000) + "1" + repeat(")", 10000)) == "1:257: " + kTooDeep);
}

TEST_CASE("6,500 nested calls are a parse error at the argument 257 levels down", "[promql][limits]") {
  CHECK(parse_error(repeat("abs(", 6500) + "x" + repeat(")", 6500)) == "1:1025: " + kTooDeep);
}

TEST_CASE("an 8,000-term ^ chain is a parse error at its 257th operand", "[promql][limits]") {
  CHECK(parse_error(chain("x", "^", 8000)) == "1:513: " + kTooDeep);
}

TEST_CASE("a 20,000-term + chain is a parse error at the operator that makes it 257 levels deep", "[promql][limits]") {
  CHECK(parse_error(chain("x", "+", 20000)) == "1:512: " + kTooDeep);
}

TEST_CASE("10,000 unary minus signs are a parse error", "[promql][limits]") {
  CHECK(parse_error(repeat("-", 10000) + "x") == "1:257: " + kTooDeep);
}

TEST_CASE("nested aggregations and subqueries count towards the depth", "[promql][limits]") {
  CHECK(parse_error(repeat("sum(", 2000) + "x" + repeat(")", 2000)) == "1:1025: " + kTooDeep);
  CHECK(parse_error(repeat("max_over_time(", 600) + "x" + repeat("[5m:])", 600)).ends_with(kTooDeep));
}

TEST_CASE("the depth error reports its line and column", "[promql][limits]") {
  CHECK(parse_error("sum(\n  " + repeat("(", 1200) + "x" + repeat(")", 1200) + ")") == "2:258: " + kTooDeep);
}

TEST_CASE("expressions exactly at the depth limit parse, print and evaluate", "[promql][limits]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}}, {2});
  // Each shape is 256 levels deep (the ^ chain 255): the most the parser accepts.
  const std::string parens = repeat("(", 255) + "x" + repeat(")", 255);
  const std::string calls = repeat("abs(", 255) + "x" + repeat(")", 255);
  const std::string pow = chain("x", " ^ ", 255);  // 255 operands: x ^ (x ^ (... ^ x))
  const std::string sum = chain("x", " + ", 256);
  const std::string neg = repeat("-", 255) + "x";
  CHECK(parse(parens)->height == 256);
  CHECK(parse(calls)->height == 256);
  CHECK(parse(pow)->height == 255);
  CHECK(parse(sum)->height == 256);
  CHECK(parse(neg)->height == 256);
  CHECK(parse_error(chain("x", " + ", 257)) == "1:1023: " + kTooDeep);
  CHECK(parse_error(repeat("(", 256) + "x" + repeat(")", 256)) == "1:257: " + kTooDeep);

  CHECK(parse(sum)->to_string() == sum);
  CHECK(parse(parens)->to_string() == parens);
  const Engine engine;
  CHECK(engine.instant_query(*parse(parens), store, 0).vector.at(0).value == 2);
  CHECK(engine.instant_query(*parse(calls), store, 0).vector.at(0).value == 2);
  CHECK(engine.instant_query(*parse(sum), store, 0).vector.at(0).value == 512);
  CHECK(engine.instant_query(*parse(neg), store, 0).vector.at(0).value == -2);
  CHECK(std::isinf(engine.instant_query(*parse(pow), store, 0).vector.at(0).value));
}

TEST_CASE("@ timestamps outside int64 milliseconds are a parse error, as Prometheus words it", "[promql][limits]") {
  CHECK(parse_error("foo @ 1e300") == std::string("1:1: parse error: timestamp out of bounds for @ modifier: 1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000"));
  CHECK(parse_error("foo @ Inf") == "1:1: parse error: timestamp out of bounds for @ modifier: +Inf");
  CHECK(parse_error("foo @ -Inf") == "1:1: parse error: timestamp out of bounds for @ modifier: -Inf");
  CHECK(parse_error("foo @ NaN") == "1:1: parse error: timestamp out of bounds for @ modifier: NaN");
  CHECK(parse_error("rate(foo[5m] @ -1e17)") ==
        "1:6: parse error: timestamp out of bounds for @ modifier: -100000000000000000.000000");
  CHECK(parse("foo @ 9e15")->kind == ExprKind::vector_selector);
}

TEST_CASE("durations and hex numbers beyond int64 are parse errors, not exceptions", "[promql][limits]") {
  CHECK(parse_error("foo[99999999999999999999s]") == "1:5: parse error: invalid duration \"99999999999999999999s\"");
  CHECK(parse_error("foo[300000000y]") == "1:5: parse error: invalid duration \"300000000y\"");
  CHECK(parse_error("foo offset 106752d") == "no error");
  CHECK(parse_error("0xffffffffffffffffff") ==
        "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"0xffffffffffffffffff\": invalid syntax");
}

TEST_CASE("extreme offsets and @ times evaluate without overflow", "[promql][limits]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}}, {1, 2, 3});
  const Engine engine;
  CHECK(engine.instant_query(*parse("x offset 290y"), store, -9'000'000'000'000'000'000).vector.empty());
  CHECK(engine.instant_query(*parse("x offset -292000000y @ 9000000000000000"), store, 0).vector.empty());
  CHECK(engine.instant_query(*parse("x offset 292000000y @ -9000000000000000"), store, 0).vector.empty());
  // The window (0, 292000000y] holds all three samples.
  CHECK(engine.instant_query(*parse("rate(x[292000000y] offset -292000000y)"), store, 0).vector.size() == 1);
  CHECK(engine.instant_query(*parse("count_over_time(x[1h:1m] offset 292000000y @ -9000000000000000)"), store, 0)
            .vector.empty());
  CHECK_THROWS_WITH(
      engine.instant_query(*parse("count_over_time(x[292000000y:1h] @ -9000000000000000)"), store, 0),
      "subquery would evaluate more than 1,000,000 steps");
}

TEST_CASE("a range query over the whole int64 range is refused, not overflowed", "[promql][limits]") {
  storage::SeriesStore store;
  const Engine engine;
  const auto e = parse("1");
  CHECK_THROWS_WITH(engine.range_query(*e, store, -9'000'000'000'000'000'000, 9'000'000'000'000'000'000, 1000),
                    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
                    "resolution (?step=XX)");
  CHECK_THROWS_WITH(engine.range_query(*e, store, INT64_MIN, INT64_MAX, 1), Catch::Contains("11,000 points"));
  // A step that would step past INT64_MAX ends at the last point instead.
  const Value v = engine.range_query(*e, store, INT64_MAX - 10, INT64_MAX, 6);
  REQUIRE(v.matrix.size() == 1);
  REQUIRE(v.matrix[0].points.size() == 2);
  CHECK(v.matrix[0].points[1].t == INT64_MAX - 4);
}

TEST_CASE("a query holding more samples than max_samples fails with Prometheus' message", "[promql][limits]") {
  storage::SeriesStore store;
  for (int i = 0; i < 10; ++i) add_series(store, {{"__name__", "x"}, {"i", std::to_string(i)}}, {1, 2, 3, 4});
  EngineOptions opts;
  opts.max_samples = 39;
  const Engine engine(opts);
  // 10 series × 4 samples in the window.
  CHECK_THROWS_MATCHES(engine.instant_query(*parse("sum(count_over_time(x[1m]))"), store, 45000),
                       TooManySamplesError,
                       Catch::Message("query processing would load too many samples into memory in query execution"));
  opts.max_samples = 40;
  CHECK(Engine(opts).instant_query(*parse("sum(count_over_time(x[1m]))"), store, 45000).vector.at(0).value == 40);
}

TEST_CASE("a range query's limit counts one step's inputs plus the result so far", "[promql][limits]") {
  storage::SeriesStore store;
  for (int i = 0; i < 10; ++i) add_series(store, {{"__name__", "x"}, {"i", std::to_string(i)}}, {1, 2, 3, 4});
  EngineOptions opts;
  // 4 steps of 10 series: at the last step 30 result points are held and 10 samples loaded.
  opts.max_samples = 40;
  CHECK(Engine(opts).range_query(*parse("x"), store, 0, 45000, 15000).matrix.size() == 10);
  opts.max_samples = 39;
  CHECK_THROWS_AS(Engine(opts).range_query(*parse("x"), store, 0, 45000, 15000), TooManySamplesError);
}

TEST_CASE("a query past its timeout fails with Prometheus' message, read from the injected clock", "[promql][limits]") {
  storage::SeriesStore store;
  add_series(store, {{"__name__", "x"}}, {1});
  // A clock that moves 1 ms every time it is read: the deadline passes after timeout_ms readings.
  class TickingClock final : public Clock {
   public:
    TimestampMs now_ms() const override { return 0; }
    std::int64_t monotonic_ns() const override { return (ticks_++) * 1'000'000; }
    mutable std::int64_t ticks_ = 0;
  } clock;
  EngineOptions opts;
  opts.clock = &clock;
  opts.timeout_ms = 100;
  const Engine engine(opts);
  CHECK_THROWS_MATCHES(engine.range_query(*parse("x + 1"), store, 0, 1'000'000, 1000), QueryTimeoutError,
                       Catch::Message("query timed out in expression evaluation"));
  // The deadline is read before each node: 101 readings at most, whatever the query's size.
  CHECK(clock.ticks_ == 101);
  clock.ticks_ = 0;
  CHECK_THROWS_AS(engine.instant_query(*parse("count_over_time(x[1d:1s])"), store, 0), QueryTimeoutError);
  CHECK(clock.ticks_ == 101);
  opts.timeout_ms = 0;  // no limit
  CHECK(Engine(opts).range_query(*parse("x + 1"), store, 0, 1'000'000, 1000).matrix.size() == 1);
}
