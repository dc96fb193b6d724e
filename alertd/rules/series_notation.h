#pragma once
// The series notation of promtool's input_series and of PromQL test scripts: series descriptions and
// expanding value notation, read as Prometheus' parser reads them (promql/parser, series descriptions).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/labels.h"

namespace twikit::rules {

/// Which reader's notation: promtool 2.42's input_series (`alertd test rules`), or Prometheus 3's PromQL
/// test scripts, which also read durations as seconds (`-1m`, `1m-30sx2`), quoted names
/// (`{"my.metric", "l.x"="v"}`), label values that are empty, and native histograms (`{{schema:0 sum:1}}`).
enum class SeriesSyntax { promtool, promql_test };

/// One value of an input series: a number, a staleness marker (`stale`), missing (`_`) or a native
/// histogram (`{{…}}`, kept as a position only: alertd stores floats).
struct InputValue {
  /// Which of the four it is.
  enum class Kind { number, stale, missing, histogram };
  Kind kind = Kind::number;  ///< The kind.
  double value = 0;          ///< The number (Kind::number).
};

/// Parses a series description such as `up{job="api", instance="x:1"}` or `{a="b"}` into its
/// labels (name as `__name__`); throws std::invalid_argument with "line:col: parse error: ..."
/// (1-based) on malformed input. An empty string gives no labels; in promtool's syntax a label
/// whose value is empty is no label, as promtool loads it.
Labels parse_series_description(const std::string& text, SeriesSyntax syntax = SeriesSyntax::promtool);

/// Expands the value notation: `1 2 3`, `1+1x10`, `-2+4x3`, `1-2x4`, `1x4`, `_`, `_x3`, `stale`, `Inf`,
/// `NaN` (and in PromQL test scripts durations and `{{…}}`, `{{…}}x3`, `{{…}}+{{…}}x3`); numbers are read as
/// Prometheus' parser reads them (so `010` is octal 8), and a number followed by `x` is always a repetition
/// (`0x10` is 0 eleven times: the notation has no hexadecimal). Throws std::invalid_argument naming the
/// item ("invalid value: …", "invalid expanding notation: …").
std::vector<InputValue> expand_series_values(std::string_view text, SeriesSyntax syntax = SeriesSyntax::promtool);

/// A number standing alone as PromQL test scripts write one (an expected scalar, a time): an optional
/// sign, then a PromQL number (hexadecimal and octal included, `Inf`, `NaN`) or a duration in seconds;
/// nullopt when `text` is neither.
std::optional<double> parse_script_number(std::string_view text);

/// Splits a `<series> <values>` line of a PromQL test script at the end of the series description (its
/// braces may hold quoted spaces and braces); `values` starts at the first value.
void split_series_line(std::string_view line, std::string_view& series, std::string_view& values);

}  // namespace twikit::rules
