#pragma once
// The PromQL evaluator: instant and range queries over a storage::Queryable.
//
// Semantics are Prometheus 3's: instant selectors look back (t - lookback_delta, t] and stop at a
// staleness marker; range selectors cover (t - range, t] without markers; `offset`, `@` and subqueries
// are supported. Functions and arithmetic drop `__name__` as soon as they have computed (Prometheus'
// default), so label_replace/label_join after abs() no longer see it, and two series that then share a
// label set are a "vector cannot contain metrics with the same labelset" error at that node. With
// EngineOptions::delayed_name_removal (Prometheus' promql-delayed-name-removal feature, which its own test
// engine runs with) the name goes only at the end of the expression. Native histograms,
// annotations (warnings/infos), fill modifiers and duration expressions are not implemented.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "alertd/promql/ast.h"
#include "alertd/promql/value.h"
#include "alertd/storage/series_store.h"
#include "common/clock.h"

namespace twikit::promql {

/// An error raised while evaluating (many-to-many matching, duplicate label sets, bad parameters...).
class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The query ran past EngineOptions::timeout_ms; Prometheus' ErrQueryTimeout (API: 503, "timeout").
class QueryTimeoutError : public EvalError {
 public:
  /// "query timed out in expression evaluation", Prometheus' message.
  QueryTimeoutError() : EvalError("query timed out in expression evaluation") {}
};

/// The query would hold more than EngineOptions::max_samples samples; Prometheus' ErrTooManySamples
/// (API: 422, "execution").
class TooManySamplesError : public EvalError {
 public:
  /// "query processing would load too many samples into memory in query execution", Prometheus' message.
  TooManySamplesError() : EvalError("query processing would load too many samples into memory in query execution") {}
};

/// The most steps past the start a range query may have (Prometheus' API allows 11,000).
inline constexpr std::uint64_t kMaxRangeSteps = 11'000;

/// Engine settings; the defaults are Prometheus' (--query.lookback-delta, --query.max-samples, --query.timeout).
struct EngineOptions {
  std::int64_t lookback_delta_ms = 5 * 60 * 1000;     ///< How far back an instant selector looks.
  std::int64_t default_subquery_step_ms = 60 * 1000;  ///< Step of `x[5m:]` subqueries.
  /// Samples a query may hold at once before it fails with TooManySamplesError: those loaded for the step
  /// being evaluated plus the points of the result so far, as Prometheus counts them.
  std::size_t max_samples = 50'000'000;
  /// How long one query may evaluate before it fails with QueryTimeoutError; 0 = no limit. The evaluator
  /// reads the clock before every node it evaluates (so at every step of a range query or subquery) and
  /// every 256 series a selector returns.
  std::int64_t timeout_ms = 2 * 60 * 1000;
  /// The monotonic time the timeout is measured with; null = the system clock.
  const Clock* clock = nullptr;
  /// Drop `__name__` only once the whole expression is evaluated (Prometheus' experimental
  /// promql-delayed-name-removal feature), instead of at the function or operator that changes the value.
  bool delayed_name_removal = false;
};

/// Evaluates parsed expressions. Stateless apart from its options: one Engine may run queries
/// from several threads at once (each query only reads the Queryable).
class Engine {
 public:
  /// An engine with `options`.
  explicit Engine(EngineOptions options = {}) : options_(options) {}

  /// Evaluates `expr` at time `t`; throws EvalError. Vector samples carry timestamp `t`.
  Value instant_query(const Expr& expr, const storage::Queryable& store, TimestampMs t) const;

  /// Evaluates `expr` at start, start+step, ... <= end and returns a matrix sorted by label set
  /// (a scalar expression gives one series without labels); throws EvalError, also when the range has
  /// more than 11,000 steps. Any start <= end is safe (no overflow).
  Value range_query(const Expr& expr, const storage::Queryable& store, TimestampMs start,
                    TimestampMs end, std::int64_t step_ms) const;

  /// The options in use.
  const EngineOptions& options() const { return options_; }

 private:
  EngineOptions options_;
};

/// Shorthand: parse `query` and evaluate it at `t` with default options; throws ParseError/EvalError.
Value instant_query(std::string_view query, const storage::Queryable& store, TimestampMs t);

}  // namespace twikit::promql
