#include "alertd/notify/template_data.h"

#include <algorithm>

#include "alertd/notify/flush_sink.h"

namespace twikit::notify {

namespace {
Labels intersect(const std::vector<Alert>& alerts, Labels Alert::*field) {
  if (alerts.empty()) return {};
  Labels common = alerts.front().*field;
  for (std::size_t i = 1; i < alerts.size(); ++i) {
    const Labels& other = alerts[i].*field;
    Labels kept;
    for (const auto& l : common) {
      auto it = std::lower_bound(other.begin(), other.end(), l.first,
                                 [](const Label& x, const std::string& n) { return x.first < n; });
      if (it != other.end() && it->first == l.first && it->second == l.second) kept.push_back(l);
    }
    common = std::move(kept);
  }
  return common;
}
}  // namespace

std::string alert_status(const Alert& a, TimestampMs now) { return a.resolved_at(now) ? "resolved" : "firing"; }

TemplateData template_data(const Notification& n) {
  TemplateData d;
  for (const auto& a : n.alerts) {
    if (a.resolved_at(n.now)) ++d.resolved;
    else ++d.firing;
  }
  d.status = d.firing > 0 ? "firing" : "resolved";
  d.common_labels = intersect(n.alerts, &Alert::labels);
  d.common_annotations = intersect(n.alerts, &Alert::annotations);
  return d;
}

}  // namespace twikit::notify
