#pragma once
// The history tier's self metrics for alertd's /metrics (alertd_history_*).

#include <vector>

#include "alertd/history/history_store.h"
#include "common/exposition.h"
#include "common/metrics_registry.h"

namespace twikit::history {

/// The store's metrics, read now: disk bytes, series (and the limit), samples appended, flushed and dropped by
/// reason, flushes with their duration and failures, retention deletions, damaged chunks.
std::vector<prometheus::MetricFamily> history_families(const HistoryStore& store);

/// Appends history_families() to `out`, in the writer's form.
void collect(const HistoryStore& store, std::vector<MetricFamily>& out);

}  // namespace twikit::history
