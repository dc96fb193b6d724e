#pragma once
// The PromQL abstract syntax tree; every node knows its source span and its static value type.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alertd/promql/value.h"
#include "alertd/storage/label_matcher.h"

namespace twikit::promql {

/// A half-open byte range [start, end) of the query text.
struct PosRange {
  std::uint32_t start = 0;  ///< Offset of the first byte.
  std::uint32_t end = 0;    ///< Offset one past the last byte.
};

/// Node kinds, for switch-based dispatch over Expr.
enum class ExprKind {
  number_literal,
  string_literal,
  vector_selector,
  matrix_selector,
  subquery,
  paren,
  unary,
  binary,
  call,
  aggregate,
};

/// Base of every AST node. Nodes are immutable after parsing and may be evaluated concurrently.
struct Expr {
  /// Builds a node of kind `k` spanning `p`.
  Expr(ExprKind k, PosRange p) : kind(k), pos(p) {}
  virtual ~Expr() = default;
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
  /// The static type of the value this node evaluates to.
  ValueType type() const;
  /// Renders the node back to PromQL text (normalised spacing), for logs and rule files.
  std::string to_string() const;

  ExprKind kind;  ///< Which subclass this is.
  PosRange pos;   ///< Where the node was written.
  /// Levels in the subtree rooted here (1 for a leaf). The parser keeps it at most kMaxExprDepth, which
  /// bounds the recursion of every walker (evaluator, to_string, type, destruction).
  std::uint32_t height = 1;
};

/// The deepest expression tree the parser accepts: nested parentheses, calls, aggregations, unary
/// operators and operands of binary operators each add a level (a chain `a + b + c` is 3 levels deep).
/// A level costs the parser up to ~1.5 KB of stack and the evaluator ~1.2 KB (16 KB and 8 KB with ASan), so
/// 256 levels fit a 512 KB stack in release builds and the 8 MB default thread stack in sanitizer builds.
inline constexpr std::uint32_t kMaxExprDepth = 256;

/// Owning pointer to a node.
using ExprPtr = std::unique_ptr<Expr>;

/// A number literal such as `1`, `0x1f`, `1e3`, `Inf`, `NaN` or a duration written as a number.
struct NumberLiteral final : Expr {
  /// Builds the literal `v`.
  NumberLiteral(PosRange p, double v) : Expr(ExprKind::number_literal, p), value(v) {}
  double value;  ///< The number.
};

/// A string literal (quotes removed, escapes resolved).
struct StringLiteral final : Expr {
  /// Builds the literal `v`.
  StringLiteral(PosRange p, std::string v) : Expr(ExprKind::string_literal, p), value(std::move(v)) {}
  std::string value;  ///< The string.
};

/// Where an `@` modifier points.
enum class AtKind { none, timestamp, start, end };

/// `name{matchers} offset d @ t` — an instant vector selector.
struct VectorSelector final : Expr {
  /// Builds an empty selector; the parser fills the members.
  explicit VectorSelector(PosRange p) : Expr(ExprKind::vector_selector, p) {}
  std::string name;                                ///< Metric name as written (may be empty).
  std::vector<storage::LabelMatcher> matchers;     ///< All matchers, including the name's.
  std::int64_t offset_ms = 0;                      ///< `offset` (negative allowed).
  AtKind at = AtKind::none;                        ///< Kind of `@` modifier.
  TimestampMs at_ms = 0;                           ///< The `@` timestamp when at == timestamp.
};

/// `selector[range]` — a range vector selector; `vs` is always a VectorSelector.
struct MatrixSelector final : Expr {
  /// Wraps `v` with range `r` milliseconds.
  MatrixSelector(PosRange p, ExprPtr v, std::int64_t r)
      : Expr(ExprKind::matrix_selector, p), vs(std::move(v)), range_ms(r) {}
  /// The wrapped selector.
  const VectorSelector& selector() const { return static_cast<const VectorSelector&>(*vs); }
  ExprPtr vs;             ///< The vector selector.
  std::int64_t range_ms;  ///< The range.
};

/// `expr[range:step] offset d @ t` — a subquery.
struct SubqueryExpr final : Expr {
  /// Builds a subquery over `e`.
  SubqueryExpr(PosRange p, ExprPtr e) : Expr(ExprKind::subquery, p), expr(std::move(e)) {}
  ExprPtr expr;                 ///< The inner (instant vector) expression.
  std::int64_t range_ms = 0;    ///< The range.
  std::int64_t step_ms = 0;     ///< The resolution; 0 means the engine default.
  std::int64_t offset_ms = 0;   ///< `offset`.
  AtKind at = AtKind::none;     ///< Kind of `@` modifier.
  TimestampMs at_ms = 0;        ///< The `@` timestamp when at == timestamp.
};

/// `( expr )`.
struct ParenExpr final : Expr {
  /// Wraps `e`.
  ParenExpr(PosRange p, ExprPtr e) : Expr(ExprKind::paren, p), expr(std::move(e)) {}
  ExprPtr expr;  ///< The inner expression.
};

/// `-expr` or `+expr`.
struct UnaryExpr final : Expr {
  /// Builds `op e` where op is '-' or '+'.
  UnaryExpr(PosRange p, char o, ExprPtr e) : Expr(ExprKind::unary, p), op(o), expr(std::move(e)) {}
  char op;       ///< '-' or '+'.
  ExprPtr expr;  ///< The operand.
};

/// Binary operators, lowest precedence first within each group.
enum class BinOp { lor, land, lunless, eql, neq, gtr, lss, gte, lte, add, sub, mul, div, mod, atan2, pow };

/// The PromQL spelling of `op` ("+", "and", ...).
const char* binop_name(BinOp op);
/// Whether `op` is a comparison (== != > < >= <=).
bool is_comparison(BinOp op);
/// Whether `op` is a set operator (and or unless).
bool is_set_operator(BinOp op);

/// Matching cardinality of a vector/vector operation.
enum class Cardinality { one_to_one, many_to_one, one_to_many, many_to_many };

/// `on(...)`/`ignoring(...)` and `group_left(...)`/`group_right(...)` of a binary expression.
struct VectorMatching {
  Cardinality card = Cardinality::one_to_one;  ///< many_to_many for set operators.
  bool on = false;                             ///< on(...) rather than ignoring(...).
  std::vector<std::string> labels;             ///< The on/ignoring label list.
  std::vector<std::string> include;            ///< Extra labels of group_left/group_right.
};

/// `lhs op [bool] [on|ignoring (...)] [group_x (...)] rhs`.
struct BinaryExpr final : Expr {
  /// Builds the node; the parser fills matching and flags.
  BinaryExpr(PosRange p, BinOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::binary, p), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  BinOp op;                 ///< The operator.
  ExprPtr lhs;              ///< Left operand.
  ExprPtr rhs;              ///< Right operand.
  bool return_bool = false; ///< The `bool` modifier of comparisons.
  VectorMatching matching;  ///< Only meaningful when both sides are vectors.
};

struct FunctionInfo;  // functions.h

/// A function call `name(args...)`.
struct CallExpr final : Expr {
  /// Builds a call of `f`.
  CallExpr(PosRange p, const FunctionInfo* f) : Expr(ExprKind::call, p), func(f) {}
  const FunctionInfo* func;   ///< The called function (never null).
  std::vector<ExprPtr> args;  ///< Arguments in order.
};

/// Aggregation operators.
enum class AggOp { sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile, count_values,
                   limitk, limit_ratio };

/// `op [by|without (...)] ([param,] expr)`.
struct AggregateExpr final : Expr {
  /// Builds the node; the parser fills the members.
  AggregateExpr(PosRange p, AggOp o) : Expr(ExprKind::aggregate, p), op(o) {}
  AggOp op;                           ///< The operator.
  ExprPtr expr;                       ///< The aggregated vector expression.
  ExprPtr param;                      ///< k, φ or the label name; null when the operator takes none.
  std::vector<std::string> grouping;  ///< The by/without labels.
  bool without = false;               ///< `without` rather than `by`.
};

/// The PromQL spelling of an aggregation operator ("sum", "count_values", ...).
const char* aggop_name(AggOp op);

}  // namespace twikit::promql
