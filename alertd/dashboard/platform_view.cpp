#include "alertd/dashboard/platform_view.h"

#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "alertd/dashboard/series_reader.h"
#include "alertd/dashboard/status_rules.h"

namespace twikit::dashboard {
namespace {

using ByService = std::map<std::string, ServiceLatest>;
using ByDependency = std::map<std::string, std::map<std::string, LatestValue>>;

std::optional<double> newest(const ByService& m, const std::string& service) {
  const auto it = m.find(service);
  if (it == m.end()) return std::nullopt;
  return it->second.newest.value;
}

// A consecutive-failure count reaches back at most this far (the in-memory window is usually shorter).
constexpr std::int64_t kFailureLookbackMs = 24 * 3600 * 1000LL;

std::vector<DependencyView> read_dependencies(const ByDependency& up, const ByDependency& latency,
                                              const std::string& service) {
  std::map<std::string, DependencyView> by_name;
  if (const auto it = up.find(service); it != up.end()) {
    for (const auto& [name, v] : it->second) {  // the newest series per dependency
      auto& d = by_name[name];
      d.name = name;
      d.up = v.value != 0;
    }
  }
  if (const auto it = latency.find(service); it != latency.end()) {
    for (const auto& [name, v] : it->second) {
      auto& d = by_name[name];
      d.name = name;
      d.latency_ms = present(v.value, 1000);
    }
  }
  std::vector<DependencyView> out;
  for (auto& [name, d] : by_name) out.push_back(std::move(d));
  return out;
}

std::optional<KpiReading> read_kpi(const SnapshotInputs& in, const config::KpiDefinition& row, const ByService& values,
                                   const std::string& service) {
  const auto it = values.find(service);
  if (it == values.end()) return std::nullopt;
  KpiReading r;
  r.definition = &row;
  if (row.kind == config::KpiKind::state_set) {
    // The newest series holding 1 names the current state.
    if (it->second.newest_one) r.state = label_value(*it->second.newest_one->labels, row.state_label);
    return r;
  }
  r.value = present(it->second.newest.value, row.scale);
  if (row.kind == config::KpiKind::counter) {
    const auto inc = service_increase(*in.store, row.metric, service, in.now, kRateWindowMs);
    if (inc && inc->span_seconds > 0) r.rate_per_second = present(inc->increase / inc->span_seconds, row.scale);
  }
  return r;
}

}  // namespace

double tidy(double value) {
  if (!std::isfinite(value)) return value;
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 12);
  double out = value;
  std::from_chars(buf, res.ptr, out);
  return out;
}

double present(double value, double scale) { return scale == 1 ? value : tidy(value * scale); }

PlatformView read_platform(const SnapshotInputs& in, const config::KpiTable& table) {
  PlatformView view;
  view.now = in.now;
  view.components = in.components;
  view.alerts = in.alerts;
  const storage::Queryable& store = *in.store;

  const ByService up = newest_by_service(store, "twikit_up", in.now);
  const ByService healthy = newest_by_service(store, "twikit_service_healthy", in.now);
  const ByService response = newest_by_service(store, "twikit_response_time_seconds", in.now);
  const ByService last_success = newest_by_service(store, "twikit_last_success_timestamp_seconds", in.now);
  const ByDependency dep_up = newest_by_service_and(store, "twikit_dependency_up", "dependency", in.now);
  const ByDependency dep_latency =
      newest_by_service_and(store, "twikit_dependency_latency_seconds", "dependency", in.now);
  std::vector<ByService> kpi_values;
  kpi_values.reserve(table.rows().size());
  for (const auto& row : table.rows()) kpi_values.push_back(newest_by_service(store, row.metric, in.now));

  std::set<std::string> names;
  for (const ByService* m : {&up, &healthy, &response}) {
    for (const auto& [service, values] : *m) names.insert(service);
  }
  for (const auto& m : kpi_values) {
    for (const auto& [service, values] : m) names.insert(service);
  }

  for (const auto& name : names) {
    ServiceView s;
    s.name = name;
    if (const auto u = newest(up, name)) s.up = *u != 0;
    s.health = newest(healthy, name);
    s.status = service_status(s.up, s.health);
    if (const auto r = newest(response, name)) s.response_time_ms = present(*r, 1000);
    const auto requests = service_increase(store, "twikit_requests_total", name, in.now, kRateWindowMs);
    if (requests && requests->span_seconds > 0) s.requests_per_second = requests->increase / requests->span_seconds;
    const auto errors = service_increase(store, "twikit_errors_total", name, in.now, kRateWindowMs);
    if (requests && errors && requests->increase > 0) s.error_rate = errors->increase / requests->increase;
    s.dependencies = read_dependencies(dep_up, dep_latency, name);
    if (const auto t = newest(last_success, name)) s.last_success = static_cast<TimestampMs>(std::llround(*t * 1000));
    s.consecutive_failures =
        trailing_zeros(store, service_matchers("twikit_up", name), in.now - kFailureLookbackMs, in.now);
    for (std::size_t i = 0; i < table.rows().size(); ++i) {
      if (auto r = read_kpi(in, table.rows()[i], kpi_values[i], name)) s.kpis.push_back(std::move(*r));
    }
    view.services.push_back(std::move(s));
  }

  for (const auto& t : in.targets) {
    TargetView tv;
    tv.status = t;
    std::vector<storage::LabelMatcher> matchers{storage::LabelMatcher(storage::MatchType::eq, "__name__", "up")};
    for (const auto& [k, v] : t.target.labels) matchers.emplace_back(storage::MatchType::eq, k, v);
    tv.consecutive_failures = trailing_zeros(store, matchers, in.now - kFailureLookbackMs, in.now);
    view.targets.push_back(std::move(tv));
  }

  view.health = overall_health(view.services, view.targets, view.components);
  view.status = dashboard_status(view.health, view.alerts);
  return view;
}

}  // namespace twikit::dashboard
