#pragma once
// Plain copies of rule and group state, published by the manager after each evaluation, for the API and the UI.

#include <string>
#include <vector>

#include "alertd/rules/alert.h"
#include "alertd/rules/rule.h"

namespace twikit::rules {

/// One rule as the API shows it.
struct RuleSnapshot {
  std::string name;                         ///< Alert name or recorded metric.
  std::string query;                        ///< The expression.
  bool alerting = false;                    ///< Alerting (true) or recording rule.
  std::int64_t for_ms = 0;                  ///< `for` (alerting rules).
  std::int64_t keep_firing_for_ms = 0;      ///< `keep_firing_for` (alerting rules).
  Labels labels;                            ///< Labels (group labels merged in).
  Labels annotations;                       ///< Annotation templates, unexpanded.
  RuleHealth health = RuleHealth::unknown;  ///< Health after the last evaluation.
  std::string last_error;                   ///< Error of the last evaluation, empty when none.
  TimestampMs last_evaluation = 0;          ///< When last evaluated (0 = never).
  double evaluation_seconds = 0;            ///< How long that took.
  AlertState state = AlertState::inactive;  ///< Alerting rules: the highest state of its alerts.
  std::vector<Alert> alerts;                ///< Alerting rules: pending, firing and resolved alerts.
};

/// One group as the API shows it.
struct GroupSnapshot {
  std::string name;                  ///< Group name.
  std::string file;                  ///< The rule file it came from.
  std::int64_t interval_ms = 0;      ///< Evaluation interval.
  std::int64_t limit = 0;            ///< `limit` (0 = none).
  std::int64_t query_offset_ms = 0;  ///< `query_offset`.
  TimestampMs last_evaluation = 0;   ///< When last evaluated (0 = never).
  double evaluation_seconds = 0;     ///< How long that took.
  std::vector<RuleSnapshot> rules;   ///< In evaluation order.
  std::uint64_t evaluation_failures = 0;  ///< Rule evaluations that failed (a counter).
};

}  // namespace twikit::rules
