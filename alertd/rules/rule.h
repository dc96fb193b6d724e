#pragma once
// Alerting and recording rules: evaluation of one rule at one timestamp, Prometheus' semantics.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alertd/promql/ast.h"
#include "alertd/promql/engine.h"
#include "alertd/rules/alert.h"
#include "alertd/rules/alert_template.h"
#include "alertd/rules/rule_file.h"

namespace twikit::rules {

/// What a rule needs to evaluate: the data to query and the settings templates see.
struct EvalContext {
  const storage::Queryable* store = nullptr;  ///< The series the expressions read.
  const promql::Engine* engine = nullptr;     ///< The evaluator.
  Labels external_labels;                     ///< `$externalLabels` in templates.
  std::string external_url;                   ///< `$externalURL` in templates.
};

/// Rule health as the API reports it.
enum class RuleHealth { unknown, ok, err };

/// Prometheus' spelling: "unknown", "ok", "err".
const char* rule_health_name(RuleHealth health);

/// A rule of a group. Not thread-safe: its group evaluates it from one thread, and readers take
/// snapshots under the manager's lock.
class Rule {
 public:
  /// Builds the rule from its spec; `expr` is the parsed expression, `labels` the spec's labels
  /// merged with the group's (rule labels win).
  Rule(RuleSpec spec, std::shared_ptr<const promql::Expr> expr, Labels labels);
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;

  /// Evaluates the rule at `ts` (expression at `ts - query_offset_ms`) and returns the samples to
  /// write back; throws std::runtime_error (the rule's last error) on failure or when `limit` is exceeded.
  virtual promql::Vector eval(TimestampMs ts, std::int64_t query_offset_ms, const EvalContext& ctx,
                              std::int64_t limit) = 0;

  /// Whether this is an alerting rule.
  virtual bool is_alerting() const = 0;

  /// The spec the rule was built from.
  const RuleSpec& spec() const { return spec_; }
  /// The alert name or recorded metric name.
  const std::string& name() const { return spec_.name(); }
  /// Labels after merging group labels.
  const Labels& labels() const { return labels_; }
  /// The expression, normalised as Prometheus prints it.
  std::string query() const;
  /// Identity across reloads: name plus labels (Prometheus' nameAndLabels).
  std::string identity() const;

  /// Health after the last evaluation.
  RuleHealth health = RuleHealth::unknown;
  /// The last evaluation's error, empty when it succeeded.
  std::string last_error;
  /// When the rule was last evaluated (ms), 0 before the first evaluation.
  TimestampMs last_evaluation = 0;
  /// How long the last evaluation took, in seconds.
  double evaluation_seconds = 0;

 protected:
  /// Runs the expression and returns an instant vector (a scalar becomes one label-less sample).
  promql::Vector query_vector(TimestampMs t, const EvalContext& ctx) const;

  RuleSpec spec_;
  std::shared_ptr<const promql::Expr> expr_;
  Labels labels_;
};

/// A recording rule: writes the expression's result under a new metric name.
class RecordingRule final : public Rule {
 public:
  using Rule::Rule;
  /// The expression's samples renamed to the rule's name with its labels applied; fails on
  /// duplicate label sets or when more than `limit` series result.
  promql::Vector eval(TimestampMs ts, std::int64_t query_offset_ms, const EvalContext& ctx,
                      std::int64_t limit) override;
  /// Always false.
  bool is_alerting() const override { return false; }
};

/// An alerting rule with its active alerts keyed by label set.
class AlertingRule final : public Rule {
 public:
  using Rule::Rule;
  /// Advances every alert's state at `ts` (pending after a match, firing after `for`, held by
  /// `keep_firing_for`, resolved when gone) and returns the ALERTS and ALERTS_FOR_STATE samples;
  /// fails, dropping all alerts, when more than `limit` are active.
  promql::Vector eval(TimestampMs ts, std::int64_t query_offset_ms, const EvalContext& ctx,
                      std::int64_t limit) override;
  /// Always true.
  bool is_alerting() const override { return true; }

  /// Every alert held: pending, firing and resolved ones (until their retention ends).
  std::vector<Alert> alerts() const;
  /// The rule's state: firing if any alert fires, else pending if any is pending, else inactive.
  AlertState state() const;
  /// Alerts to hand to the notifier at `ts` (Prometheus' sendAlerts): firing alerts not sent within
  /// `resend_delay_ms` and resolved ones; marks them sent and sets valid_until.
  std::vector<Alert> alerts_to_send(TimestampMs ts, std::int64_t resend_delay_ms, std::int64_t interval_ms);
  /// Puts back an alert remembered across a restart (e.g. from persisted state) unless one with the
  /// same labels is already held; its state carries on from the next evaluation.
  void restore(const Alert& alert) { active_.emplace(alert.labels, alert); }
  /// Moves the alert state of `from` (the same rule before a reload) into this rule.
  void take_state(AlertingRule& from) { active_ = std::move(from.active_); }

 private:
  void parse_templates();

  std::map<Labels, Alert> active_;
  std::vector<std::pair<std::string, AlertTemplate>> label_templates_;       // parsed on first eval
  std::vector<std::pair<std::string, AlertTemplate>> annotation_templates_;  // parsed on first eval
  bool templates_parsed_ = false;
};

/// Builds the rule for `spec` of a group with `group_labels`; throws promql::ParseError when the
/// expression does not parse.
std::unique_ptr<Rule> make_rule(const RuleSpec& spec, const Labels& group_labels);

}  // namespace twikit::rules
