#include "alertd/notify/metrics.h"

#include "alertd/notify/template_render.h"

namespace twikit::notify {

void NotifyMetrics::observe(const std::string& integration, bool delivered, const std::string& reason, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (delivered) sent_[integration] += 1;
  else failed_[{integration, reason}] += 1;
  Histogram& h = latency_[integration];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) h.counts[i] += 1;
  }
  h.sum += seconds;
  h.count += 1;
}

void NotifyMetrics::gave_up(const std::string& integration) {
  std::lock_guard<std::mutex> lock(mu_);
  dropped_[integration] += 1;
}

void NotifyMetrics::suppressed(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  suppressed_[reason] += 1;
}

void NotifyMetrics::set_outbox_depth_source(std::function<std::size_t()> source) {
  std::lock_guard<std::mutex> lock(mu_);
  outbox_depth_ = std::move(source);
}

double NotifyMetrics::sent(const std::string& integration) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sent_.find(integration);
  return it == sent_.end() ? 0 : it->second;
}

double NotifyMetrics::failed(const std::string& integration, const std::string& reason) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failed_.find({integration, reason});
  return it == failed_.end() ? 0 : it->second;
}

void NotifyMetrics::escalated(const std::string& receiver, std::size_t level) {
  std::lock_guard<std::mutex> lock(mu_);
  escalations_[{receiver, std::to_string(level)}] += 1;
}

std::vector<MetricFamily> NotifyMetrics::collect() const {
  std::function<std::size_t()> depth_source;
  std::vector<MetricFamily> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    depth_source = outbox_depth_;
    MetricFamily sent{"alertd_notifications_total", "Notifications delivered, by integration.", MetricType::counter, {}};
    for (const auto& [i, v] : sent_) sent.samples.push_back({{{"integration", i}}, v, "", std::nullopt});
    MetricFamily failed{"alertd_notifications_failed_total", "Failed delivery attempts, by integration and reason.",
                        MetricType::counter, {}};
    for (const auto& [k, v] : failed_) {
      failed.samples.push_back({{{"integration", k.first}, {"reason", k.second}}, v, "", std::nullopt});
    }
    MetricFamily dropped{"alertd_notifications_dropped_total",
                         "Notifications given up after a permanent failure or exhausted retries.", MetricType::counter, {}};
    for (const auto& [i, v] : dropped_) dropped.samples.push_back({{{"integration", i}}, v, "", std::nullopt});
    MetricFamily suppressed{"alertd_notifications_suppressed_total",
                            "Group flushes that sent nothing because of the route's time intervals, by reason.",
                            MetricType::counter, {}};
    for (const auto& [r, v] : suppressed_) suppressed.samples.push_back({{{"reason", r}}, v, "", std::nullopt});
    MetricFamily lat{"alertd_notification_latency_seconds", "Duration of delivery attempts.", MetricType::histogram, {}};
    for (const auto& [i, h] : latency_) {
      for (std::size_t b = 0; b < kBuckets.size(); ++b) {
        lat.samples.push_back({{{"integration", i}, {"le", format_double(kBuckets[b])}}, h.counts[b], "_bucket", std::nullopt});
      }
      lat.samples.push_back({{{"integration", i}, {"le", "+Inf"}}, h.count, "_bucket", std::nullopt});
      lat.samples.push_back({{{"integration", i}}, h.sum, "_sum", std::nullopt});
      lat.samples.push_back({{{"integration", i}}, h.count, "_count", std::nullopt});
    }
    MetricFamily escalations{"alertd_escalations_total",
                             "Escalation steps sent, by receiver and level (1 = an escalation policy's first step).",
                             MetricType::counter, {}};
    for (const auto& [k, v] : escalations_) {
      escalations.samples.push_back({{{"level", k.second}, {"receiver", k.first}}, v, "", std::nullopt});
    }
    out = {std::move(sent), std::move(failed), std::move(dropped), std::move(suppressed), std::move(lat),
           std::move(escalations)};
  }
  MetricFamily depth{"alertd_notification_outbox_depth", "Notifications written to the outbox and not yet delivered.",
                     MetricType::gauge, {}};
  depth.samples.push_back({{}, depth_source ? static_cast<double>(depth_source()) : 0.0, "", std::nullopt});
  out.push_back(std::move(depth));
  MetricFamily templates{"alertd_notification_template_failures_total",
                         "Receiver template fields that failed at send time (sent with the error in their place), by "
                         "integration.",
                         MetricType::counter, {}};
  for (const auto& [i, v] : template_failure_counts()) {
    templates.samples.push_back({{{"integration", i}}, static_cast<double>(v), "", std::nullopt});
  }
  out.push_back(std::move(templates));
  return out;
}

}  // namespace twikit::notify
