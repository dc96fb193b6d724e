#pragma once
// The escalator's one question to the alert store: is this alert acknowledged? A header of its own so
// that persistence implements it without depending on escalation.

#include "alertd/notify/alert.h"

namespace twikit::dispatch {

/// Answers whether an alert has been acknowledged. Implementations are thread-safe.
class AckLookup {
 public:
  virtual ~AckLookup() = default;
  /// Whether the alert with fingerprint `fp` is currently acknowledged.
  virtual bool acknowledged(notify::Fingerprint fp) const = 0;
};

}  // namespace twikit::dispatch
