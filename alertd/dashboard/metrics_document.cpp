#include <map>

#include "alertd/dashboard/documents.h"

namespace twikit::dashboard {

Json kpi_value_json(const KpiReading& reading) {
  const config::KpiDefinition& row = *reading.definition;
  if (row.kind == config::KpiKind::state_set) return reading.state.empty() ? Json(nullptr) : Json(reading.state);
  if (row.unit == "bool" && reading.value) return *reading.value != 0;
  return number_json(reading.value);
}

namespace {

// The platform-wide value of one row from the services' numbers (the row's aggregation).
std::optional<double> aggregate(config::KpiAggregation how, const std::vector<double>& values) {
  if (values.empty() || how == config::KpiAggregation::none) return std::nullopt;
  double out = how == config::KpiAggregation::max ? values.front() : 0;
  for (const double v : values) {
    if (how == config::KpiAggregation::max) out = std::max(out, v);
    else out += v;
  }
  if (how == config::KpiAggregation::avg) out /= static_cast<double>(values.size());
  return tidy(out);
}

}  // namespace

Json metrics_document(const PlatformView& view, const config::KpiTable& table) {
  Json services = Json::object();
  std::map<const config::KpiDefinition*, std::vector<double>> numbers;
  for (const auto& s : view.services) {
    Json groups = Json::object();
    for (const auto& r : s.kpis) {
      groups[r.definition->group()][r.definition->field()] = kpi_value_json(r);
      if (r.value) numbers[r.definition].push_back(*r.value);
    }
    services[s.name] = std::move(groups);
  }
  Json platform = Json::object();
  for (const auto& row : table.rows()) {
    const auto it = numbers.find(&row);
    if (it == numbers.end()) continue;
    const auto value = aggregate(row.platform, it->second);
    if (!value) continue;
    KpiReading reading;
    reading.definition = &row;
    reading.value = value;
    platform[row.group()][row.field()] = kpi_value_json(reading);
  }
  Json doc;
  doc["generatedAt"] = time_json(view.now);
  doc["services"] = std::move(services);
  doc["platform"] = std::move(platform);
  return doc;
}

}  // namespace twikit::dashboard
