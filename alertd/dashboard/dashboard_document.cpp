#include <algorithm>
#include <array>
#include <string_view>

#include "alertd/dashboard/documents.h"

namespace twikit::dashboard {
namespace {

// The severities the documents count by name, in order; any other value counts as "other".
constexpr std::array<std::string_view, 4> kSeverities{"critical", "error", "warning", "info"};

std::size_t severity_rank(const std::string& severity) {
  for (std::size_t i = 0; i < kSeverities.size(); ++i) {
    if (kSeverities[i] == severity) return i;
  }
  return kSeverities.size();
}

Json points_json(const std::vector<TrendPoint>& points) {
  Json out = Json::array();
  for (const auto& p : points) {
    out.push_back(Json::array({number_json(static_cast<double>(p.t) / 1000.0), number_json(p.v)}));
  }
  return out;
}

Json kpi_json(const KpiReading& r, const TrendSource& trends, const std::string& service, TimestampMs now,
              const TrendOptions& options) {
  const config::KpiDefinition& row = *r.definition;
  Json j;
  j["value"] = kpi_value_json(r);
  j["unit"] = row.unit;
  j["metric"] = row.metric;
  if (row.kind == config::KpiKind::counter) j["ratePerSecond"] = number_json(r.rate_per_second);
  if (row.kind != config::KpiKind::state_set) {
    const KpiTrend t = kpi_trend(trends, row, service, now, options);
    Json tj;
    tj["change1h"] = number_json(t.change_1h);
    tj["change24h"] = number_json(t.change_24h);
    tj["points"] = points_json(t.points);
    j["trend"] = std::move(tj);
  }
  return j;
}

Json service_json(const ServiceView& s, const TrendSource& trends, TimestampMs now, const TrendOptions& options) {
  Json j;
  j["status"] = health_name(s.status);
  j["health"] = number_json(s.health);
  j["up"] = bool_json(s.up);
  j["responseTimeMs"] = number_json(s.response_time_ms);
  j["errorRate"] = number_json(s.error_rate);
  j["requestsPerSecond"] = number_json(s.requests_per_second ? std::optional<double>(tidy(*s.requests_per_second))
                                                              : std::nullopt);
  Json kpis = Json::object();
  for (const auto& r : s.kpis) {
    kpis[r.definition->group()][r.definition->field()] = kpi_json(r, trends, s.name, now, options);
  }
  j["kpis"] = std::move(kpis);
  return j;
}

Json alerts_json(std::vector<rules::Alert> alerts) {
  std::stable_sort(alerts.begin(), alerts.end(), [](const rules::Alert& a, const rules::Alert& b) {
    const bool fa = a.state == rules::AlertState::firing;
    const bool fb = b.state == rules::AlertState::firing;
    if (fa != fb) return fa;
    const auto ra = severity_rank(label_value(a.labels, "severity"));
    const auto rb = severity_rank(label_value(b.labels, "severity"));
    if (ra != rb) return ra < rb;
    return a.labels < b.labels;
  });
  std::array<std::int64_t, kSeverities.size() + 1> by_severity{};
  std::int64_t firing = 0;
  std::int64_t pending = 0;
  Json items = Json::array();
  for (const auto& a : alerts) {
    ++by_severity[severity_rank(label_value(a.labels, "severity"))];
    (a.state == rules::AlertState::firing ? firing : pending) += 1;
    Json item;
    item["alertname"] = label_value(a.labels, "alertname");
    item["state"] = rules::alert_state_name(a.state);
    item["severity"] = label_value(a.labels, "severity");
    item["service"] = label_value(a.labels, "service");
    Json labels = Json::object();
    for (const auto& [k, v] : a.labels) labels[k] = v;
    item["labels"] = std::move(labels);
    Json annotations = Json::object();
    for (const auto& [k, v] : a.annotations) annotations[k] = v;
    item["annotations"] = std::move(annotations);
    item["activeAt"] = time_json(a.active_at == 0 ? std::nullopt : std::optional<TimestampMs>(a.active_at));
    item["firedAt"] = time_json(a.fired_at == 0 ? std::nullopt : std::optional<TimestampMs>(a.fired_at));
    item["value"] = number_json(a.value);
    items.push_back(std::move(item));
  }
  Json severity = Json::object();
  for (std::size_t i = 0; i < kSeverities.size(); ++i) severity[std::string(kSeverities[i])] = by_severity[i];
  severity["other"] = by_severity[kSeverities.size()];
  Json j;
  j["total"] = static_cast<std::int64_t>(alerts.size());
  j["bySeverity"] = std::move(severity);
  j["byState"] = Json{{"firing", firing}, {"pending", pending}};
  j["items"] = std::move(items);
  return j;
}

}  // namespace

Json dashboard_document(const PlatformView& view, const TrendSource& trends, const TrendOptions& options) {
  Json doc;
  doc["status"] = health_name(view.status);
  doc["generatedAt"] = time_json(view.now);
  std::array<std::int64_t, 4> counts{};
  for (const auto& s : view.services) ++counts[static_cast<std::size_t>(s.status)];
  Json summary;
  summary["services"] = static_cast<std::int64_t>(view.services.size());
  for (const Health h : {Health::healthy, Health::degraded, Health::unhealthy, Health::unknown}) {
    summary[health_name(h)] = counts[static_cast<std::size_t>(h)];
  }
  doc["summary"] = std::move(summary);
  Json services = Json::object();
  for (const auto& s : view.services) services[s.name] = service_json(s, trends, view.now, options);
  doc["services"] = std::move(services);
  doc["alerts"] = alerts_json(view.alerts);
  return doc;
}

}  // namespace twikit::dashboard
