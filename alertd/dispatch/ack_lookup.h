#pragma once
// The escalator's questions to the alert store: is this alert acknowledged, and has it already been
// recorded as resolved? A header of its own so that persistence implements it without depending on
// escalation.

#include "alertd/notify/alert.h"

namespace twikit::dispatch {

/// Answers what the alert store knows of an alert, which may be newer than the escalator's own copy (the
/// store records a cycle's alerts before the dispatcher sees them). Implementations are thread-safe.
class AckLookup {
 public:
  virtual ~AckLookup() = default;
  /// Whether the alert with fingerprint `fp` is currently acknowledged.
  virtual bool acknowledged(notify::Fingerprint fp) const = 0;
  /// Whether the store's latest state for `fp` is resolved (false when it does not know the alert).
  virtual bool resolved(notify::Fingerprint fp) const = 0;
};

}  // namespace twikit::dispatch
