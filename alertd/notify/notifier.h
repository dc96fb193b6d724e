#pragma once
// One integration's contract: deliver a notification for a group of alerts, and say whether a failure
// is worth a retry.

#include <cstdint>
#include <string>
#include <vector>

#include "alertd/notify/alert.h"
#include "alertd/notify/flush_timing.h"
#include "common/http_client.h"

namespace twikit::notify {

/// What a receiver is told about one aggregation group at one flush.
struct Notification {
  std::string receiver;            ///< Receiver name.
  std::string group_key;           ///< Identity of the aggregation group (route + group labels).
  Labels group_labels;             ///< The group_by labels and their values.
  std::vector<Alert> alerts;       ///< The group's alerts (firing and resolved), sorted by labels.
  TimestampMs now = 0;             ///< Flush time; decides which alerts count as resolved.
  FlushTiming timing;              ///< The route's flush timing (repeat_interval sets re-send horizons).
  std::string external_url;        ///< Link back to alertd.
};

/// How a delivery attempt ended.
enum class Outcome { delivered, retryable, permanent };

/// The result of one delivery attempt.
struct DeliveryResult {
  Outcome outcome = Outcome::delivered; ///< Delivered, or a failure and whether to retry it.
  std::string reason;                   ///< For failures: clientError, serverError, timeout, connect, other.
  std::string detail;                   ///< Human-readable detail for logs (never secrets).
  std::int64_t retry_after_ms = -1;     ///< A server's Retry-After, or -1.

  /// A successful delivery.
  static DeliveryResult ok() { return {}; }
  /// A failure with `reason`; `retry` says whether it is worth retrying.
  static DeliveryResult failure(bool retry, std::string reason, std::string detail, std::int64_t retry_after_ms = -1) {
    return {retry ? Outcome::retryable : Outcome::permanent, std::move(reason), std::move(detail), retry_after_ms};
  }
};

/// Delivers notifications through one integration. Implementations are called from one delivery worker
/// at a time but must be safe to call from several threads.
class Notifier {
 public:
  virtual ~Notifier() = default;
  /// Delivers `n` (the caller has already dropped resolved alerts when send_resolved() is false).
  virtual DeliveryResult notify(const Notification& n) = 0;
  /// The integration's kind ("webhook", "email", "slack", "system_log", "alertmanager").
  virtual std::string integration() const = 0;
  /// Whether resolved alerts are sent.
  virtual bool send_resolved() const = 0;
};

/// Maps an HTTP exchange to a delivery result: 2xx delivered; transport errors and 5xx retryable;
/// 429 retryable honouring Retry-After; other 4xx and anything else permanent.
DeliveryResult classify_http(const HttpResponse& response);

}  // namespace twikit::notify
