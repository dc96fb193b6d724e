#include <catch2/catch.hpp>

#include "alertd/promql/parser.h"

using namespace twikit::promql;

namespace {
std::string parse_error(const std::string& q) {
  try {
    parse(q);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("operator precedence follows Prometheus: ^ is right-associative, unary minus below ^", "[promql][parser]") {
  CHECK(parse("1 + 2 * 3")->to_string() == "1 + 2 * 3");
  auto e = parse("1 + 2 * 3");
  REQUIRE(e->kind == ExprKind::binary);
  CHECK(static_cast<BinaryExpr&>(*e).op == BinOp::add);
  auto p = parse("2 ^ 3 ^ 2");
  REQUIRE(p->kind == ExprKind::binary);
  CHECK(static_cast<BinaryExpr&>(*p).rhs->kind == ExprKind::binary);  // 2 ^ (3 ^ 2)
  auto u = parse("-a ^ 2");
  CHECK(u->kind == ExprKind::unary);  // -(a ^ 2)
  auto m = parse("-a * 2");
  CHECK(m->kind == ExprKind::binary);  // (-a) * 2
  auto o = parse("a or b and c");
  CHECK(static_cast<BinaryExpr&>(*o).op == BinOp::lor);
  auto c = parse("a > b + 1");
  CHECK(static_cast<BinaryExpr&>(*c).op == BinOp::gtr);
}

TEST_CASE("selectors carry matchers, ranges, offsets and @", "[promql][parser]") {
  auto e = parse("http_requests_total{job=\"api\", code!~\"5..\"}[5m] offset -1m @ 100");
  REQUIRE(e->kind == ExprKind::matrix_selector);
  const auto& ms = static_cast<MatrixSelector&>(*e);
  CHECK(ms.range_ms == 300000);
  const auto& vs = ms.selector();
  CHECK(vs.name == "http_requests_total");
  CHECK(vs.matchers.size() == 3);
  CHECK(vs.offset_ms == -60000);
  CHECK(vs.at == AtKind::timestamp);
  CHECK(vs.at_ms == 100000);
  CHECK(static_cast<MatrixSelector&>(*parse("x[10]")).range_ms == 10000);
}

TEST_CASE("vector matching modifiers and aggregation grouping are parsed in either position", "[promql][parser]") {
  auto b = parse("a * on(job) group_left(instance) b");
  const auto& be = static_cast<BinaryExpr&>(*b);
  CHECK(be.matching.on);
  CHECK(be.matching.labels == std::vector<std::string>{"job"});
  CHECK(be.matching.card == Cardinality::many_to_one);
  CHECK(be.matching.include == std::vector<std::string>{"instance"});
  auto a1 = parse("sum by (job) (x)");
  auto a2 = parse("SUM(x) BY (job)");
  CHECK(static_cast<AggregateExpr&>(*a1).grouping == static_cast<AggregateExpr&>(*a2).grouping);
  auto t = parse("topk(3, x) without (a)");
  CHECK(static_cast<AggregateExpr&>(*t).without);
  CHECK(static_cast<AggregateExpr&>(*t).param != nullptr);
}

TEST_CASE("number literals include hex, Inf, NaN and durations", "[promql][parser]") {
  CHECK(static_cast<NumberLiteral&>(*parse("0x10")).value == 16);
  CHECK(std::isinf(static_cast<NumberLiteral&>(*parse("-Inf")).value));
  CHECK(std::isnan(static_cast<NumberLiteral&>(*parse("nan")).value));
  CHECK(static_cast<NumberLiteral&>(*parse("1m")).value == 60);
}

TEST_CASE("parse errors carry line:col positions and Prometheus-like messages", "[promql][parser]") {
  CHECK(parse_error("rate(x)") == "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector");
  CHECK(parse_error("sum(x[5m])") == "1:5: parse error: expected type instant vector in aggregation expression, got range vector");
  CHECK(parse_error("1 > 2") == "1:1: parse error: comparisons between scalars must use BOOL modifier");
  CHECK(parse_error("x[5m] + 1") == "1:1: parse error: binary expression must contain only scalar and instant vector types");
  CHECK(parse_error("a and 1") == "1:1: parse error: set operator \"and\" not allowed in binary scalar expression");
  CHECK(parse_error("{}") == "1:1: parse error: vector selector must contain at least one non-empty matcher");
  CHECK(parse_error("foo(x)") == "1:1: parse error: unknown function with name \"foo\"");
  CHECK(parse_error("up +") == "1:5: parse error: unexpected end of input");
  CHECK(parse_error("up\n  + ") == "2:5: parse error: unexpected end of input");
  CHECK(parse_error("(up)[5m]") == "1:5: parse error: ranges only allowed for vector selectors");
  CHECK(parse_error("abs(x, y)") == "1:1: parse error: expected 1 argument(s) in call to \"abs\", got 2");
}

TEST_CASE("numbers are read as Go's ParseInt then ParseFloat, as promtool reads them", "[promql][parser]") {
  // promtool 2.42's answers.
  CHECK(static_cast<NumberLiteral&>(*parse("0755")).value == 493);  // octal
  CHECK(static_cast<NumberLiteral&>(*parse("0x1F")).value == 31);
  CHECK(static_cast<NumberLiteral&>(*parse("09")).value == 9);      // not octal: a decimal float
  CHECK(static_cast<NumberLiteral&>(*parse("1e-400")).value == 0);  // underflow rounds to zero
  CHECK(parse_error("1e400") ==
        "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range");
  CHECK(parse_error("m @ 1e20") == "1:1: parse error: timestamp out of bounds for @ modifier: 100000000000000000000.000000");
}

TEST_CASE("a bad number or duration names the text promtool names", "[promql][parser]") {
  CHECK(parse_error("1a") == "1:1: parse error: bad number or duration syntax: \"1\"");
  CHECK(parse_error("1_000") == "1:1: parse error: bad number or duration syntax: \"1\"");
  CHECK(parse_error("1e5e") == "1:1: parse error: bad number or duration syntax: \"1e5\"");
  CHECK(parse_error("0x1g") == "1:1: parse error: bad number or duration syntax: \"0x1\"");
  CHECK(parse_error("5mx") == "1:1: parse error: bad number or duration syntax: \"5mx\"");
  CHECK(parse_error("5m5") == "1:1: parse error: bad number or duration syntax: \"5m5\"");
  CHECK(parse_error("1.5.3") == "1:4: parse error: unexpected number \".3\"");
}

TEST_CASE("group_left and group_right need on or ignoring before them", "[promql][parser]") {
  CHECK(parse_error("m * group_left m") == "1:5: parse error: unexpected <group_left>");
  CHECK(parse_error("m * group_right(x) m") == "1:5: parse error: unexpected <group_right>");
  CHECK_NOTHROW(parse("m * on(a) group_left m"));
}

TEST_CASE("to_string renders a parsed expression back to PromQL", "[promql][parser]") {
  CHECK(parse("sum by (job) (rate(x{a=\"b\"}[5m] offset 1m))")->to_string() ==
        "sum by (job) (rate(x{a=\"b\"}[5m] offset 1m))");
  CHECK(parse("a == bool on(x) b")->to_string() == "a == bool on(x) b");
}
