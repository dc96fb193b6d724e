#include "alertd/rules/group.h"

#include <map>

#include "alertd/storage/sample.h"
#include "common/logging.h"

namespace twikit::rules {

Group::Group(const GroupSpec& spec, std::int64_t default_interval_ms)
    : name_(spec.name),
      file_(spec.file),
      interval_ms_(spec.interval_ms > 0 ? spec.interval_ms : default_interval_ms),
      limit_(spec.limit),
      query_offset_ms_(spec.query_offset_ms) {
  for (const auto& r : spec.rules) rules_.push_back(make_rule(r, spec.labels));
  series_in_previous_eval_.resize(rules_.size());
}

void Group::eval(TimestampMs ts, storage::SeriesStore& store, const EvalContext& ctx,
                 const std::function<double()>& elapsed_seconds) {
  const double group_start = elapsed_seconds ? elapsed_seconds() : 0;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    Rule& rule = *rules_[i];
    const double start = elapsed_seconds ? elapsed_seconds() : 0;
    rule.last_evaluation = ts;
    // One failing rule (a query error, a limit, anything thrown while writing its results) records its
    // error and the group goes on with the next.
    try {
      promql::Vector vec = rule.eval(ts, query_offset_ms_, ctx, limit_);
      std::set<Labels> returned;
      for (const auto& s : vec) {
        store.append(s.labels, s.timestamp, s.value);
        returned.insert(s.labels);
      }
      // Series the rule produced last time but not now end with a staleness marker.
      for (const auto& lbs : series_in_previous_eval_[i]) {
        if (returned.count(lbs) == 0) store.append(lbs, ts - query_offset_ms_, storage::stale_marker());
      }
      series_in_previous_eval_[i] = std::move(returned);
      rule.health = RuleHealth::ok;
      rule.last_error.clear();
    } catch (const std::exception& e) {
      ++evaluation_failures_;
      if (rule.health != RuleHealth::err || rule.last_error != e.what()) {
        // Logged when the error first appears or changes, not at every evaluation.
        logger("rules")->warn("msg=\"evaluating rule failed\" group={} file={} rule={} err={}", logfmt_value(name_),
                              logfmt_value(file_), logfmt_value(rule.name()), logfmt_value(e.what()));
      }
      rule.health = RuleHealth::err;
      rule.last_error = e.what();
    }
    rule.evaluation_seconds = elapsed_seconds ? elapsed_seconds() - start : 0;
  }
  for (const auto& lbs : stale_series_) store.append(lbs, ts - query_offset_ms_, storage::stale_marker());
  stale_series_.clear();
  last_evaluation_ = ts;
  evaluation_seconds_ = elapsed_seconds ? elapsed_seconds() - group_start : 0;
}

void Group::copy_state(Group& old) {
  last_evaluation_ = old.last_evaluation_;
  evaluation_failures_ = old.evaluation_failures_;
  evaluation_seconds_ = old.evaluation_seconds_;
  std::map<std::string, std::vector<std::size_t>> by_identity;
  for (std::size_t fi = 0; fi < old.rules_.size(); ++fi) by_identity[old.rules_[fi]->identity()].push_back(fi);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    auto& candidates = by_identity[rules_[i]->identity()];
    if (candidates.empty()) continue;
    const std::size_t fi = candidates.front();
    candidates.erase(candidates.begin());
    series_in_previous_eval_[i] = old.series_in_previous_eval_[fi];
    Rule& from = *old.rules_[fi];
    rules_[i]->health = from.health;
    rules_[i]->last_error = from.last_error;
    rules_[i]->last_evaluation = from.last_evaluation;
    rules_[i]->evaluation_seconds = from.evaluation_seconds;
    auto* to_alerting = dynamic_cast<AlertingRule*>(rules_[i].get());
    auto* from_alerting = dynamic_cast<AlertingRule*>(&from);
    if (to_alerting != nullptr && from_alerting != nullptr) to_alerting->take_state(*from_alerting);
  }
  stale_series_ = old.stale_series_;
  for (const auto& [identity, left] : by_identity) {
    for (const std::size_t fi : left) {
      for (const auto& lbs : old.series_in_previous_eval_[fi]) stale_series_.push_back(lbs);
    }
  }
}

void Group::mark_all_stale(TimestampMs ts, storage::SeriesStore& store) {
  for (auto& series : series_in_previous_eval_) {
    for (const auto& lbs : series) store.append(lbs, ts, storage::stale_marker());
    series.clear();
  }
  for (const auto& lbs : stale_series_) store.append(lbs, ts, storage::stale_marker());
  stale_series_.clear();
}

}  // namespace twikit::rules
