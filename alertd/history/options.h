#pragma once
// The history tier's settings as plain values (from storage.history in alertd.yaml).

#include <cstddef>
#include <cstdint>
#include <string>

namespace twikit::history {

/// How the durable history tier stores, aggregates, flushes and forgets samples.
struct HistoryOptions {
  std::string path = "data/history.db";                      ///< The SQLite file (created when missing).
  std::int64_t raw_retention_ms = 30LL * 24 * 3600 * 1000;         ///< Raw samples older than this are dropped.
  std::int64_t aggregated_retention_ms = 365LL * 24 * 3600 * 1000; ///< Aggregates older than this are dropped.
  std::int64_t aggregation_interval_ms = 5LL * 60 * 1000;          ///< Width of one aggregation bucket.
  std::int64_t flush_interval_ms = 60LL * 1000; ///< How often the background flusher commits (the crash window).
  std::size_t samples_per_chunk = 240;          ///< A raw chunk is sealed at this many samples (1 h at 15 s)…
  std::int64_t max_chunk_span_ms = 2LL * 3600 * 1000;  ///< …or when it would span longer than this.
  std::size_t buckets_per_aggregate_chunk = 48;        ///< An aggregate chunk is sealed at this many buckets.
  std::size_t max_pending_bytes = 64U << 20;  ///< Sealed chunks waiting for a (slow or failing) flush, at most.
  std::size_t max_series = 0;  ///< New series beyond this many are not recorded (0 = no limit).
};

}  // namespace twikit::history
