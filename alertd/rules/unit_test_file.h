#pragma once
// promtool's rule unit-test file format (`promtool test rules`), read unchanged.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/labels.h"

namespace twikit::rules {

/// One `input_series` entry.
struct InputSeries {
  std::string series;  ///< Series description, e.g. `up{job="api"}`.
  std::string values;  ///< Expanding notation, e.g. `0+1x10 _ stale`.
};

/// One expected alert of an `alert_rule_test`.
struct ExpectedAlert {
  Labels labels;       ///< `exp_labels` (alertname is added by the runner).
  Labels annotations;  ///< `exp_annotations`.
};

/// One `alert_rule_test` entry.
struct AlertRuleTest {
  std::int64_t eval_time_ms = 0;        ///< `eval_time`.
  std::string alertname;                ///< `alertname`.
  std::vector<ExpectedAlert> expected;  ///< `exp_alerts` (firing alerts only).
};

/// One expected sample of a `promql_expr_test`.
struct ExpectedSample {
  std::string labels;     ///< Series description; empty for label-less results.
  double value = 0;       ///< `value`.
  std::string histogram;  ///< `histogram` (native histograms: not supported, reported as a failure).
};

/// One `promql_expr_test` entry.
struct PromqlExprTest {
  std::string expr;                      ///< The query.
  std::int64_t eval_time_ms = 0;         ///< `eval_time`.
  std::vector<ExpectedSample> expected;  ///< `exp_samples`.
};

/// One entry of `tests`.
struct TestGroup {
  std::string name;                             ///< `name` (used by the run filter and in reports).
  std::int64_t interval_ms = 0;                 ///< `interval` of the input series; 0 = evaluation_interval.
  std::vector<InputSeries> input_series;        ///< `input_series`.
  std::vector<AlertRuleTest> alert_rule_tests;  ///< `alert_rule_test`.
  std::vector<PromqlExprTest> promql_tests;     ///< `promql_expr_test`.
  Labels external_labels;                       ///< `external_labels`.
  std::string external_url;                     ///< `external_url`.
  TimestampMs start_ms = 0;                     ///< `start_timestamp` (RFC 3339 or Unix seconds); default 0.
};

/// A whole unit-test file.
struct UnitTestFile {
  std::vector<std::string> rule_files;          ///< Resolved against the test file's directory, globs expanded.
  std::int64_t evaluation_interval_ms = 60000;  ///< `evaluation_interval`, default 1m.
  std::vector<std::string> group_eval_order;    ///< `group_eval_order`.
  bool fuzzy_compare = false;                   ///< `fuzzy_compare`: compare floats allowing rounding noise.
  std::vector<TestGroup> tests;                 ///< `tests`.
};

/// Parses the unit-test file at `path` strictly (unknown fields are errors unless
/// `ignore_unknown_fields`); throws std::runtime_error with `file:line:col: message`.
UnitTestFile load_unit_test_file(const std::string& path, bool ignore_unknown_fields = false);

}  // namespace twikit::rules
