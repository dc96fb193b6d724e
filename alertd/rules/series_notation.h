#pragma once
// The notation of promtool's input_series: series descriptions and expanding value notation.

#include <optional>
#include <string>
#include <vector>

#include "common/labels.h"

namespace twikit::rules {

/// One value of an input series: a number, a staleness marker (`stale`) or missing (`_`).
struct InputValue {
  /// Which of the three it is.
  enum class Kind { number, stale, missing };
  Kind kind = Kind::number;  ///< The kind.
  double value = 0;          ///< The number (Kind::number).
};

/// Parses a series description such as `up{job="api", instance="x:1"}` or `{a="b"}` into its
/// labels (name as `__name__`); throws std::invalid_argument with "line:col: parse error: ..."
/// (1-based) on malformed input. An empty string gives no labels.
Labels parse_series_description(const std::string& text);

/// Expands promtool's value notation: `1 2 3`, `1+1x10`, `-2+4x3`, `1-2x4`, `1x4`, `_`, `_x3`,
/// `stale`, `Inf`, `NaN`; throws std::invalid_argument on malformed input.
std::vector<InputValue> expand_series_values(const std::string& text);

}  // namespace twikit::rules
