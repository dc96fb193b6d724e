#include "alertd/notify/template_data.h"

#include <algorithm>
#include <cctype>

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

std::string join_values(const Labels& labels) {
  std::string out;
  for (const auto& l : labels) {
    if (!out.empty()) out += ' ';
    out += l.second;
  }
  return out;
}

std::string default_title(const Notification& n, const TemplateData& d) {
  std::string status = d.status;
  std::transform(status.begin(), status.end(), status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  // An escalation step's alerts carry escalation_level: the title says so up front and leaves the level out
  // of the label values it lists.
  const bool escalated = !label_value(d.common_labels, kEscalationLevelLabel).empty();
  std::string title = escalated ? "[ESCALATED] [" : "[";
  title += status;
  if (d.status == "firing") {
    title += ':';
    title += std::to_string(d.firing);
  }
  title += "] ";
  Labels grouped;
  for (const auto& l : n.group_labels) {
    if (l.first != kEscalationLevelLabel) grouped.push_back(l);
  }
  title += join_values(grouped);
  Labels rest;
  for (const auto& l : d.common_labels) {
    if (l.first != kEscalationLevelLabel && label_value(n.group_labels, l.first).empty()) rest.push_back(l);
  }
  if (!rest.empty()) {
    title += " (";
    title += join_values(rest);
    title += ')';
  }
  return title;
}

}  // namespace twikit::notify
