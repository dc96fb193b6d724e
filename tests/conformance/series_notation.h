#pragma once
// The series notation of PromQL test scripts and promtool input_series:
// `name{l="v"} 1+1x10 _ stale` (see shared/conformance/PROMQL_TEST_FORMAT.md, A.4 and A.5).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"

namespace twikit::conformance {

/// One position of an expanded value sequence.
struct SeqValue {
  enum class Kind { value, omitted, stale, histogram };
  Kind kind = Kind::value;  ///< What the position holds.
  double v = 0;             ///< The float when kind == value.
};

/// Thrown for malformed notation.
class NotationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses a number as the test format allows (int, decimal, hex, exponent, Inf, NaN, a duration in
/// seconds); nullopt when `text` is not one.
std::optional<double> parse_test_number(std::string_view text);

/// Parses `name{l="v", ...}`, `{__name__="x"}`, `{"quoted.name", l="v"}` or `{}` into sorted labels.
Labels parse_series_labels(std::string_view text);

/// Splits a `<series> <values>` line at the end of the series descriptor.
void split_series_line(std::string_view line, std::string_view& series, std::string_view& values);

/// Expands a value sequence (`0+10x10 _x3 stale {{...}}`) into positions.
std::vector<SeqValue> expand_values(std::string_view text);

}  // namespace twikit::conformance
