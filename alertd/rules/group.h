#pragma once
// A rule group: rules evaluated in order at one timestamp, results written back to the store.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "alertd/rules/rule.h"
#include "alertd/storage/series_store.h"

namespace twikit::rules {

/// A group of rules sharing an interval. Not thread-safe; the manager serialises access.
class Group {
 public:
  /// Builds the group's rules from `spec` (throws promql::ParseError on a bad expression);
  /// `default_interval_ms` applies when the spec has none.
  Group(const GroupSpec& spec, std::int64_t default_interval_ms);
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  /// Evaluates every rule in order at `ts`, appending results (and staleness markers for series a
  /// rule no longer produces) to `store`. A failing rule records its error, is counted and logged when
  /// its error first appears; the others still run.
  /// `elapsed_seconds` (optional) measures a rule's evaluation time, e.g. from a monotonic clock.
  void eval(TimestampMs ts, storage::SeriesStore& store, const EvalContext& ctx,
            const std::function<double()>& elapsed_seconds = {});

  /// Takes over state from `old` (the same group before a reload): alerts and previously written
  /// series of rules with the same name and labels; series of rules that disappeared become stale
  /// at the next evaluation.
  void copy_state(Group& old);

  /// Writes staleness markers at `ts` for every series the group's rules produced (group removed).
  void mark_all_stale(TimestampMs ts, storage::SeriesStore& store);

  /// The group's name.
  const std::string& name() const { return name_; }
  /// The file it was loaded from.
  const std::string& file() const { return file_; }
  /// `file;name`, the key Prometheus identifies groups by.
  std::string key() const { return file_ + ";" + name_; }
  /// Evaluation interval in milliseconds.
  std::int64_t interval_ms() const { return interval_ms_; }
  /// `limit` (0 = none).
  std::int64_t limit() const { return limit_; }
  /// `query_offset` in milliseconds.
  std::int64_t query_offset_ms() const { return query_offset_ms_; }
  /// The rules, in evaluation order.
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  /// Timestamp of the last evaluation (0 before the first).
  TimestampMs last_evaluation() const { return last_evaluation_; }
  /// Duration of the last evaluation in seconds.
  double evaluation_seconds() const { return evaluation_seconds_; }
  /// Rule evaluations that failed since the group was first loaded (kept across reloads).
  std::uint64_t evaluation_failures() const { return evaluation_failures_; }

 private:
  std::string name_;
  std::string file_;
  std::int64_t interval_ms_;
  std::int64_t limit_;
  std::int64_t query_offset_ms_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<std::set<Labels>> series_in_previous_eval_;  // per rule
  std::vector<Labels> stale_series_;                       // from rules removed by a reload, marked at the next eval
  TimestampMs last_evaluation_ = 0;
  double evaluation_seconds_ = 0;
  std::uint64_t evaluation_failures_ = 0;
};

}  // namespace twikit::rules
