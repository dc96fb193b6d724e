#pragma once
// The system_log integration: one structured log line per notification through the "notify" logger.

#include "alertd/notify/config.h"
#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// The logfmt fields of the line: receiver, status, group_key, firing, resolved, alertnames, fingerprints.
std::string system_log_line(const Notification& n);

/// Writes system_log_line() at warn level (info when resolved). Never fails. Thread-safe.
class SystemLogNotifier final : public Notifier {
 public:
  /// Uses `config` for send_resolved.
  explicit SystemLogNotifier(SystemLogConfig config) : config_(config) {}
  DeliveryResult notify(const Notification& n) override;
  std::string integration() const override { return "system_log"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  SystemLogConfig config_;
};

}  // namespace twikit::notify
