#pragma once
// The one place receivers' template fields are executed: Alertmanager's data for a notification, the
// template set, and what happens when a template fails at send time.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "alertd/notify/notifier.h"
#include "alertd/rules/template_set.h"

namespace twikit::notify {

/// Renders the template fields of one integration for one notification. A field that fails to parse or
/// execute renders as "<error expanding template: …>" (so the notification is still sent and shows what
/// went wrong), is logged once and counted in alertd_notification_template_failures_total; Alertmanager
/// would fail the notification instead. Not thread-safe; make one per notification.
class NotificationTemplater {
 public:
  /// Renders with `set` (the defaults when nullptr) for `n`; `integration` ("slack", "email") labels
  /// logs and the failure counter.
  NotificationTemplater(std::shared_ptr<const rules::TemplateSet> set, const Notification& n, std::string integration);

  /// Executes `source`, the text of the field called `field` (for errors), as a text template.
  std::string text(const std::string& field, const std::string& source);

  /// As text(), with HTML escaping of printed values (email `html`, Go's html/template in Alertmanager).
  std::string html(const std::string& field, const std::string& source);

  /// How many fields failed so far.
  std::size_t failures() const { return failures_; }

 private:
  std::string render(const std::string& field, const std::string& source, bool html);

  std::shared_ptr<const rules::TemplateSet> set_;
  const Notification& n_;
  std::string integration_;
  rules::TemplateValue data_;
  std::size_t failures_ = 0;
};

/// Template failures at send time so far, by integration kind (process-wide; for /metrics).
std::map<std::string, std::uint64_t> template_failure_counts();

}  // namespace twikit::notify
