#pragma once
// The notification side's input: an alert shaped like the ones Prometheus sends to Alertmanager.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/rfc3339.h"
#include "common/labels.h"

namespace twikit::notify {

/// One alert as the rule engine hands it over each evaluation cycle; resolved when ends_at <= now.
struct Alert {
  Labels labels;             ///< Identifying labels (alertname, severity, service, ...).
  Labels annotations;        ///< Descriptive labels (summary, description, runbook_url, ...).
  TimestampMs starts_at = 0; ///< When the alert became active (ms since epoch).
  TimestampMs ends_at = 0;   ///< When it resolved, or the time it will be considered resolved; 0 = unknown.
  std::string generator_url; ///< Link back to the rule that produced the alert.
  TimestampMs active_at = 0; ///< When the rule's condition first held (Prometheus' activeAt: the pending
                             ///< phase's start); 0 when not known. Not sent to receivers.

  /// Whether the alert is resolved at `now` (ends_at set and not in the future).
  bool resolved_at(TimestampMs now) const { return ends_at != 0 && ends_at <= now; }
};

/// A stable 64-bit identity of a label set (FNV-1a over names and values), as Alertmanager uses.
using Fingerprint = std::uint64_t;

/// The fingerprint of `labels`; equal label sets always give equal fingerprints across runs.
Fingerprint fingerprint(const Labels& labels);

/// The fingerprint of the alert's labels.
inline Fingerprint fingerprint(const Alert& alert) { return fingerprint(alert.labels); }

/// The 16-digit lower-case hex form of a fingerprint, as the webhook payload carries it.
std::string fingerprint_hex(Fingerprint fp);

/// Parses the hex form back; returns false when `hex` is not 1-16 hex digits.
bool parse_fingerprint_hex(const std::string& hex, Fingerprint& out);


/// RFC 3339 helpers live in common/; the names stay usable here.
using twikit::format_rfc3339;
using twikit::parse_rfc3339;

}  // namespace twikit::notify
