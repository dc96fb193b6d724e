#include "alertd/app/notification_stack_hub.h"

#include <filesystem>

#include "alertd/app/notification_stack.h"

namespace twikit::app {
namespace {

class StackHub final : public NotificationHub {
 public:
  explicit StackHub(StackOptions options) : stack_(std::move(options)) {}
  void apply(const notify::NotificationConfig& config) override { stack_.apply(config); }
  void send(const std::vector<notify::Alert>& alerts) override { stack_.send(alerts); }
  void remember_rule_alerts(const std::vector<persistence::RememberedAlert>& alerts, TimestampMs now) override {
    stack_.rule_state().save(alerts, now);
  }
  std::vector<persistence::RememberedAlert> recall_rule_alerts(TimestampMs* saved_at) const override {
    return stack_.rule_state().load(saved_at);
  }
  void maintain() override { stack_.apply_retention(); }
  void collect(std::vector<MetricFamily>& out) const override { stack_.collect(out); }
  void register_routes(WebRouter& router) override { stack_.register_routes(router); }
  amapi::AlertmanagerApi* alertmanager_api() override { return &stack_.alertmanager_api(); }
  void stop() override { stack_.stop(); }

 private:
  NotificationStack stack_;
};

}  // namespace

std::unique_ptr<NotificationHub> make_notification_stack_hub(const config::AlertdConfig& config, const Clock& clock,
                                                             AlertActivityListener on_activity) {
  const std::filesystem::path db(config.storage.path);
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  StackOptions options;
  options.database_path = config.storage.path;
  options.clock = &clock;
  options.on_activity = std::move(on_activity);
  auto hub = std::make_unique<StackHub>(std::move(options));
  hub->apply(config.notification);
  return hub;
}

}  // namespace twikit::app
