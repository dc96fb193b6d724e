#pragma once
// Query results: plain structs the rule engine and the test runners consume directly.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/labels.h"

namespace twikit::promql {

/// The four PromQL value types (plus `none` for an empty Value).
enum class ValueType { none, scalar, vector, matrix, string };

/// The PromQL name of a value type: "scalar", "instant vector", "range vector", "string".
const char* value_type_name(ValueType type);

/// One element of an instant vector: a series' labels, its value and the evaluation timestamp.
struct Sample {
  Labels labels;             ///< Sorted; `__name__` when the series still has a metric name.
  double value = 0;          ///< The float value.
  TimestampMs timestamp = 0; ///< Milliseconds since the epoch (the evaluation time for instant queries).
};

/// An instant vector.
using Vector = std::vector<Sample>;

/// One (timestamp, value) point of a range vector.
struct Point {
  TimestampMs t = 0;  ///< Milliseconds since the epoch.
  double v = 0;       ///< The float value.
};

/// One series of a range vector (or of a range query's result), points ascending by time.
struct Series {
  Labels labels;              ///< Sorted label set.
  std::vector<Point> points;  ///< Ascending by timestamp.
};

/// A range vector, or the result of a range query; series sorted by label set.
using Matrix = std::vector<Series>;

/// A query result: exactly one member is meaningful, chosen by `type`.
struct Value {
  ValueType type = ValueType::none;  ///< Which member holds the result.
  double scalar = 0;                 ///< Set when type == scalar.
  TimestampMs timestamp = 0;         ///< Evaluation time of a scalar or string result.
  std::string string;                ///< Set when type == string.
  Vector vector;                     ///< Set when type == vector.
  Matrix matrix;                     ///< Set when type == matrix.
  /// Annotations, e.g. "PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)"; the
  /// position is line 1 with the byte column (queries are taken as single-line).
  std::vector<std::string> warnings;
  std::vector<std::string> infos;  ///< "PromQL info: ..." annotations (none are produced yet).
};

/// Formats a float as PromQL and the exposition format do: shortest round-trip, `+Inf`, `-Inf`, `NaN`.
std::string format_float(double v);

}  // namespace twikit::promql
