#pragma once
// The PromQL evaluator: instant and range queries over a storage::Queryable.
//
// Semantics are Prometheus 3's: instant selectors look back (t - lookback_delta, t] and stop at a
// staleness marker; range selectors cover (t - range, t] without markers; `offset`, `@` and subqueries
// are supported; functions and arithmetic drop `__name__` late (delayed name removal, as the upstream
// test engine runs), so label_replace/label_join still see it and two series that only differed by name
// become a "vector cannot contain metrics with the same labelset" error at the end. Native histograms,
// annotations (warnings/infos), fill modifiers and duration expressions are not implemented.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "alertd/promql/ast.h"
#include "alertd/promql/value.h"
#include "alertd/storage/series_store.h"

namespace twikit::promql {

/// An error raised while evaluating (many-to-many matching, duplicate label sets, bad parameters...).
class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Engine settings; the defaults are Prometheus'.
struct EngineOptions {
  std::int64_t lookback_delta_ms = 5 * 60 * 1000;     ///< How far back an instant selector looks.
  std::int64_t default_subquery_step_ms = 60 * 1000;  ///< Step of `x[5m:]` subqueries.
  std::size_t max_samples = 50'000'000;               ///< Samples a query may load (summed over all steps) before it fails.
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
  /// (a scalar expression gives one series without labels); throws EvalError.
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
