#pragma once
// Prometheus rule files: the format, its loader and the validation `promtool check rules` does.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/labels.h"

namespace twikit::rules {

/// A 1-based position inside a rule file (0 when unknown).
struct FilePosition {
  int line = 0;    ///< 1-based line.
  int column = 0;  ///< 1-based column.
};

/// One rule as written: an alerting rule (`alert` set) or a recording rule (`record` set).
struct RuleSpec {
  std::string alert;                    ///< Alert name; empty for recording rules.
  std::string record;                   ///< Recorded metric name; empty for alerting rules.
  std::string expr;                     ///< The PromQL expression.
  std::int64_t for_ms = 0;              ///< `for`: how long an alert stays pending before firing.
  std::int64_t keep_firing_for_ms = 0;  ///< `keep_firing_for`: how long it keeps firing after clearing.
  Labels labels;                        ///< Labels added (templated for alerts).
  Labels annotations;                   ///< Annotations (templates), alerting rules only.
  FilePosition position;                ///< Where the rule's mapping starts.
  FilePosition expr_position;           ///< Where the `expr` value starts.

  /// The rule's name: the alert name or the recorded metric.
  const std::string& name() const { return alert.empty() ? record : alert; }
  /// Whether this is an alerting rule.
  bool is_alert() const { return !alert.empty(); }
};

/// One rule group as written.
struct GroupSpec {
  std::string name;                  ///< Unique within the file.
  std::int64_t interval_ms = 0;      ///< Evaluation interval; 0 = the global default.
  std::int64_t query_offset_ms = 0;  ///< `query_offset`: evaluate as of this long ago.
  std::int64_t limit = 0;            ///< Max alerts/series the group's rules may produce; 0 = none.
  Labels labels;                     ///< Labels added to every rule of the group (rule labels win).
  std::vector<RuleSpec> rules;       ///< Evaluated in this order.
  std::string file;                  ///< The file the group came from.
  FilePosition position;             ///< Where the group's mapping starts.
};

/// One validation error: `file:line:col: message` (the position may be unknown).
struct RuleFileError {
  std::string file;       ///< The rule file.
  FilePosition position;  ///< Where the problem is.
  std::string message;    ///< Prometheus' wording, e.g. `group "x", rule 1, "y": could not parse expression: ...`.

  /// `file:line:col: message` (or `file: message` without a position).
  std::string to_string() const;
};

/// A loaded rule file: its groups and every error found (the file is valid when errors is empty).
struct RuleFile {
  std::string path;                   ///< Where it was read from.
  std::vector<GroupSpec> groups;      ///< Groups in file order.
  std::vector<RuleFileError> errors;  ///< All problems, in file order.
};

/// Checks a PromQL expression: nullopt when it parses, else the parser's message
/// ("1:7: parse error: unexpected end of input").
using ExprChecker = std::function<std::optional<std::string>(const std::string& expr)>;

/// The ExprChecker backed by alertd's PromQL parser.
ExprChecker promql_expr_checker();

/// Parses and validates rule-file `text` (named `path` in messages) as Prometheus does: strict
/// fields, group names unique and non-empty, alert xor record, valid names, labels, durations,
/// templates and (through `check_expr`) expressions. Never throws for bad content.
/// With `ignore_unknown_fields`, unknown fields are skipped (promtool's --ignore-unknown-fields).
RuleFile parse_rule_file(const std::string& path, const std::string& text,
                         const ExprChecker& check_expr = promql_expr_checker(), bool ignore_unknown_fields = false);

/// Reads and parses the rule file at `path`; an unreadable file is reported as an error.
RuleFile load_rule_file(const std::string& path, const ExprChecker& check_expr = promql_expr_checker(),
                        bool ignore_unknown_fields = false);

/// Duplicate rules (same name and labels) found in `file`, described as promtool's lint does;
/// empty when there are none. Duplicates are a warning, not an error.
std::vector<std::string> lint_duplicate_rules(const RuleFile& file);

}  // namespace twikit::rules
