#pragma once
// Parses a PromQL `.test` script into commands (PROMQL_TEST_FORMAT.md, part A).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/labels.h"
#include <stdexcept>

#include "alertd/rules/series_notation.h"

namespace twikit::conformance {

/// One position of an expanded value sequence (the one series notation, in PromQL test scripts' syntax).
using SeqValue = rules::InputValue;

/// Thrown for a malformed script.
class NotationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One `<series> <values>` line of a load block or of an eval's expected result.
struct SeriesLine {
  Labels labels;                 ///< The series.
  std::vector<SeqValue> values;  ///< Expanded positions.
};

/// `load <step>`: series whose position i lands at i*step.
struct LoadCommand {
  std::int64_t step_ms = 0;          ///< The load step.
  std::vector<SeriesLine> series;    ///< In file order (later duplicates win).
  bool has_start_timestamps = false; ///< Had `metric@st` lines (ignored).
};

/// `expect warn ...` / `expect info ...` lines of one annotation kind.
struct AnnotationExpect {
  bool any = false;                  ///< `expect warn` (or eval_warn): at least one annotation.
  bool none = false;                 ///< `expect no_warn`: no annotation at all.
  std::vector<std::string> msgs;     ///< `msg:` lines (exact).
  std::vector<std::string> regexes;  ///< `regex:` lines (unanchored).
};

/// `eval ...` with its expectations.
struct EvalCommand {
  int line = 0;                   ///< 1-based line of the eval command.
  std::string expr;               ///< The PromQL text.
  bool range = false;             ///< eval range (else instant).
  std::int64_t at_ms = 0;         ///< Instant time.
  std::int64_t start_ms = 0, end_ms = 0, step_ms = 0;  ///< Range parameters.
  bool expect_fail = false;       ///< The query must fail.
  std::optional<std::string> fail_msg;    ///< Exact error text.
  std::optional<std::string> fail_regex;  ///< Unanchored error regex.
  bool ordered = false;           ///< Order of result lines matters.
  std::optional<std::string> expect_string;  ///< `expect string "..."`.
  bool range_vector = false;      ///< `expect range vector from a to b step s`.
  std::int64_t rv_from = 0, rv_to = 0, rv_step = 0;  ///< Its parameters.
  std::optional<double> scalar;   ///< A bare-number expectation.
  std::vector<SeriesLine> series; ///< Expected series.
  bool expects_histogram = false; ///< Some expected value is a native histogram.
  AnnotationExpect warn;          ///< Expected warnings.
  AnnotationExpect info;          ///< Expected infos.
};

/// One command of a script.
struct Command {
  enum class Kind { clear, load, eval };
  Kind kind = Kind::clear;  ///< Which member is meaningful.
  LoadCommand load;         ///< For load.
  EvalCommand eval;         ///< For eval.
};

/// Parses a whole script; throws NotationError with "line N: ..." on malformed input.
std::vector<Command> parse_test_script(const std::string& text);

/// Parses a test-script time (`50m`, `0`, `1h30m`, `-1m`) into milliseconds; throws NotationError.
std::int64_t parse_test_duration(const std::string& text);

}  // namespace twikit::conformance
