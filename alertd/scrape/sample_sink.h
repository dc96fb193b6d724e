#pragma once
// Where scraped samples go besides the in-memory store: the scrape side's only view of a durable tier.

#include <span>

#include "alertd/storage/sample.h"
#include "common/labels.h"

namespace twikit::scrape {

/// One sample as committed to the in-memory store: after relabelling, staleness markers included.
struct SinkSample {
  const Labels* labels;    ///< The series' sorted labels; valid only during the call.
  storage::Sample sample;  ///< Timestamp and value (a staleness marker is Prometheus' special NaN).
};

/// Receives every sample a scrape commits, once per scrape, in the order they were written to the store.
/// Called on the target's loop thread (several targets call at once): implementations are thread-safe and
/// must not block on I/O, since a scrape waits for the call.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  /// Takes the samples of one scrape (or the staleness markers of a target that stopped).
  virtual void consume(std::span<const SinkSample> samples) = 0;
};

}  // namespace twikit::scrape
