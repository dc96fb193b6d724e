#include "alertd/rules/rule.h"

#include <set>
#include <stdexcept>

#include "alertd/promql/parser.h"
#include "alertd/rules/alert_template.h"

namespace twikit::rules {

const char* alert_state_name(AlertState state) {
  switch (state) {
    case AlertState::pending:
      return "pending";
    case AlertState::firing:
      return "firing";
    case AlertState::inactive:
      break;
  }
  return "inactive";
}

const char* rule_health_name(RuleHealth health) {
  switch (health) {
    case RuleHealth::ok:
      return "ok";
    case RuleHealth::err:
      return "err";
    case RuleHealth::unknown:
      break;
  }
  return "unknown";
}

Rule::Rule(RuleSpec spec, std::shared_ptr<const promql::Expr> expr, Labels labels)
    : spec_(std::move(spec)), expr_(std::move(expr)), labels_(std::move(labels)) {}

std::string Rule::query() const {
  return expr_->to_string();
}

std::string Rule::identity() const {
  return name() + labels_to_string(labels_);
}

promql::Vector Rule::query_vector(TimestampMs t, const EvalContext& ctx) const {
  promql::Value v;
  try {
    v = ctx.engine->instant_query(*expr_, *ctx.store, t);
  } catch (const promql::EvalError& e) {
    throw std::runtime_error(e.what());
  }
  if (v.type == promql::ValueType::vector) return std::move(v.vector);
  if (v.type == promql::ValueType::scalar) return {promql::Sample{{}, v.scalar, t}};
  throw std::runtime_error("rule result is not a vector or scalar");
}

promql::Vector RecordingRule::eval(TimestampMs ts, std::int64_t query_offset_ms, const EvalContext& ctx,
                                   std::int64_t limit) {
  promql::Vector vec = query_vector(ts - query_offset_ms, ctx);
  std::set<Labels> seen;
  for (auto& s : vec) {
    set_label(s.labels, "__name__", name());
    for (const auto& [k, v] : labels_) set_label(s.labels, k, v);
    if (!seen.insert(s.labels).second) {
      throw std::runtime_error("vector contains metrics with the same labelset after applying rule labels");
    }
  }
  if (limit > 0 && static_cast<std::int64_t>(vec.size()) > limit) {
    throw std::runtime_error("exceeded limit of " + std::to_string(limit) + " with " + std::to_string(vec.size()) +
                             " series");
  }
  return vec;
}

void AlertingRule::parse_templates() {
  for (const auto& [k, v] : labels_) label_templates_.emplace_back(k, AlertTemplate(name(), v));
  for (const auto& [k, v] : spec_.annotations) annotation_templates_.emplace_back(k, AlertTemplate(name(), v));
  templates_parsed_ = true;
}

promql::Vector AlertingRule::eval(TimestampMs ts, std::int64_t query_offset_ms, const EvalContext& ctx,
                                  std::int64_t limit) {
  if (!templates_parsed_) parse_templates();
  const TimestampMs query_ts = ts - query_offset_ms;
  const promql::Vector res = query_vector(query_ts, ctx);
  std::map<Labels, Alert> fresh;
  for (const auto& sample : res) {
    AlertTemplateData data;
    data.labels = sample.labels;  // templates see __name__ too, as in Prometheus
    data.external_labels = ctx.external_labels;
    data.external_url = ctx.external_url;
    data.value = sample.value;
    Labels lbs = sample.labels;
    set_label(lbs, "__name__", "");
    for (const auto& [k, t] : label_templates_) set_label(lbs, k, t.expand(data));
    set_label(lbs, "alertname", name());
    std::vector<Label> annotations;
    for (const auto& [k, t] : annotation_templates_) annotations.emplace_back(k, t.expand(data));
    if (fresh.count(lbs) != 0) {
      throw std::runtime_error("vector contains metrics with the same labelset after applying alert labels");
    }
    Alert a;
    a.labels = lbs;
    a.annotations = make_labels(std::move(annotations));
    a.active_at = ts;
    a.state = AlertState::pending;
    a.value = sample.value;
    fresh.emplace(std::move(lbs), std::move(a));
  }
  for (auto& [lbs, a] : fresh) {
    auto it = active_.find(lbs);
    if (it != active_.end() && it->second.state != AlertState::inactive) {
      it->second.value = a.value;
      it->second.annotations = a.annotations;
      continue;
    }
    active_[lbs] = a;
  }
  promql::Vector out;
  std::int64_t num_active = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    Alert& a = it->second;
    if (fresh.count(it->first) == 0) {
      bool keep_firing = false;
      if (a.state == AlertState::firing && spec_.keep_firing_for_ms > 0) {
        if (a.keep_firing_since == 0) a.keep_firing_since = ts;
        keep_firing = ts - a.keep_firing_since < spec_.keep_firing_for_ms;
      }
      // Pending alerts vanish; resolved ones are kept for the retention period.
      const bool drop =
          a.state == AlertState::pending || (a.resolved_at != 0 && ts - a.resolved_at > kResolvedRetentionMs);
      if (a.state != AlertState::inactive && !keep_firing) {
        a.state = AlertState::inactive;
        a.resolved_at = ts;
      }
      if (drop) {
        it = active_.erase(it);
        continue;
      }
      if (!keep_firing) {
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since = 0;
    }
    ++num_active;
    if (a.state == AlertState::pending && ts - a.active_at >= spec_.for_ms) {
      a.state = AlertState::firing;
      a.fired_at = ts;
    }
    Labels alerts_labels = a.labels;
    set_label(alerts_labels, "__name__", "ALERTS");
    set_label(alerts_labels, "alertstate", alert_state_name(a.state));
    out.push_back(promql::Sample{std::move(alerts_labels), 1, query_ts});
    Labels for_state_labels = a.labels;
    set_label(for_state_labels, "__name__", "ALERTS_FOR_STATE");
    out.push_back(promql::Sample{std::move(for_state_labels), static_cast<double>(a.active_at / 1000), query_ts});
    ++it;
  }
  if (limit > 0 && num_active > limit) {
    active_.clear();
    throw std::runtime_error("exceeded limit of " + std::to_string(limit) + " with " + std::to_string(num_active) +
                             " alerts");
  }
  return out;
}

std::vector<Alert> AlertingRule::alerts() const {
  std::vector<Alert> out;
  out.reserve(active_.size());
  for (const auto& [lbs, a] : active_) out.push_back(a);
  return out;
}

AlertState AlertingRule::state() const {
  AlertState s = AlertState::inactive;
  for (const auto& [lbs, a] : active_) {
    if (a.state == AlertState::firing) return AlertState::firing;
    if (a.state == AlertState::pending) s = AlertState::pending;
  }
  return s;
}

std::vector<Alert> AlertingRule::alerts_to_send(TimestampMs ts, std::int64_t resend_delay_ms,
                                                std::int64_t interval_ms) {
  std::vector<Alert> out;
  for (auto& [lbs, a] : active_) {
    if (a.state == AlertState::pending) continue;
    const bool needs = a.last_sent_at == 0 || a.resolved_at > a.last_sent_at || a.last_sent_at + resend_delay_ms < ts;
    if (!needs) continue;
    a.last_sent_at = ts;
    const std::int64_t delta = std::max(resend_delay_ms, interval_ms);
    a.valid_until = ts + 4 * delta;
    out.push_back(a);
  }
  return out;
}

std::unique_ptr<Rule> make_rule(const RuleSpec& spec, const Labels& group_labels) {
  std::shared_ptr<const promql::Expr> expr(promql::parse(spec.expr).release());
  Labels labels = group_labels;
  for (const auto& [k, v] : spec.labels) set_label(labels, k, v);
  if (spec.is_alert()) return std::make_unique<AlertingRule>(spec, std::move(expr), std::move(labels));
  return std::make_unique<RecordingRule>(spec, std::move(expr), std::move(labels));
}

}  // namespace twikit::rules
