#pragma once
// The rule manager: loads rule files into groups, evaluates each group on its own interval at
// timestamps passed in, carries alert state across reloads, and exposes snapshots for the API.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alertd/rules/group.h"
#include "alertd/rules/rule_file.h"
#include "alertd/rules/snapshot.h"
#include "common/clock.h"

namespace twikit::rules {

/// Settings of a RuleManager (alertd.yaml's global section feeds these).
struct ManagerOptions {
  std::int64_t default_interval_ms = 60 * 1000;  ///< For groups without `interval`.
  std::int64_t resend_delay_ms = 60 * 1000;      ///< Re-send firing alerts this often.
  Labels external_labels;                        ///< `$externalLabels` in templates.
  std::string external_url;                      ///< `$externalURL` in templates.
  const Clock* duration_clock = nullptr;         ///< Measures evaluation durations; none = report 0.
};

/// What one evaluate_due() call did.
struct EvaluationResult {
  std::size_t groups_evaluated = 0;  ///< Groups whose time had come.
  std::vector<Alert> to_send;        ///< Firing and resolved alerts due for notification.
};

/// Owns the rule groups. Thread-safe: evaluations, updates and restores take turns on one mutex, while
/// readers (snapshot(), active_alerts(), num_groups()) never wait for them: they read the state published
/// after each group's evaluation, which an evaluation in progress does not hold.
class RuleManager {
 public:
  /// A manager writing rule results to `store` and evaluating with `engine` (both outlive it).
  RuleManager(storage::SeriesStore& store, const promql::Engine& engine, ManagerOptions options = {});
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  /// Loads the rule files matching `patterns` (globs, as Prometheus' rule_files) and swaps them in
  /// at `now`; on any error nothing changes and the errors are returned (empty = success).
  std::vector<RuleFileError> load(const std::vector<std::string>& patterns, TimestampMs now);

  /// Swaps in groups built from validated `specs` (throws promql::ParseError before changing
  /// anything); state of groups with the same file and name moves over, removed groups' series go stale.
  void update(const std::vector<GroupSpec>& specs, TimestampMs now);

  /// Hands alerts remembered across a restart (pending, firing or recently resolved) back to the
  /// alerting rules named by their `alertname` label, as Prometheus restores its `for` state; alerts
  /// of rules that no longer exist are ignored. Returns how many were restored.
  std::size_t restore_alerts(const std::vector<Alert>& alerts);

  /// Evaluates every group whose next slot is at or before `now` (missed slots are skipped, the
  /// latest one is evaluated) and returns the alerts due for notification.
  EvaluationResult evaluate_due(TimestampMs now);

  /// Evaluates at `now` the groups that would otherwise sit on data a scrape just delivered: those whose
  /// next slot is within `scrape_interval_ms` and that were not evaluated in the last quarter of their
  /// interval. Their next slot moves to an interval and a quarter later, so while scrapes come the
  /// groups follow them (a breach is seen at the end of the scrape that shows it, not up to an interval
  /// later), and when scrapes stop the schedule takes over again. Returns the alerts due.
  EvaluationResult evaluate_after_scrape(TimestampMs now, std::int64_t scrape_interval_ms);

  /// Evaluates every group at exactly `ts`, regardless of schedule (used by `test rules`).
  EvaluationResult evaluate_all(TimestampMs ts);

  /// When the earliest group is due next (0 when there are no groups); waits for an evaluation in progress.
  TimestampMs next_evaluation() const;

  /// Copies of every group and rule, in load order, as of each group's last completed evaluation.
  std::vector<GroupSnapshot> snapshot() const;

  /// Every pending and firing alert (resolved ones excluded), as /api/v1/alerts lists them.
  std::vector<Alert> active_alerts() const;

  /// Number of groups loaded.
  std::size_t num_groups() const;

 private:
  struct Slot {
    std::unique_ptr<Group> group;
    TimestampMs next_eval = 0;  // 0 = not yet scheduled
    TimestampMs last_eval = 0;  // when it was last evaluated, 0 = never
    // The grid scrape-following evaluations keep to (anchor + k * interval), so that their timestamps are
    // exactly an interval apart however the scrapes jitter; 0 = not yet anchored.
    TimestampMs anchor = 0;
  };
  // Every group's state as readers see it: replaced whole, never changed once published, so a reader
  // holding it needs no lock and an evaluation never waits for a reader.
  using Published = std::vector<std::shared_ptr<const GroupSnapshot>>;

  void eval_group_locked(std::size_t index, TimestampMs ts, EvaluationResult& result);
  TimestampMs first_slot(const Group& g, TimestampMs now) const;
  void publish_group_locked(std::size_t index);
  void publish_all_locked();
  std::shared_ptr<const Published> published() const;

  storage::SeriesStore& store_;
  EvalContext ctx_;
  ManagerOptions options_;
  // Serialises evaluate_*, update, restore_alerts and next_evaluation; guards slots_. Held for a whole
  // evaluation, so no reader takes it.
  mutable std::mutex eval_mu_;
  std::vector<Slot> slots_;
  // Guards only the pointer published_, held for a copy or a swap of it.
  mutable std::mutex published_mu_;
  std::shared_ptr<const Published> published_ = std::make_shared<const Published>();
};

}  // namespace twikit::rules
