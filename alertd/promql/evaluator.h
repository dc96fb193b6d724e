#pragma once
// Internal evaluator state shared by the evaluation files (not part of the public API).

#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "alertd/promql/ast.h"
#include "alertd/promql/engine.h"
#include "alertd/storage/series_store.h"

namespace twikit::promql {

/// An instant-vector element during evaluation; `drop_name` delays `__name__` removal to the end.
struct ESample {
  Labels labels;          ///< Label set (may still hold `__name__` to be dropped later).
  double v = 0;           ///< Value.
  TimestampMs t = 0;      ///< Sample time for selector output (used by timestamp()), else eval time.
  bool drop_name = false; ///< Whether `__name__` is to be removed from the final result.
};

/// An instant vector during evaluation.
using EVector = std::vector<ESample>;

/// A range-vector series during evaluation.
struct ESeries {
  Labels labels;                        ///< Label set.
  std::vector<storage::Sample> points;  ///< Ascending; no staleness markers.
  bool drop_name = false;               ///< As in ESample.
};

/// A range vector during evaluation.
using EMatrix = std::vector<ESeries>;

/// A value during evaluation.
struct EValue {
  ValueType type = ValueType::none;  ///< Which member is meaningful.
  double scalar = 0;                 ///< Scalar value.
  std::string str;                   ///< String value.
  EVector vec;                       ///< Instant vector.
  EMatrix mat;                       ///< Range vector.
  /// A scalar value.
  static EValue of_scalar(double v) {
    EValue r;
    r.type = ValueType::scalar;
    r.scalar = v;
    return r;
  }
  /// An instant vector value.
  static EValue of_vector(EVector v) {
    EValue r;
    r.type = ValueType::vector;
    r.vec = std::move(v);
    return r;
  }
};

/// Evaluates expressions at single instants; a range query calls it once per step.
class Evaluator {
 public:
  /// `start`/`end` are the query's range (equal for instant queries), used by `@ start()`/`@ end()`;
  /// the timeout counts from now.
  Evaluator(const EngineOptions& opts, const storage::Queryable& store, TimestampMs start, TimestampMs end);

  /// Evaluates `e` at time `t`.
  EValue eval(const Expr& e, TimestampMs t);
  /// Evaluates a range-vector expression (matrix selector or subquery) at `t`.
  EMatrix eval_range(const Expr& e, TimestampMs t);

  /// The engine options.
  const EngineOptions& options() const { return opts_; }
  /// Whether this is a range query (start < end).
  bool is_range_query() const { return start_ != end_; }
  /// Throws QueryTimeoutError once the query's deadline has passed.
  void check_deadline() const;
  /// Adds `n` samples to those the query holds; throws TooManySamplesError beyond the limit.
  void count_samples(std::size_t n);
  /// How many samples the query holds now.
  std::size_t samples() const { return samples_; }
  /// Sets how many samples the query holds (a step's inputs are released when it ends, its output stays).
  void set_samples(std::size_t n) { samples_ = n; }

  /// Records a warning annotation for the expression at `pos` (duplicates are kept once).
  void warn(const std::string& message, PosRange pos);
  /// The warnings recorded so far.
  const std::vector<std::string>& warnings() const { return warnings_; }

  /// Evaluates a binary operation (binary_ops.cpp).
  EValue eval_binary(const BinaryExpr& e, TimestampMs t);
  /// Evaluates an aggregation (aggregations.cpp).
  EValue eval_aggregate(const AggregateExpr& e, TimestampMs t);
  /// Evaluates a function call through the function table (evaluator.cpp).
  EValue eval_call(const CallExpr& e, TimestampMs t);

 private:
  // Drops the `__name__` a function or operator flagged, unless removal is delayed to the end, and checks
  // that the series' label sets are still distinct when a name went or `relabelled` (a function call:
  // label_replace and label_join change labels).
  EValue finish_node(EValue v, bool relabelled) const;
  EVector eval_selector(const VectorSelector& vs, TimestampMs t);
  EMatrix eval_matrix_selector(const MatrixSelector& ms, TimestampMs t);
  EMatrix eval_subquery(const SubqueryExpr& sq, TimestampMs t);
  TimestampMs resolve_at(AtKind at, TimestampMs at_ms, TimestampMs t) const;

  const EngineOptions& opts_;
  const storage::Queryable& store_;
  TimestampMs start_;
  TimestampMs end_;
  const Clock& clock_;
  std::int64_t deadline_ns_;  // monotonic; INT64_MAX without a timeout
  std::size_t samples_ = 0;   // held now, against EngineOptions::max_samples
  std::vector<std::string> warnings_;
  // Results of `@`-pinned subqueries and range selectors: they do not depend on the evaluation time, so
  // each is computed once per query, as Prometheus evaluates step-invariant expressions once.
  std::unordered_map<const Expr*, EMatrix> pinned_;
};

/// `a - b`, saturating at the int64 limits (offsets and `@` times may be anything the parser accepts).
inline TimestampMs sat_sub(TimestampMs a, std::int64_t b) {
  TimestampMs r = 0;
  if (__builtin_sub_overflow(a, b, &r)) return b > 0 ? INT64_MIN : INT64_MAX;
  return r;
}

/// Removes `__name__` from a label set (no-op without one).
void drop_metric_name(Labels& labels);

/// Throws EvalError when two samples share a label set.
void check_unique_labelsets(const EVector& v);

/// Returns the φ-quantile of `values` (sorted in place) with Prometheus' interpolation.
double quantile_of(double q, std::vector<double>& values);

/// Kahan-Neumaier compensated addition: adds `inc` to `sum`, keeping the compensation in `c`.
inline void kahan_add(double inc, double& sum, double& c) {
  const double t = sum + inc;
  if (std::isinf(t)) {
    c = 0;
  } else if (std::fabs(sum) >= std::fabs(inc)) {
    c += (sum - t) + inc;
  } else {
    c += (inc - t) + sum;
  }
  sum = t;
}
}  // namespace twikit::promql
