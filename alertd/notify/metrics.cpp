#include "alertd/notify/metrics.h"

#include "alertd/notify/template_render.h"

namespace twikit::notify {
namespace {

using prometheus::MetricType;

// The value of `family`'s series with `labels`, 0 when it has none (without adding one).
double value_of(prometheus::Family<prometheus::Counter>& family, const prometheus::Labels& labels) {
  return family.Has(labels) ? family.Add(labels).Value() : 0;
}

}  // namespace

NotifyMetrics::NotifyMetrics()
    : sent_(registry_.counter("alertd_notifications_total", "Notifications delivered, by integration.")),
      failed_(registry_.counter("alertd_notifications_failed_total", "Failed delivery attempts, by integration and reason.")),
      dropped_(registry_.counter("alertd_notifications_dropped_total",
                                 "Notifications given up after a permanent failure or exhausted retries.")),
      suppressed_(registry_.counter("alertd_notifications_suppressed_total",
                                    "Group flushes that sent nothing because of the route's time intervals, by reason.")),
      latency_(registry_.histogram("alertd_notification_latency_seconds", "Duration of delivery attempts.")),
      escalations_(registry_.counter("alertd_escalations_total",
                                     "Escalation steps sent, by receiver and level (1 = an escalation policy's first step).")) {
  registry_.add([this] {
    return std::vector<prometheus::MetricFamily>{
        single_value("alertd_notification_outbox_depth", "Notifications written to the outbox and not yet delivered.",
                     MetricType::Gauge, static_cast<double>(outbox_depth()))};
  });
  registry_.add([] {
    prometheus::MetricFamily templates =
        make_family("alertd_notification_template_failures_total",
                    "Receiver template fields that failed at send time (sent with the error in their place), by integration.",
                    MetricType::Counter);
    for (const auto& [i, v] : template_failure_counts()) add_value(templates, static_cast<double>(v), {{"integration", i}});
    return std::vector<prometheus::MetricFamily>{std::move(templates)};
  });
}

void NotifyMetrics::observe(const std::string& integration, bool delivered, const std::string& reason, double seconds) {
  if (delivered) sent_.Add({{"integration", integration}}).Increment();
  else failed_.Add({{"integration", integration}, {"reason", reason}}).Increment();
  static const prometheus::Histogram::BucketBoundaries bounds(kBuckets.begin(), kBuckets.end());
  latency_.Add({{"integration", integration}}, bounds).Observe(seconds);
}

void NotifyMetrics::gave_up(const std::string& integration) { dropped_.Add({{"integration", integration}}).Increment(); }

void NotifyMetrics::suppressed(const std::string& reason) { suppressed_.Add({{"reason", reason}}).Increment(); }

void NotifyMetrics::escalated(const std::string& receiver, std::size_t level) {
  escalations_.Add({{"receiver", receiver}, {"level", std::to_string(level)}}).Increment();
}

void NotifyMetrics::set_outbox_depth_source(std::function<std::size_t()> source) {
  std::lock_guard<std::mutex> lock(mu_);
  outbox_depth_ = std::move(source);
}

std::size_t NotifyMetrics::outbox_depth() const {
  std::function<std::size_t()> source;
  {
    std::lock_guard<std::mutex> lock(mu_);
    source = outbox_depth_;
  }
  return source ? source() : 0;  // called without the lock: the source takes its own
}

double NotifyMetrics::sent(const std::string& integration) const { return value_of(sent_, {{"integration", integration}}); }

double NotifyMetrics::failed(const std::string& integration, const std::string& reason) const {
  return value_of(failed_, {{"integration", integration}, {"reason", reason}});
}

std::vector<MetricFamily> NotifyMetrics::collect() const { return registry_.collect(); }

}  // namespace twikit::notify
