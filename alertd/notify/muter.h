#pragma once
// What the pipeline asks silences and inhibitions: is this alert muted?

#include "alertd/notify/alert.h"

namespace twikit::notify {

/// Decides whether an alert is muted now. Implementations are thread-safe.
class Muter {
 public:
  virtual ~Muter() = default;
  /// Whether an alert with `labels` is muted at `now`.
  virtual bool mutes(const Labels& labels, TimestampMs now) const = 0;
};

/// A muter that also knows the past: silences, whose windows decide whether a resolved alert was muted
/// while it fired. Thread-safe.
class SilenceMuter : public Muter {
 public:
  /// Whether some silence matching `labels` was active at any time within [from, to].
  virtual bool muted_during(const Labels& labels, TimestampMs from, TimestampMs to) const = 0;
};

}  // namespace twikit::notify
