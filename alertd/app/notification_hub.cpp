#include "alertd/app/notification_hub.h"

#include <atomic>

#include "common/logging.h"

namespace twikit::app {
namespace {

class LogOnlyHub final : public NotificationHub {
 public:
  void apply(const notify::NotificationConfig&) override {}
  void send(const std::vector<notify::Alert>& alerts) override {
    const TimestampMs now = clock_.now_ms();
    for (const auto& a : alerts) {
      logger("notify")->info("alert status={} labels={} starts_at={}", a.resolved_at(now) ? "resolved" : "firing",
                             logfmt_value(labels_to_string(a.labels)), notify::format_rfc3339(a.starts_at));
    }
    sent_ += alerts.size();
  }
  void collect(std::vector<MetricFamily>& out) const override {
    out.push_back({"alertd_alerts_handed_over_total", "Alerts handed from the rule engine to the notification side.",
                   MetricType::counter, {{{}, static_cast<double>(sent_.load()), "", std::nullopt}}});
  }
  void register_routes(WebRouter&) override {}
  void stop() override {}

 private:
  SystemClock clock_;
  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace

std::unique_ptr<NotificationHub> make_log_only_hub() { return std::make_unique<LogOnlyHub>(); }

std::vector<notify::Alert> to_notify_alerts(const std::vector<rules::Alert>& alerts, const Labels& external_labels,
                                            const std::string& external_url) {
  std::vector<notify::Alert> out;
  out.reserve(alerts.size());
  for (const auto& a : alerts) {
    notify::Alert n;
    n.labels = a.labels;
    for (const auto& [name, value] : external_labels) {
      if (label_value(n.labels, name).empty()) set_label(n.labels, name, value);
    }
    n.annotations = a.annotations;
    n.starts_at = a.fired_at != 0 ? a.fired_at : a.active_at;
    n.ends_at = a.resolved_at != 0 ? a.resolved_at : a.valid_until;
    n.generator_url = external_url + "/api/v1/alerts";
    n.active_at = a.active_at;
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace twikit::app
