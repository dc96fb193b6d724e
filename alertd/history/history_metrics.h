#pragma once
// The history tier's self metrics for alertd's /metrics (alertd_history_*).

#include <vector>

#include "alertd/history/history_store.h"
#include "common/exposition.h"

namespace twikit::history {

/// Appends the store's metrics to `out`: disk bytes, series (and the limit), samples appended, flushed and
/// dropped by reason, flushes with their duration and failures, retention deletions, damaged chunks.
void collect(const HistoryStore& store, std::vector<MetricFamily>& out);

}  // namespace twikit::history
