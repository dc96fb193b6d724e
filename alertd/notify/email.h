#pragma once
// The email integration: a multipart (plain text + HTML) message sent over SMTP with libcurl.

#include <string>

#include "alertd/notify/config.h"
#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// The subject line, Alertmanager's default "[FIRING:2] <group label values> (...)", followed by " [critical]"
/// (the highest severity of the firing alerts) when the alerts do not all share one severity.
std::string email_subject(const Notification& n);

/// The full RFC 5322 message (headers, multipart/alternative body) for `n`; `date_unix_s` feeds Date.
std::string email_message(const Notification& n, const EmailConfig& config, std::int64_t date_unix_s);

/// Sends email via SMTP (STARTTLS when require_tls). SMTP 4xx and connection failures are retryable,
/// 5xx are permanent. Thread-safe (one curl handle per call).
class EmailNotifier final : public Notifier {
 public:
  /// Uses `config` as loaded; auth_password_file is read at each send (a file that cannot be read fails the
  /// attempt, reason "other", retried).
  explicit EmailNotifier(EmailConfig config);
  DeliveryResult notify(const Notification& n) override;
  std::string integration() const override { return "email"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  EmailConfig config_;
};

}  // namespace twikit::notify
