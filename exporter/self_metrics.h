#pragma once
// The exporter's own metrics: build info, process metrics, collection and reload outcomes.

#include <atomic>
#include <cstdint>
#include <vector>

#include "common/exposition.h"
#include "exporter/collector.h"

namespace twikit::exporter {

/// Counters the HTTP layer and reloads update. Thread-safe (atomics).
struct SelfCounters {
  std::atomic<bool> last_reload_successful{true};
  std::atomic<double> last_reload_success_timestamp{0};
  std::atomic<std::uint64_t> reloads_failed{0};
  std::atomic<std::uint64_t> scrapes_served{0};
};

/// The twikit_exporter_* and process_* families for a /metrics response; `snapshot` may be null.
std::vector<MetricFamily> self_metrics(const Snapshot* snapshot, const SelfCounters& counters);

}  // namespace twikit::exporter
